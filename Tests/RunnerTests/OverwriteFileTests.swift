import DiobenchTestSupport
import Foundation
import Testing

/// Issue 15 item 6: a write job on a plain data file diobench did not lay out (fio's, say) overwrites it
/// as fio does, with a warning naming the file; a file that holds a file system is still refused.
@Suite struct OverwriteFileTests {
    static let hasMkfsExt4 = ["/sbin/mkfs.ext4", "/usr/sbin/mkfs.ext4"].contains {
        FileManager.default.isExecutableFile(atPath: $0)
    }

    @Test(.enabled(if: fioAvailable, "fio is not installed (apt-get install fio)"))
    func aFileFioLaidOutIsOverwrittenWithAWarning() async throws {
        let dir = try TemporaryDirectory("runner-overwrite")
        let file = dir.path + "/fio-made.dat"
        let layout = try await runProgram(
            fioPath, ["--name=lay", "--filename=\(file)", "--rw=write", "--bs=64k", "--size=1m"], timeout: 60)
        try #require(layout.status == 0, "\(layout.stderr)")
        let before = try Data(contentsOf: URL(fileURLWithPath: file))

        let job = "[w]\nfilename=\(file)\nrw=write\nbs=4k\nsize=1m\nnumjobs=2\n"
        let run = try await diobench(["run", "--output-format=json", try dir.write("w.fio", job)], timeout: 60)
        #expect(run.status == 0, "\(run.stderr)")
        let warnings = run.stderr.components(separatedBy: "\n").filter { $0.contains("overwriting \(file):") }
        // Clones share the file: the guard checks it (and warns) once.
        #expect(warnings.count == 1, "\(run.stderr)")
        #expect(warnings.first?.contains("did not lay out") == true)
        #expect(
            try jsonObject(run.stdout).jobs.map { $0.object("write").number("io_bytes") } == [1_048_576, 1_048_576])
        #expect(try Data(contentsOf: URL(fileURLWithPath: file)) != before, "the job wrote its own bytes")
    }

    @Test func aFileDiobenchLaidOutIsWrittenWithoutAWarning() async throws {
        let dir = try TemporaryDirectory("runner-overwrite")
        let job = "[w]\ndirectory=\(dir.path)\nrw=write\nsize=64k\n"
        let first = try await diobench(["run", try dir.write("a.fio", job)], timeout: 30)
        #expect(first.status == 0, "\(first.stderr)")
        let again = try await diobench(["run", try dir.write("b.fio", job + "rw=randwrite\n")], timeout: 30)
        #expect(again.status == 0, "\(again.stderr)")
        #expect(!again.stderr.contains("overwriting"), "\(again.stderr)")
    }

    @Test(.enabled(if: hasMkfsExt4, "needs mkfs.ext4 (e2fsprogs)"))
    func aFileHoldingAFileSystemIsStillRefused() async throws {
        let dir = try TemporaryDirectory("runner-overwrite")
        let image = dir.path + "/disk.img"
        #expect(FileManager.default.createFile(atPath: image, contents: nil))
        #expect(truncate(image, 16 << 20) == 0)
        try #require(try await runProgram("mkfs.ext4", ["-q", "-F", image]).status == 0)
        let before = try Data(contentsOf: URL(fileURLWithPath: image))

        let job = "[w]\nfilename=\(image)\nrw=randwrite\nbs=4k\nsize=1m\n"
        let refused = try await diobench(["run", try dir.write("a.fio", job)], timeout: 30)
        #expect(refused.status == 2, "a refused job is a job error")
        #expect(
            refused.stderr.contains("refusing to write to \(image): it holds an ext4 file system"), "\(refused.stderr)")
        #expect(refused.stderr.contains("allow_data_overwrite=1"), "names the override")
        #expect(try Data(contentsOf: URL(fileURLWithPath: image)) == before, "nothing was written")

        let allowed = try await diobench(
            ["run", try dir.write("b.fio", job + "allow_data_overwrite=1\n")], timeout: 30)
        #expect(allowed.status == 0, "\(allowed.stderr)")
        #expect(allowed.stderr.contains("although it holds an ext4 file system"), "\(allowed.stderr)")
    }
}
