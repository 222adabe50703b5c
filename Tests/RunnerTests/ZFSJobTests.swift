import DiobenchTestSupport
import Foundation
import JobFile
import Stats
import Testing
@testable import Runner
@testable import ZFS

/// The ZFS side of the runner where ZFS cannot load (here): the known-crash guard fed version strings
/// through a real RunSession, the errors and fallback without ZFS, the kernel watch, and the
/// accounting's inputs. Against real ZFS the same code runs in the lab suite (Tests/LabTests).
@Suite("ZFS in jobs, without ZFS")
struct ZFSJobTests {
    /// A sysfs tree that says ZFS `version` is loaded, as /sys/module/zfs does.
    final class FakeModule {
        let directory: TemporaryDirectory
        var path: String { directory.path + "/sys-module-zfs" }
        init(version: String) throws {
            directory = try TemporaryDirectory("runner")
            try FileManager.default.createDirectory(atPath: path + "/parameters", withIntermediateDirectories: true)
            try (version + "\n").write(toFile: path + "/version", atomically: true, encoding: .utf8)
            try "1\n".write(toFile: path + "/parameters/zfs_dio_enabled", atomically: true, encoding: .utf8)
        }
    }

    final class Log: @unchecked Sendable {
        private let lock = NSLock()
        private var lines: [String] = []
        func add(_ line: String) { lock.lock(); lines.append(line); lock.unlock() }
        var all: [String] { lock.lock(); defer { lock.unlock() }; return lines }
    }

    /// Runs `text` as a job file in a RunSession with ZFS found at `sysfs`; `beside` (if any) starts on a
    /// thread of its own as the session does.
    func run(
        _ text: String, in dir: TemporaryDirectory, sysfs: String, configure: (inout RunOptions) -> Void = { _ in },
        beside: (@Sendable () -> Void)? = nil
    ) async throws -> (outcome: RunOutcome, log: [String]) {
        let file = try dir.write("job.fio", text)
        let parsed = try JobFileParser().parse(paths: [file])
        let log = Log()
        var options = RunOptions()
        options.journalDirectory = dir.path + "/journal"
        options.log = { log.add($0) }
        options.zfs.sysfsPath = sysfs
        // Never reached in these tests: the path checks fail first. A real `zfs` must not be run here.
        options.zfs.tools = ZFSTools(zfsPath: "/nonexistent/zfs", zpoolPath: "/nonexistent/zpool")
        configure(&options)
        // The run joins its worker threads: on a thread of its own, not the test's.
        let session = RunSession(parsed: parsed, options: options)
        let outcome = try await onDedicatedThread {
            if let beside { Thread.detachNewThread(beside) }
            return session.run()
        }
        return (outcome, log.all)
    }

    func loopJob(_ dir: TemporaryDirectory, extra: String = "") -> String {
        """
        [seed]
        loop_backing=\(dir.path)/backing.img
        loop_dio=1
        size=16m
        rw=read
        direct=1
        zfs_direct=always
        \(extra)
        """
    }

    @Test(
        "the guard refuses the 16956 loop device on versions before 2.3.1, before anything is made",
        arguments: ["2.3.0", "2.3.0-rc5", "2.2.99-1_g1234abcd", "zfs-kmod-2.3.0-1"])
    func refused(version: String) async throws {
        let dir = try TemporaryDirectory("runner")
        let module = try FakeModule(version: version)
        let (outcome, _) = try await run(loopJob(dir), in: dir, sysfs: module.path)
        let job = try #require(outcome.result.jobs.first)
        let message = try #require(job.diobench?.errorMessage)
        #expect(message.contains("refusing"))
        #expect(message.contains("OpenZFS issue 16956") && message.contains("2.3.1"))
        #expect(message.contains("zfs_allow_known_crash=1"))
        #expect(message.contains("OpenZFS \(version)"))
        #expect(outcome.exitStatus == 2, "a refused job is a job error (docs/SAFETY.md)")
        #expect(!FileManager.default.fileExists(atPath: dir.path + "/backing.img"), "no backing file, no loop device")
        #expect(job.diobench?.loop == nil)
    }

    @Test(
        "fixed versions pass the guard (the job then fails here only because the file is not on ZFS)",
        arguments: ["2.3.1", "2.3.9-0+deb13u1", "2.4.0-rc1", "2.4.1"])
    func allowed(version: String) async throws {
        let dir = try TemporaryDirectory("runner")
        let module = try FakeModule(version: version)
        let (outcome, log) = try await run(loopJob(dir), in: dir, sysfs: module.path)
        let message = try #require(outcome.result.jobs.first?.diobench?.errorMessage)
        #expect(!message.contains("16956"))
        #expect(message.contains("is not on a ZFS file system"))
        #expect(!log.contains { $0.contains("16956") })
    }

    @Test("zfs_allow_known_crash=1 runs past the guard with a warning citing the issue")
    func override() async throws {
        let dir = try TemporaryDirectory("runner")
        let module = try FakeModule(version: "2.3.0")
        let (outcome, log) = try await run(loopJob(dir, extra: "zfs_allow_known_crash=1"), in: dir, sysfs: module.path)
        let message = try #require(outcome.result.jobs.first?.diobench?.errorMessage)
        #expect(message.contains("is not on a ZFS file system"), "the guard let it through to the next step")
        let warning = try #require(log.first { $0.contains("running anyway") })
        #expect(warning.contains("16956") && warning.contains("seed"))
        #expect(log.filter { $0.contains("16956") }.count == 1, "said once")
    }

    @Test("io_uring fixed buffers with O_DIRECT on 2.3.0 get a warning, not a refusal")
    func fixedBuffers() async throws {
        let dir = try TemporaryDirectory("runner")
        let module = try FakeModule(version: "2.3.0")
        let job = """
            [uring]
            filename=\(dir.path)/f.dat
            size=1m
            rw=read
            direct=1
            ioengine=io_uring
            fixedbufs=1
            zfs_direct=standard
            """
        let (outcome, log) = try await run(job, in: dir, sysfs: module.path)
        #expect(log.contains { $0.contains("io_uring fixed buffers") && $0.contains("16956") })
        let message = try #require(outcome.result.jobs.first?.diobench?.errorMessage)
        #expect(message.contains("is not on a ZFS file system"))
    }

    @Test("the guard's input comes from the job: loop device, fixed buffers, O_DIRECT, override")
    func guardInput() throws {
        let dir = try TemporaryDirectory("runner")
        let file = try dir.write(
            "g.fio", loopJob(dir, extra: "zfs_allow_known_crash=1\nioengine=io_uring\nfixedbufs=1"))
        let spec = try #require(try JobFileParser().parse(paths: [file]).jobs.first)
        let input = ZFSJobSupport.guardInput(spec, version: .v2_3_1, directNow: .standard, setByJob: .always)
        #expect(input.targetIsLoopDevice && input.ioUringFixedBuffers && input.oDirect && input.userOverride)
        #expect(input.datasetDirectNow == .standard && input.datasetDirectSetByJob == .always)
        #expect(KnownCrashGuard.decide(input) == .allow, "2.3.1 has the fix")
        var affected = input
        affected.version = ZFSVersion(major: 2, minor: 3, patch: 0)
        affected.userOverride = false
        guard case .refuse = KnownCrashGuard.decide(affected) else {
            Issue.record("2.3.0 with the job's direct=always under a loop device must be refused")
            return
        }
    }

    @Test("without ZFS, zfs_* options fail the job with what to do: run it in the lab")
    func zfsMissing() async throws {
        let dir = try TemporaryDirectory("runner")
        let job = """
            [global]
            filename=f.dat
            size=1m
            zfs_dataset=tank/bench
            zfs_direct=always
            [first]
            rw=write
            [second]
            stonewall
            rw=read
            """
        let (outcome, _) = try await run(job, in: dir, sysfs: dir.path + "/no-such-sysfs")
        #expect(outcome.exitStatus == 1)
        let first = try #require(outcome.result.jobs.first?.diobench?.errorMessage)
        #expect(first.contains("uses zfs_dataset, zfs_direct"))
        #expect(first.contains("ZFS is not available here"))
        #expect(first.contains("diobench lab run \(dir.path)/job.fio"))
        #expect(first.contains("zfs_fallback_directory"))
        let second = try #require(outcome.result.jobs.last?.diobench?.errorMessage)
        #expect(second.contains("see above") && !second.contains("lab run"), "said in full once")
        #expect(!FileManager.default.fileExists(atPath: dir.path + "/f.dat"), "nothing ran")
    }

    @Test("with zfs_fallback_directory the job runs there without its ZFS parts, and says so")
    func fallback() async throws {
        let dir = try TemporaryDirectory("runner")
        let here = dir.path + "/fallback"
        try FileManager.default.createDirectory(atPath: here, withIntermediateDirectories: true)
        let job = """
            [seedish]
            filename=data.img
            size=1m
            bs=128k
            rw=write
            zfs_scratch_pool=dbtest
            zfs_scratch_vdevs=file:1g
            zfs_direct=always
            zfs_fallback_directory=\(here)
            """
        let (outcome, log) = try await run(job, in: dir, sysfs: dir.path + "/no-such-sysfs")
        #expect(outcome.exitStatus == 0)
        let result = try #require(outcome.result.jobs.first)
        #expect(result.write.ioBytes == 1 << 20)
        #expect(result.diobench?.targets?.first?.path == here + "/data.img")
        #expect(result.diobench?.zfs == nil)
        #expect(
            log.contains {
                $0.contains("ZFS is not available here") && $0.contains("without its ZFS parts")
                    && $0.contains("diobench lab run")
            })
    }

    @Test("zfs_fallback_directory wins over the job's directory= for generated file names too")
    func fallbackTakesGeneratedNames() async throws {
        let dir = try TemporaryDirectory("runner")
        let here = dir.path + "/fallback", own = dir.path + "/own"
        for path in [here, own] {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        }
        let job = """
            [gen]
            directory=\(own)
            size=1m
            bs=128k
            rw=write
            zfs_direct=always
            zfs_fallback_directory=\(here)
            """
        let (outcome, _) = try await run(job, in: dir, sysfs: dir.path + "/no-such-sysfs")
        #expect(outcome.exitStatus == 0)
        #expect(try #require(outcome.result.jobs.first).diobench?.targets?.first?.path == here + "/gen.0.0")
        #expect(try FileManager.default.contentsOfDirectory(atPath: own).isEmpty)
    }

    static let canWriteKmsg = getuid() == 0 && access("/dev/kmsg", R_OK | W_OK) == 0

    @Test(
        "the kernel watch puts kernel events of the job in its results and fails it; injected lines only when asked",
        .enabled(if: canWriteKmsg, "needs root to read and write /dev/kmsg"))
    func kernelWatch() async throws {
        let dir = try TemporaryDirectory("runner")
        let token = "diobench-runner-test-\(UInt64.random(in: 0..<UInt64.max))"
        let job = """
            [watched]
            filename=w.dat
            directory=\(dir.path)
            size=1m
            rw=randread
            time_based
            runtime=1500ms
            """
        @Sendable func inject() {
            Thread.sleep(forTimeInterval: 0.6)  // on a thread of its own (see run), not the pool's
            let fd = open("/dev/kmsg", O_WRONLY | O_CLOEXEC)
            guard fd >= 0 else { return }
            let line = "<2>BUG: kernel NULL pointer dereference, address: 0000000000000000 \(token)\n"
            _ = line.withCString { write(fd, $0, strlen($0)) }
            close(fd)
        }
        // Counting lines programs write (as a test must, to inject one).
        let (counted, log) = try await run(
            job, in: dir, sysfs: dir.path + "/no-sysfs", configure: { $0.zfs.kernelEventsFromPrograms = true },
            beside: inject)
        let events = try #require(counted.result.jobs.first?.diobench?.kernelEvents)
        let ours = try #require(events.first { $0.message.contains(token) })
        #expect(ours.kind == .nullPointerDereference)
        #expect(ours.priority == 2 && ours.timestampUs != nil)
        #expect(counted.exitStatus == 1)
        #expect(counted.result.jobs.first?.diobench?.errorMessage?.contains("the kernel reported") == true)
        #expect(log.contains { $0.contains("the kernel reported") })

        // The default: a line a program wrote is not the kernel's and fails nothing.
        let (ignored, _) = try await run(job, in: dir, sysfs: dir.path + "/no-sysfs", beside: inject)
        #expect(!(ignored.result.jobs.first?.diobench?.kernelEvents ?? []).contains { $0.message.contains(token) })
    }

    @Test("the accounting's request shape: offsets' alignment from offset, block sizes and the other direction's unit")
    func offsetAlignment() throws {
        let dir = try TemporaryDirectory("runner")
        func spec(_ options: String) throws -> JobSpec {
            let file = try dir.write("a.fio", "[a]\nfilename=x\nsize=1m\n" + options)
            return try #require(try JobFileParser().parse(paths: [file]).jobs.first)
        }
        #expect(ZFSJobSupport.offsetAlignment(try spec("bs=4k\noffset=512"), .read) == 512)
        #expect(ZFSJobSupport.offsetAlignment(try spec("bs=128k"), .read) == 131072)
        #expect(ZFSJobSupport.offsetAlignment(try spec("bs=6k"), .read) == 2048)
        #expect(
            ZFSJobSupport.offsetAlignment(try spec("rw=randrw\nbs=4k,128k"), .write) == 4096,
            "random writes land on the reads' 4k grid")
        #expect(ZFSJobSupport.offsetAlignment(try spec("bsrange=128k-1m"), .read) == 131072)
        #expect(try spec("bssplit=4k/50:64k/50").blockSizeBounds(.read) == (4096, 65536))
        #expect(
            try spec("bsrange=4k-16k\nbssplit=8k/50:64k/50").blockSizeBounds(.read) == (8192, 65536),
            "bssplit decides over bsrange, as the resolver warns")
    }

    @Test(
        "an accounting outcome lands in the results' zfs object: deltas, asked, expected, counted, fallbacks, verdict")
    func fill() {
        let delta = ZFSKstatDelta(
            pool: "tank", directReadCount: 0, arcReadCount: 3, arcReadBytes: 3 << 17,
            objsets: ["tank/a": ZFSObjsetDelta(reads: 256, nread: 1 << 20)])
        let io = ZFSJobIO(
            read: ZFSRequestShape(ios: 256, bytes: 1 << 20, minBlockSize: 4096, offsetAlignment: 512),
            oDirect: true, bufferAlignment: 4096)
        let outcome = ZFSDirectAccounting.account(
            job: io, dataset: ZFSDatasetSettings(pool: "tank", dataset: "tank/a", direct: .always, recordsize: 131072),
            module: ZFSModuleInfo(version: ZFSVersion(major: 2, minor: 3, patch: 9)), delta: delta)
        var out = Stats.ZFSAccounting(pool: "tank")
        ZFSJobSupport.fill(&out, from: outcome, delta: delta)
        #expect(out.rules == "2.3")
        #expect(out.iostats.arcReadCount == 3 && out.iostats.directReadCount == 0)
        #expect(out.requestedDirect?.reads == 256)
        #expect(out.countedDirect?.reads == 0)
        #expect(out.inferredFallbacks?.reads == 256, "misaligned O_DIRECT under always falls back silently")
        #expect(out.verdict?.read.predictedPath == "arc" && out.verdict?.read.alignment == "misaligned")
        #expect(out.verdict?.asExpected == true)
        #expect(out.objset?.first { $0.name == "reads" }?.delta == 256)
    }
}
