import DiobenchTestSupport
import Foundation
import Testing
@testable import Targets

let canUseLoopDevices = getuid() == 0 && FileManager.default.fileExists(atPath: "/dev/loop-control")
let loopReason: Comment = "needs root and /dev/loop-control"

func losetupLines() async throws -> [String] {
    try await runProgram("/sbin/losetup", ["-a"]).stdout.split(separator: "\n").map(String.init).sorted()
}

/// Issue 3 through the CLI: jobs that build their own loop device, use it with every engine in both
/// modes, report what the kernel did, and leave nothing behind, also when interrupted or killed.
@Suite(.serialized, .loopDevices, .enabled(if: canUseLoopDevices, loopReason))
struct LoopJobTests {
    /// Runs `body` and checks `losetup -a` is the same afterwards (the lock keeps other loop tests out).
    func unchangedLoopDevices<T>(_ body: () async throws -> T) async throws -> T {
        let before = try await losetupLines()
        let result = try await body()
        #expect(try await losetupLines() == before, "losetup -a changed")
        return result
    }

    @Test(arguments: ["psync", "io_uring"], [false, true])
    func loopDeviceIsBuiltUsedAndDetached(_ engine: String, _ direct: Bool) async throws {
        let dir = try TemporaryDirectory("runner")
        let job = """
            [global]
            loop_backing=\(dir.path)/backing.img
            size=16m
            bs=8k
            ioengine=\(engine)
            iodepth=8
            direct=\(direct ? 1 : 0)
            [write-dio-on]
            loop_dio=1
            rw=randwrite
            [read-dio-off]
            stonewall
            loop_dio=0
            rw=randread
            """
        let out = try await unchangedLoopDevices {
            try await diobench([
                "run", "--output-format=json", "--journal-dir", dir.path + "/journal", try dir.write("j.fio", job),
            ])
        }
        try #require(out.status == 0, "\(out.stderr)")
        let jobs = try jsonObject(out.stdout).jobs
        try #require(jobs.count == 2)
        #expect(jobs[0].object("write").number("io_bytes") == 16_777_216)
        #expect(jobs[1].object("read").number("io_bytes") == 16_777_216)
        for (entry, dio) in zip(jobs, [true, false]) {
            let loop = entry.object("diobench").object("loop")
            #expect((loop["device"] as? String)?.hasPrefix("/dev/loop") == true)
            #expect(loop["dio_requested"] as? Bool == dio)
            // ext4 under the work directory accepts direct I/O, so the kernel does what was asked.
            #expect(loop["dio_effective"] as? Bool == dio, "dio effective \(String(describing: loop["dio_effective"]))")
            #expect(loop.number("logical_block_size") == 512)
            #expect((loop["backing_file"] as? String) == dir.path + "/backing.img")
            #expect(loop["backing_fs_type"] as? String != nil)
            let targets = entry.object("diobench")["targets"] as? [[String: Any]] ?? []
            #expect(targets.first?["kind"] as? String == "loop")
        }
        #expect(
            try FileManager.default.contentsOfDirectory(atPath: dir.path + "/journal").isEmpty,
            "the journal is empty after a clean run")
    }

    @Test func smallDirectReadOnA4kLoopDeviceIsExplained() async throws {
        let dir = try TemporaryDirectory("runner")
        let job = """
            [small]
            loop_backing=\(dir.path)/backing.img
            loop_block_size=4096
            size=4m
            rw=read
            bs=512
            direct=1
            """
        let out = try await unchangedLoopDevices {
            try await diobench(
                ["run", "--journal-dir", dir.path + "/journal", try dir.write("j.fio", job)], timeout: 30)
        }
        #expect(out.status == 1)
        #expect(out.stderr.contains("EINVAL"), "\(out.stderr)")
        #expect(out.stderr.contains("4096"), "names the logical block size: \(out.stderr)")
    }

    /// A long job on a loop device: `body` runs beside it once the device is in use; returns when it has ended.
    func runLongLoopJob<R: Sendable>(
        _ dir: TemporaryDirectory, whileRunning body: @escaping @Sendable (RunningChild) async throws -> R
    )
        async throws -> (output: ProcessOutput, result: R)
    {
        let job = """
            [long]
            loop_backing=\(dir.path)/backing.img
            loop_dio=1
            size=16m
            rw=randread
            direct=1
            ioengine=io_uring
            iodepth=4
            time_based
            runtime=60
            """
        let path = dir.path
        return try await runProgram(
            diobenchBinary,
            ["run", "--output-format=json", "--journal-dir", path + "/journal", try dir.write("j.fio", job)]
        ) { child in
            let deadline = Date().addingTimeInterval(20)
            while Date() < deadline, try await !losetupLines().contains(where: { $0.contains(path) }) {
                try await Task.sleep(for: .milliseconds(50))
            }
            try await Task.sleep(for: .milliseconds(300))  // let the workers start their I/O
            return try await body(child)
        }
    }

    @Test func sigintMidJobLeavesNoLoopDeviceAndWritesPartialResults() async throws {
        let dir = try TemporaryDirectory("runner")
        let path = dir.path
        try await unchangedLoopDevices {
            let (out, _) = try await runLongLoopJob(dir) { child async throws in
                #expect(try await losetupLines().contains { $0.contains(path) }, "the job attached its loop device")
                try? child.send(SIGINT)
            }
            #expect(out.status == 128 + SIGINT)
            let result = try jsonObject(out.stdout)
            #expect(result.object("diobench")["partial"] as? Bool == true)
            let read = try #require(result.jobs.first).object("read")
            #expect(read.number("total_ios") > 0, "the I/O done before the signal is reported")
        }
    }

    @Test func sigkillLeavesAJournalThatCleanupResolves() async throws {
        let dir = try TemporaryDirectory("runner")
        let path = dir.path
        try await unchangedLoopDevices {
            let (_, (device, holder)) = try await runLongLoopJob(dir) { child in
                let device = try #require(
                    try await losetupLines().first { $0.contains(path) }?.split(separator: ":").first.map(String.init))
                // diobench sets autoclear as a safety net: the kernel detaches the device when its last opener
                // closes, so a killed run normally leaves only its journal. To see `cleanup` detach a device
                // that did stay, hold it open across the kill and then take its autoclear flag away, as if
                // the safety net had not been there.
                let holder = open(device, O_RDONLY)
                try #require(holder >= 0)
                try? child.send(SIGKILL)
                return (device, holder)
            }
            #expect(
                try await losetupLines().contains { $0.contains(dir.path) }, "the killed run left \(device) attached")
            let journals = try FileManager.default.contentsOfDirectory(atPath: dir.path + "/journal")
            #expect(journals.count == 1, "the killed run's journal is still there: \(journals)")
            var info = LoopInfo64()
            #expect(
                LoopSyscall.ioctl(
                    holder, LoopIoctl.getStatus64, byteCount: LoopInfo64.byteCount,
                    decode: { info = LoopInfo64(decoding: $0) }) == 0)
            #expect(info.flags.contains(.autoclear), "diobench set autoclear")
            info.flags.remove(.autoclear)
            #expect(
                LoopSyscall.ioctl(
                    holder, LoopIoctl.setStatus64, byteCount: LoopInfo64.byteCount,
                    encode: { info.encode(into: $0) }) == 0)
            close(holder)
            try await Task.sleep(for: .milliseconds(200))
            #expect(try await losetupLines().contains { $0.contains(dir.path) }, "without autoclear the device stays")
            let cleanup = try await diobench(["cleanup", "--journal-dir", dir.path + "/journal"], timeout: 30)
            #expect(cleanup.status == 0, "\(cleanup.stdout)\(cleanup.stderr)")
            #expect(cleanup.stdout.contains(device) || cleanup.stdout.contains("backing.img"), "\(cleanup.stdout)")
            #expect(try await !losetupLines().contains { $0.contains(dir.path) }, "no device left after cleanup")
            #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path + "/journal").isEmpty)
        }
    }
}

/// Issue 8: a write job aimed at a device that holds a file system is refused with the reason,
/// and runs when the job says so explicitly.
@Suite(
    .serialized, .loopDevices,
    .enabled(
        if: canUseLoopDevices && FileManager.default.isExecutableFile(atPath: "/sbin/mkfs.ext4"),
        "needs root, /dev/loop-control and mkfs.ext4"))
struct WriteGuardJobTests {
    @Test func ext4OnALoopDeviceIsRefusedUnlessOverridden() async throws {
        let dir = try TemporaryDirectory("runner")
        let image = dir.path + "/disk.img"
        #expect(FileManager.default.createFile(atPath: image, contents: nil))
        #expect(truncate(image, 32 << 20) == 0)
        let device = try await runProgram("/sbin/losetup", ["--find", "--show", image]).stdout.trimmingCharacters(
            in: .whitespacesAndNewlines)
        try #require(device.hasPrefix("/dev/loop"))
        try await withCleanup {
            #expect(try await runProgram("/sbin/mkfs.ext4", ["-q", "-F", device]).status == 0)

            let job = "[clobber]\nfilename=\(device)\nrw=randwrite\nbs=4k\nsize=1m\ndirect=1\n"
            let refused = try await diobench(["run", try dir.write("a.fio", job)], timeout: 30)
            #expect(refused.status == 2, "a refused job is a job error")
            #expect(refused.stderr.contains("refusing to write to \(device)"), "\(refused.stderr)")
            #expect(refused.stderr.contains("ext4"), "names what was found: \(refused.stderr)")
            #expect(refused.stderr.contains("allow_data_overwrite=1"), "names the override")
            let stillExt4 = try await runProgram("/sbin/blkid", ["-p", "-o", "value", "-s", "TYPE", device]).stdout
            #expect(stillExt4.contains("ext4"), "nothing was written")

            let allowed = try await diobench(
                ["run", "--output-format=json", try dir.write("b.fio", job + "allow_data_overwrite=1\n")], timeout: 30)
            #expect(allowed.status == 0, "\(allowed.stderr)")
            #expect(allowed.stderr.contains("although"), "the override is reported: \(allowed.stderr)")
            #expect(try jsonObject(allowed.stdout).jobs.first?.object("write").number("io_bytes") == 1_048_576)
        } cleanup: {
            _ = try? await runProgram("/sbin/losetup", ["--detach", device])
        }
    }
}
