import DiobenchTestSupport
import Foundation
import Testing

/// `-` reads the job file from standard input, as fio does (`fio - <<EOF`); pipes and devices named as
/// job files are read to their end or refused with a reason.
@Suite struct StandardInputJobTests {
    static let job = """
        [global]
        ioengine=null
        bs=4k
        [fromstdin]
        rw=randread
        size=1m
        """

    @Test("`run -` runs the job piped in, and --save keeps it as job-files/stdin.fio")
    func runFromStandardInput() async throws {
        let dir = try TemporaryDirectory("runner")
        let out = try await diobench(
            ["run", "--output-format=json", "--save", "--results-dir", dir.path + "/runs", "-"],
            directory: dir.path, input: Self.job)
        #expect(out.status == 0, "\(out.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(out.stdout.utf8)) as? [String: Any])
        let job = try #require((json["jobs"] as? [[String: Any]])?.first)
        #expect(job["jobname"] as? String == "fromstdin")
        #expect((job["read"] as? [String: Any])?["total_ios"] as? Int == 256)
        let runs = try FileManager.default.contentsOfDirectory(atPath: dir.path + "/runs")
        #expect(runs.count == 1)
        let saved = try String(contentsOfFile: dir.path + "/runs/" + runs[0] + "/job-files/stdin.fio", encoding: .utf8)
        #expect(saved == Self.job)
    }

    @Test("an error in a job read from standard input names <stdin> and the line")
    func errorNamesStandardInput() async throws {
        let dir = try TemporaryDirectory("runner")
        let out = try await diobench(
            ["run", "-"], directory: dir.path, input: Self.job.replacingOccurrences(of: "size=1m", with: "siz=1m"))
        #expect(out.status == 2)
        #expect(out.stderr.contains("<stdin>:6: option 'siz': unknown option"), "\(out.stderr)")
    }

    @Test("compare reads standard input once and runs it in every cell")
    func compareFromStandardInput() async throws {
        let dir = try TemporaryDirectory("runner")
        let (out, cells) = try await compareTwoBlockSizes(["-"], in: dir, input: Self.job)
        #expect(out.status == 0, "\(out.stderr)")
        #expect(cells.count == 2)
        for cell in cells { #expect((cell["runs"] as? [Any])?.count == 1, "\(cell["label"] ?? "")") }
        #expect(FileManager.default.fileExists(atPath: dir.path + "/cmp/job-files/stdin.fio"))
    }

    @Test("a directory, a device that never ends, or an include that is not a regular file is refused with the reason")
    func nonFilesAreRefused() async throws {
        let dir = try TemporaryDirectory("runner")
        let directory = try await diobench(["run", "--parse-only", dir.path])
        #expect(directory.status == 2)
        #expect(directory.stderr.contains("is a directory"), "\(directory.stderr)")
        let endless = try await diobench(["run", "--parse-only", "/dev/zero"])
        #expect(endless.status == 2)
        #expect(endless.stderr.contains("job file '/dev/zero' is larger than 16 MiB"), "\(endless.stderr)")
        let device = try await diobench(
            ["run", "--parse-only", try dir.write("z.fio", "[j]\ninclude /dev/stdin\n")], input: "bs=4k\n")
        #expect(device.status == 2)
        #expect(device.stderr.contains("z.fio:2: included file '/dev/stdin' is not a regular file"), "\(device.stderr)")
    }
}
