import DiobenchTestSupport
import Foundation
import Testing

/// fio's job options on the command line (`fio --name=a --rw=randread --size=1m`): the same jobs, names,
/// groups, job options and amount of I/O as the installed fio, alone and before a job file.
@Suite(.enabled(if: fioAvailable, "fio is not installed (apt-get install fio)"))
struct CommandLineJobTests {
    struct Case: CustomStringConvertible, Sendable {
        var name: String
        var arguments: [String]
        /// A job file written next to the run and named after the arguments, when not nil.
        var jobFile: String? = nil
        var description: String { name }
    }

    static let cases: [Case] = [
        Case(
            name: "globals before the first --name",
            arguments: ["--ioengine=null", "--size=1m", "--name=a", "--name=b", "--bs=8k"]),
        Case(
            name: "--name=global, a value after a space, a bare flag",
            arguments: [
                "--name=global", "--rw=randread", "--size", "1m", "--ioengine=null", "--name=j1", "--norandommap",
                "--name=j2", "--bs", "8k", "--randrepeat", "0",
            ]),
        Case(
            name: "command-line globals reach the job file's jobs",
            arguments: ["--size=2m", "--name=c", "--ioengine=null"],
            jobFile: "[x]\nioengine=null\nrw=read\nbs=16k\n"),
    ]

    @Test(arguments: cases)
    func sameJobsAsFio(_ testCase: Case) async throws {
        let fioDir = try TemporaryDirectory("runner"), ourDir = try TemporaryDirectory("runner")
        var fioArguments = testCase.arguments, ourArguments = testCase.arguments
        if let jobFile = testCase.jobFile {
            fioArguments.append(try fioDir.write("job.fio", jobFile))
            ourArguments.append(try ourDir.write("job.fio", jobFile))
        }
        let fio = try await runProgram(fioPath, ["--output-format=json"] + fioArguments, directory: fioDir.path)
        try #require(fio.status == 0, "fio failed: \(fio.stderr)")
        let ours = try await runProgram(diobenchBinary, ["--output-format=json"] + ourArguments, directory: ourDir.path)
        try #require(ours.status == 0, "diobench failed: \(ours.stderr)")

        let theirs = try jsonObject(fio.stdout), mine = try jsonObject(ours.stdout)
        #expect(mine["global options"] as? [String: String] == theirs["global options"] as? [String: String])
        #expect(mine.jobs.map { $0["jobname"] as? String } == theirs.jobs.map { $0["jobname"] as? String })
        #expect(mine.jobs.map { $0.number("groupid") } == theirs.jobs.map { $0.number("groupid") })
        for (their, my) in zip(theirs.jobs, mine.jobs) {
            let name = their["jobname"] as? String ?? "?"
            #expect(
                my["job options"] as? [String: String] == their["job options"] as? [String: String],
                "\(name): job options")
            #expect(
                my.object("read").number("total_ios") == their.object("read").number("total_ios"), "\(name): total_ios")
            #expect(
                my.object("read").number("io_bytes") == their.object("read").number("io_bytes"), "\(name): io_bytes")
        }
    }

    @Test("a bad command-line value is a usage error naming the argument, and diobench's own flags still work")
    func badValueNamesTheArgument() async throws {
        let dir = try TemporaryDirectory("runner")
        let bad = try await diobench(["--name=x", "--ioengine=null", "--bs=4q"], directory: dir.path)
        #expect(bad.status == 2)
        #expect(bad.stderr.contains("<command line> --bs=4q: option 'bs': '4q' is not a size"), "\(bad.stderr)")
        let parsed = try await diobench(
            ["run", "--parse-only", "--name=x", "--ioengine=null", "--size=1m", "--rw=randread"], directory: dir.path)
        #expect(parsed.status == 0, "\(parsed.stderr)")
        #expect(parsed.stdout.contains("; from <command line> --name=x, reporting group 0"))
        #expect(parsed.stdout.contains("rw=randread"))
        let noName = try await diobench(["--name=", "--size=1m"], directory: dir.path)
        #expect(noName.status == 2)
        #expect(noName.stderr.contains("--name needs a job name"), "\(noName.stderr)")
    }

    @Test("compare takes command-line jobs: every cell runs them")
    func compareTakesCommandLineJobs() async throws {
        let dir = try TemporaryDirectory("runner")
        let (out, cells) = try await compareTwoBlockSizes(["--name=cl", "--ioengine=null", "--size=1m"], in: dir)
        #expect(out.status == 0, "\(out.stderr)")
        #expect(cells.count == 2)
        for cell in cells {
            let runs = cell["runs"] as? [[String: Any]] ?? []
            #expect(runs.first?.jobs.first?["jobname"] as? String == "cl")
        }
    }
}
