import DiobenchTestSupport
import Foundation
import Testing

/// fio's run flags that scripts pass: --readonly, --minimal, --warnings-fatal, --eta and --eta-newline.
@Suite struct FioRunFlagTests {
    @Test("--readonly refuses a job that writes, before anything runs, and lets a read job run")
    func readOnly() async throws {
        let dir = try TemporaryDirectory("runner")
        let writer = try await diobench(
            ["--readonly", "--name=r", "--ioengine=null", "--size=1m", "--name=w", "--rw=randwrite"],
            directory: dir.path)
        #expect(writer.status == 2)
        #expect(writer.stderr.contains("--readonly: job 'w'"), "\(writer.stderr)")
        #expect(writer.stdout.isEmpty, "nothing ran")
        let reader = try await diobench(
            ["--readonly", "--name=r", "--ioengine=null", "--size=1m", "--rw=randread"], directory: dir.path)
        #expect(reader.status == 0, "\(reader.stderr)")
        // A read job whose file is missing or short would have it written first: refused, nothing made.
        let missing = try await diobench(
            ["--readonly", "--name=r", "--size=1m", "--rw=read", "--filename=data"], directory: dir.path)
        #expect(missing.status == 2)
        #expect(
            missing.stderr.contains("--readonly: reading would first create data (1048576 bytes)"), "\(missing.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir.path + "/data"))
        try Data(count: 1 << 20).write(to: URL(fileURLWithPath: dir.path + "/data"))
        let short = try await diobench(
            ["--readonly", "--name=r", "--size=2m", "--rw=read", "--filename=data"], directory: dir.path)
        #expect(short.status == 2)
        #expect(short.stderr.contains("extend data from 1048576 to 2097152 bytes"), "\(short.stderr)")
        let whole = try await diobench(
            ["--readonly", "--name=r", "--size=1m", "--rw=read", "--filename=data"], directory: dir.path)
        #expect(whole.status == 0, "\(whole.stderr)")
        #expect(try FileManager.default.attributesOfItem(atPath: dir.path + "/data")[.size] as? Int == 1 << 20)
    }

    @Test(
        "--minimal prints fio's terse line, with as many fields as fio's own --minimal",
        .enabled(if: fioAvailable, "fio is not installed (apt-get install fio)"))
    func minimal() async throws {
        let dir = try TemporaryDirectory("runner")
        let job = ["--name=t", "--ioengine=null", "--size=1m", "--rw=randread"]
        let ours = try await diobench(["--minimal"] + job, directory: dir.path)
        let fio = try await runProgram(fioPath, ["--minimal"] + job, directory: dir.path)
        try #require(ours.status == 0 && fio.status == 0, "\(ours.stderr) \(fio.stderr)")
        let mine = ours.stdout.trimmingCharacters(in: .newlines).split(separator: ";", omittingEmptySubsequences: false)
        let theirs = fio.stdout.trimmingCharacters(in: .newlines).split(
            separator: ";", omittingEmptySubsequences: false)
        #expect(mine.first == "3" && mine.dropFirst(2).first == "t")
        #expect(mine.count == theirs.count)
    }

    @Test("--warnings-fatal turns a job-file warning into exit status 2")
    func warningsFatal() async throws {
        let dir = try TemporaryDirectory("runner")
        let file = try dir.write("w.fio", "[job]\nioengine=null\nsize=1m\n[globalish]\n")
        let lenient = try await diobench(["--parse-only", file], directory: dir.path)
        #expect(lenient.status == 0)
        let strict = try await diobench(["--warnings-fatal", file], directory: dir.path)
        #expect(strict.status == 2)
        #expect(strict.stderr.contains("[globalish] is a job here"), "\(strict.stderr)")
    }

    @Test("--eta=always shows the status line off a terminal, and --eta-newline ends lines instead of rewriting one")
    func etaNewline() async throws {
        let dir = try TemporaryDirectory("runner")
        let job = ["--name=t", "--ioengine=null", "--size=1m", "--time_based", "--runtime=3", "--output-format=json"]
        let quiet = try await diobench(job, directory: dir.path)
        #expect(!quiet.stderr.contains("Jobs: 1"), "no status line off a terminal by default")
        // Status lines that a newline ended (the last piece of stderr is the line still being rewritten).
        func endedLines(_ output: ProcessOutput) -> Int {
            output.stderr.components(separatedBy: "\n").dropLast().filter { $0.contains("Jobs: 1 (f=1)") }.count
        }
        let rewritten = try await diobench(["--eta=always"] + job, directory: dir.path)
        #expect(rewritten.stderr.contains("Jobs: 1 (f=1)"), "\(rewritten.stderr)")
        #expect(endedLines(rewritten) == 0)
        let newlines = try await diobench(["--eta=always", "--eta-newline=1s"] + job, directory: dir.path)
        #expect(newlines.status == 0, "\(newlines.stderr)")
        #expect(endedLines(newlines) >= 1, "\(newlines.stderr)")
        let bad = try await diobench(["--eta-newline=soon"] + job, directory: dir.path)
        #expect(bad.status == 2)
        #expect(bad.stderr.contains("--eta-newline=soon"), "\(bad.stderr)")
    }
}

/// `--showcmd`: a job file as one command line of job options, which runs the same jobs.
@Suite struct ShowCommandTests {
    /// `--parse-only`'s resolved jobs without the lines that say where each came from, and without `name=`,
    /// which a command-line job lists as written (as fio does) and a file's [header] does not.
    static func resolvedJobs(_ output: ProcessOutput) -> String {
        output.stdout.split(separator: "\n").filter { !$0.hasPrefix("; from ") && !$0.hasPrefix("name=") }.joined(
            separator: "\n")
    }

    static var shippedJobs: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: packageRoot + "/Jobs")) ?? []).filter {
            $0.hasSuffix(".fio")
        }.sorted()
    }

    @Test("every shipped job file, as its --showcmd line, resolves to the same jobs", arguments: shippedJobs)
    func roundTrip(_ name: String) async throws {
        let file = packageRoot + "/Jobs/" + name
        let shown = try await diobench(["--showcmd", file])
        try #require(shown.status == 0, "\(shown.stderr)")
        let line = shown.stdout.trimmingCharacters(in: .newlines)
        #expect(line.hasPrefix("diobench --"))
        let fromFile = try await diobench(["run", "--parse-only", file])
        let fromLine = try await runProgram(
            "/bin/sh", ["-c", diobenchBinary + " run --parse-only " + line.dropFirst("diobench ".count)])
        try #require(fromFile.status == 0 && fromLine.status == 0, "\(fromFile.stderr) \(fromLine.stderr)")
        #expect(Self.resolvedJobs(fromLine) == Self.resolvedJobs(fromFile))
    }

    @Test("a name= line renames its job on the command line too, instead of starting another job")
    func renamedJobs() async throws {
        let dir = try TemporaryDirectory("runner")
        let file = try dir.write(
            "n.fio", "[global]\nioengine=null\nsize=1m\nname=foo\n[a]\nrw=read\n[b]\nname=renamed\n")
        let shown = try await diobench(["--showcmd", file])
        #expect(
            shown.stdout.trimmingCharacters(in: .newlines)
                == "diobench --ioengine=null --size=1m --name=a --rw=read --name=renamed")
        let fromFile = try await diobench(["run", "--parse-only", file])
        let fromLine = try await runProgram(
            "/bin/sh", ["-c", diobenchBinary + " run --parse-only " + shown.stdout.dropFirst("diobench ".count)])
        #expect(fromFile.status == 0 && fromLine.status == 0)
        #expect(Self.resolvedJobs(fromLine) == Self.resolvedJobs(fromFile))
    }

    @Test(
        "the job options are fio's --showcmd's, and a value with spaces is quoted for the shell",
        .enabled(if: fioAvailable, "fio is not installed (apt-get install fio)"))
    func sameAsFio() async throws {
        let dir = try TemporaryDirectory("runner")
        let file = try dir.write(
            "j.fio", "[global]\nrw=randread\nsize=128m\n[job1]\n[job2]\nbs=4k\ntime_based\ndescription=two words\n")
        let ours = try await diobench(["--showcmd", file])
        let fio = try await runProgram(fioPath, ["--showcmd", file])
        try #require(ours.status == 0 && fio.status == 0, "\(ours.stderr) \(fio.stderr)")
        let mine = ours.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(
            mine
                == #"diobench --rw=randread --size=128m --name=job1 --name=job2 --bs=4k --time_based --description="two words""#
        )
        let theirs = fio.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(
            theirs
                == "fio --rw=randread --size=128m --name=job1 --name=job2 --bs=4k --time_based --description=\"two words\""
        )
    }
}
