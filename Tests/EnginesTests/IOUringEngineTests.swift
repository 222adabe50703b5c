import CLiburing
import DiobenchTestSupport
import Engines
import Foundation
import Glibc
import Targets
import Testing

/// The io_uring engine on real files (ext4 under /tmp, tmpfs under /dev/shm), checked by
/// reading the files back with plain pread.
@Suite(.enabled(if: ioUringAvailable, "io_uring cannot be set up here (kernel.io_uring_disabled or seccomp)"))
struct IOUringEngineTests {
    struct Variant: CustomTestStringConvertible, Sendable {
        var name: String
        var depth: Int
        var fixedBuffers = false
        var registerFiles = false
        var sqPoll = false
        var testDescription: String { name }

        var config: EngineConfig {
            var config = EngineConfig()
            config.iodepth = depth
            config.fixedBuffers = fixedBuffers
            config.registerFiles = registerFiles
            config.sqPoll = sqPoll
            return config
        }
    }

    static let variants = [
        Variant(name: "iodepth 1", depth: 1),
        Variant(name: "iodepth 32", depth: 32),
        Variant(name: "iodepth 32 fixedbufs", depth: 32, fixedBuffers: true),
        Variant(name: "iodepth 32 registerfiles", depth: 32, registerFiles: true),
        Variant(name: "iodepth 32 sqthread_poll", depth: 32, sqPoll: true),
        Variant(name: "iodepth 32 all three", depth: 32, fixedBuffers: true, registerFiles: true, sqPoll: true),
    ]

    @Test("io_uring writes a pattern and reads it back", arguments: variants, Placement.all)
    func roundTrip(variant: Variant, placement: Placement) throws {
        let direct = placement.direct
        let dir = try TemporaryDirectory("engines", under: placement.directory)
        let fds = try openFiles(in: dir, count: 2, direct: direct)
        defer { closeAll(fds) }
        let pool = try AlignedBufferPool(count: variant.depth, size: 4096, alignment: 4096)
        var engine = try IOUringEngine(files: fds, buffers: pool, config: variant.config)
        defer { engine.close() }
        #expect(engine.entries >= variant.depth)
        #expect((engine.setupFlags & UInt32(IORING_SETUP_SQPOLL) != 0) == variant.sqPoll)
        try checkRoundTrip(
            &engine, dir: dir, fds: fds, depth: variant.depth, salt: UInt64(variant.depth) << 8 | (direct ? 1 : 2),
            blocks: 256, pool: pool)
    }

    @Test(
        "queue only prepares; one commit submits the whole batch; getEvents reaps it in one call",
        arguments: [false, true])
    func batching(sqPoll: Bool) throws {
        let dir = try TemporaryDirectory("engines", under: "/tmp")
        let fds = try openFiles(in: dir, count: 1, direct: true)
        defer { closeAll(fds) }
        let depth = 32
        let pool = try AlignedBufferPool(count: depth, size: 4096, alignment: 4096)
        var config = EngineConfig()
        config.iodepth = depth
        config.sqPoll = sqPoll
        var engine = try IOUringEngine(files: fds, buffers: pool, config: config)
        defer { engine.close() }
        let units = UnsafeMutablePointer<IOUnit>.allocate(capacity: depth)
        let completed = UnsafeMutablePointer<Int32>.allocate(capacity: depth)
        defer { units.deallocate(); completed.deallocate() }
        for slot in 0..<depth {
            units[slot] = IOUnit(bufferIndex: Int32(slot), buffer: pool.buffer(slot))
            units[slot].op = .write
            units[slot].offset = UInt64(slot * 4096)
            units[slot].length = 4096
            units[slot].result = Int.min
            fillPattern(units[slot].buffer, length: 4096, block: slot, salt: 3)
            #expect(engine.queue(units, slot: Int32(slot)) == .queued)
        }
        // Nothing reached the kernel yet: the file is still empty and no completion exists.
        var info = stat()
        fstat(fds[0], &info)
        #expect(info.st_size == 0)
        #expect(engine.getEvents(min: 0, max: depth, units: units, completed: completed) == 0)
        // The ring is full: one more queue must say busy rather than overwrite an SQE.
        if engine.entries == depth {
            #expect(engine.queue(units, slot: 0) == .busy)
        }
        #expect(engine.commit() == depth)
        var reaped = engine.getEvents(min: depth, max: depth, units: units, completed: completed)
        #expect(reaped == depth)
        let slots = Set((0..<max(reaped, 0)).map { completed[$0] })
        #expect(slots == Set((0..<Int32(depth))))
        #expect((0..<depth).allSatisfy { units[$0].result == 4096 })
        // min 0 with nothing in flight returns at once.
        reaped = engine.getEvents(min: 0, max: depth, units: units, completed: completed)
        #expect(reaped == 0)
        #expect(
            blocksOnDisk(path: dir.file("f0"), fileIndex: 0, files: 1, blocks: depth, blockSize: 4096, salt: 3) == depth
        )
    }

    @Test(
        "without SQPOLL the ring uses fio's flags (COOP_TASKRUN, SINGLE_ISSUER, DEFER_TASKRUN), and only its creating thread may submit",
        .enabled(if: kernelAtLeast(6, 1), "DEFER_TASKRUN needs Linux 6.1"))
    func singleIssuer() async throws {
        // What the ring's creating thread does runs on one thread of its own: a SINGLE_ISSUER ring belongs to
        // the thread that made it, and a test may resume on another thread of the pool after an await.
        struct Seen: Sendable {
            var setupFlags: UInt32, queued: Bool, foreign: Int, own: Int, reaped: Int, slot: Int32, result: Int
        }
        let seen = try await onDedicatedThread { () throws -> Seen in
            let dir = try TemporaryDirectory("engines", under: "/tmp")
            let fds = try openFiles(in: dir, count: 1, direct: false)
            defer { closeAll(fds) }
            let pool = try AlignedBufferPool(count: 1, size: 4096, alignment: 4096)
            var config = EngineConfig()
            config.iodepth = 1
            var engine = try IOUringEngine(files: fds, buffers: pool, config: config)
            defer { engine.close() }
            final class Box: @unchecked Sendable {
                var engine: IOUringEngine; var rc = 0; init(_ e: IOUringEngine) { engine = e }
            }
            let box = Box(engine)
            let units = UnsafeMutablePointer<IOUnit>.allocate(capacity: 1)
            defer { units.deallocate() }
            units.initialize(to: IOUnit(bufferIndex: 0, buffer: pool.buffer(0)))
            units.pointee.length = 4096
            let queued = box.engine.queue(units, slot: 0) == .queued
            // Another thread submits; this one waits for it (it is not one of the pool's).
            let submitted = DispatchSemaphore(value: 0)
            Thread.detachNewThread {
                box.rc = box.engine.commit(); submitted.signal()
            }
            submitted.wait()
            let own = box.engine.commit()
            var slot: Int32 = -1
            let reaped = box.engine.getEvents(min: 1, max: 1, units: units, completed: &slot)
            return Seen(
                setupFlags: engine.setupFlags, queued: queued, foreign: box.rc, own: own, reaped: reaped,
                slot: slot, result: units.pointee.result)
        }
        let wanted = UInt32(IORING_SETUP_COOP_TASKRUN | IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN)
        #expect(seen.setupFlags & wanted == wanted)
        #expect(seen.queued)
        // Another thread submitting is refused by the kernel (EEXIST): workers must create their engine themselves.
        #expect(seen.foreign == -Int(EEXIST))
        // The creating thread still can.
        #expect(seen.own == 1)
        #expect(seen.reaped == 1)
        #expect(seen.slot == 0 && seen.result == 0)  // empty file: read returns 0
    }

    @Test("commit(waitingFor:) submits and waits in the same call: the completions are in the CQ when it returns")
    func commitWaitingFor() throws {
        // Buffered reads of a tmpfs file cannot complete inline: the kernel hands each to an io-wq thread,
        // so a submit that did not wait would return before they are done.
        let dir = try TemporaryDirectory("engines", under: "/dev/shm")
        let depth = 8
        let fd = try FileTarget.open(path: dir.file("f0"), direct: false, readOnly: false)
        defer { close(fd) }
        #expect(ftruncate(fd, off_t(depth * 4096)) == 0)
        let pool = try AlignedBufferPool(count: depth, size: 4096, alignment: 4096)
        var config = EngineConfig()
        config.iodepth = depth
        var engine = try IOUringEngine(files: [fd], buffers: pool, config: config)
        defer { engine.close() }
        let units = UnsafeMutablePointer<IOUnit>.allocate(capacity: depth)
        let completed = UnsafeMutablePointer<Int32>.allocate(capacity: depth)
        defer { units.deallocate(); completed.deallocate() }
        for round in 0..<50 {
            for slot in 0..<depth {
                units[slot] = IOUnit(bufferIndex: Int32(slot), buffer: pool.buffer(slot))
                units[slot].offset = UInt64(slot * 4096)
                units[slot].length = 4096
                units[slot].result = Int.min
                #expect(engine.queue(units, slot: Int32(slot)) == .queued)
            }
            #expect(engine.commit(waitingFor: depth) == depth)
            // Just look (min 0): all of them must already be there.
            let seen = engine.getEvents(min: 0, max: depth, units: units, completed: completed)
            #expect(seen == depth, "round \(round): \(seen) of \(depth) completions after the wait")
            if seen != depth { break }
            #expect((0..<depth).allSatisfy { units[$0].result == 4096 })
        }
    }

    @Test("max caps a reap; the rest stay for the next call")
    func reapCap() throws {
        let dir = try TemporaryDirectory("engines", under: "/tmp")
        let fds = try openFiles(in: dir, count: 1, direct: false)
        defer { closeAll(fds) }
        let pool = try AlignedBufferPool(count: 8, size: 4096, alignment: 4096)
        var config = EngineConfig()
        config.iodepth = 8
        var engine = try IOUringEngine(files: fds, buffers: pool, config: config)
        defer { engine.close() }
        let requests = (0..<8).map {
            Request(op: .write, fileIndex: 0, offset: UInt64($0 * 4096), length: 4096, block: $0)
        }
        let units = UnsafeMutablePointer<IOUnit>.allocate(capacity: 8)
        let completed = UnsafeMutablePointer<Int32>.allocate(capacity: 8)
        defer { units.deallocate(); completed.deallocate() }
        for (slot, request) in requests.enumerated() {
            units[slot] = IOUnit(bufferIndex: Int32(slot), buffer: pool.buffer(slot))
            units[slot].op = request.op
            units[slot].offset = request.offset
            units[slot].length = request.length
            _ = engine.queue(units, slot: Int32(slot))
        }
        #expect(engine.commit() == 8)
        let first = engine.getEvents(min: 8, max: 3, units: units, completed: completed)
        #expect(first == 3)
        let rest = engine.getEvents(min: 5, max: 8, units: units, completed: completed)
        #expect(rest == 5)
    }

    @Test(
        "a read past the end gives the short count, a write-only fd gives -EBADF, fsync and fdatasync succeed",
        arguments: [false, true])
    func resultsAndErrors(registerFiles: Bool) throws {
        let dir = try TemporaryDirectory("engines", under: "/tmp")
        let path = dir.file("short")
        let fd = try FileTarget.open(path: path, direct: false, readOnly: false)
        defer { close(fd) }
        let bytes = [UInt8](repeating: 0x33, count: 6000)
        #expect(pwrite(fd, bytes, bytes.count, 0) == 6000)
        let writeOnly = open(path, O_WRONLY)
        defer { close(writeOnly) }
        let pool = try AlignedBufferPool(count: 4, size: 8192, alignment: 4096)
        var config = EngineConfig()
        config.iodepth = 4
        config.registerFiles = registerFiles
        var engine = try IOUringEngine(files: [fd, writeOnly], buffers: pool, config: config)
        defer { engine.close() }
        let outcome = drive(
            &engine,
            [
                Request(op: .read, fileIndex: 0, offset: 0, length: 8192, block: nil),
                Request(op: .read, fileIndex: 1, offset: 0, length: 4096, block: nil),
                Request(op: .fsync, fileIndex: 0, offset: 0, length: 0, block: nil),
                Request(op: .fdatasync, fileIndex: 1, offset: 0, length: 0, block: nil),
            ], pool: pool, depth: 4, salt: 0)
        #expect(outcome.results == [6000, -Int(EBADF), 0, 0])
    }

    @Test("sqthread_poll pinned to CPU 0 works")
    func sqPollPinned() throws {
        let dir = try TemporaryDirectory("engines", under: "/tmp")
        let fds = try openFiles(in: dir, count: 1, direct: true)
        defer { closeAll(fds) }
        let pool = try AlignedBufferPool(count: 4, size: 4096, alignment: 4096)
        var config = EngineConfig()
        config.iodepth = 4
        config.sqPoll = true
        config.sqPollCPU = 0
        var engine = try IOUringEngine(files: fds, buffers: pool, config: config)
        defer { engine.close() }
        #expect(engine.setupFlags & UInt32(IORING_SETUP_SQ_AFF) != 0)
        try checkRoundTrip(&engine, dir: dir, fds: fds, depth: 4, salt: 0x5150, pool: pool)
    }

    @Test(
        "hipri on a file whose block device has no poll queues is refused at setup, naming io_poll",
        .enabled(if: sysfsIOPoll(of: "/tmp") == "0", "/tmp's block device polls (io_poll=1) or has no sysfs queue"))
    func hipriWithoutPollQueues() throws {
        // fio 3.33 starts such a job and fails its first read with EOPNOTSUPP (checked on this VM).
        let dir = try TemporaryDirectory("engines", under: "/tmp")
        let fds = try openFiles(in: dir, count: 1, direct: true)
        defer { closeAll(fds) }
        var config = EngineConfig()
        config.hipri = true
        let error = #expect(throws: EngineError.self) { _ = try IOUringEngine(files: fds, config: config) }
        #expect(error?.message.contains("io_poll") == true)
        #expect(error?.message.contains(dir.file("f0")) == true)
        #expect(error?.errno == EOPNOTSUPP)
    }

    @Test(
        "hipri on a device with poll queues: polled reads and writes round-trip, fsync is done in line",
        .enabled(
            if: ProcessInfo.processInfo.environment["DIOBENCH_HIPRI_DIR"] != nil,
            "set DIOBENCH_HIPRI_DIR to a directory on a block device with poll queues (io_poll=1, e.g. NVMe with nvme.poll_queues)"
        ))
    func hipriRoundTrip() throws {
        let dir = try TemporaryDirectory("engines", under: ProcessInfo.processInfo.environment["DIOBENCH_HIPRI_DIR"]!)
        let fds = try openFiles(in: dir, count: 2, direct: true)
        defer { closeAll(fds) }
        let pool = try AlignedBufferPool(count: 8, size: 4096, alignment: 4096)
        var config = EngineConfig()
        config.iodepth = 8
        config.hipri = true
        var engine = try IOUringEngine(files: fds, buffers: pool, config: config)
        defer { engine.close() }
        #expect(engine.setupFlags & UInt32(IORING_SETUP_IOPOLL) != 0)
        // Polled completions must come: the round trip is timed, not the test (which may wait its turn).
        let elapsed = try ContinuousClock().measure {
            try checkRoundTrip(&engine, dir: dir, fds: fds, depth: 8, salt: 0x1F, pool: pool)
        }
        #expect(elapsed < .seconds(60), "the polled round trip took \(elapsed)")
    }

    @Test("hipri on a buffered file is refused at setup with a message naming O_DIRECT and the file")
    func hipriBuffered() throws {
        let dir = try TemporaryDirectory("engines", under: "/tmp")
        let fds = try openFiles(in: dir, count: 1, direct: false)
        defer { closeAll(fds) }
        var config = EngineConfig()
        config.hipri = true
        let error = #expect(throws: EngineError.self) { _ = try IOUringEngine(files: fds, config: config) }
        #expect(error?.message.contains("needs O_DIRECT") == true)
        #expect(error?.message.contains(dir.file("f0")) == true)
        #expect(error?.message.contains("direct=1") == true)
    }

    @Test("hipri on tmpfs (O_DIRECT accepted, but no polling) is refused at setup, not hung")
    func hipriTmpfs() throws {
        let dir = try TemporaryDirectory("engines", under: "/dev/shm")
        let fds = try openFiles(in: dir, count: 1, direct: true)
        defer { closeAll(fds) }
        var config = EngineConfig()
        config.hipri = true
        // The setup is timed, not the test (which may wait its turn).
        let clock = ContinuousClock(), start = clock.now
        let error = #expect(throws: EngineError.self) { _ = try IOUringEngine(files: fds, config: config) }
        #expect(clock.now - start < .seconds(60), "the refusal took \(clock.now - start)")
        #expect(error?.message.contains("not supported for \(dir.file("f0"))") == true)
        #expect(error?.errno == EOPNOTSUPP)
    }

    @Test("a CPU that does not exist for sqthread_poll_cpu gets a message naming it")
    func sqPollBadCPU() throws {
        let fd = open("/dev/null", O_RDONLY)
        defer { close(fd) }
        var config = EngineConfig()
        config.sqPoll = true
        config.sqPollCPU = 4095
        let error = #expect(throws: EngineError.self) { _ = try IOUringEngine(files: [fd], config: config) }
        #expect(error?.message.contains("sqthread_poll_cpu=4095") == true)
        #expect(error?.message.contains("online") == true)
    }

    @Test("fixedbufs without a buffer pool, no files, or iodepth 0 are refused with a reason")
    func badConfigs() throws {
        let fd = open("/dev/null", O_RDONLY)
        defer { close(fd) }
        var config = EngineConfig()
        config.fixedBuffers = true
        #expect(throws: EngineError.self) { _ = try IOUringEngine(files: [fd], buffers: nil, config: config) }
        #expect(throws: EngineError.self) { _ = try IOUringEngine(files: [], config: EngineConfig()) }
        var zero = EngineConfig()
        zero.iodepth = 0
        let error = #expect(throws: EngineError.self) { _ = try IOUringEngine(files: [fd], config: zero) }
        #expect(error?.message.contains("iodepth") == true)
    }

    @Test(
        "fixed buffers beyond RLIMIT_MEMLOCK (without CAP_IPC_LOCK) give a message naming the limit and the fix",
        .enabled(if: isRoot, "needs root to drop CAP_IPC_LOCK from one thread"))
    func memlockTooLow() async throws {
        let dir = try TemporaryDirectory("engines", under: "/tmp")
        let fds = try openFiles(in: dir, count: 1, direct: false)
        defer { closeAll(fds) }
        let pool = try AlignedBufferPool(count: 32, size: 128 << 10, alignment: 4096)  // 4 MiB to pin
        final class Outcome: @unchecked Sendable { var error: EngineError?; var setupFailed = "" }
        let outcome = Outcome()
        // Capabilities are per thread: only this thread loses CAP_IPC_LOCK, so only its ring is
        // charged against RLIMIT_MEMLOCK (lowered for the moment; other tests' threads keep the capability).
        try await onDedicatedThread {
            guard dropIPCLockCapability() else { outcome.setupFailed = "capset"; return }
            var saved = rlimit()
            getrlimit(__rlimit_resource_t(__RLIMIT_MEMLOCK.rawValue), &saved)
            var low = saved
            low.rlim_cur = 64 << 10
            guard setrlimit(__rlimit_resource_t(__RLIMIT_MEMLOCK.rawValue), &low) == 0 else {
                outcome.setupFailed = "setrlimit"; return
            }
            defer { setrlimit(__rlimit_resource_t(__RLIMIT_MEMLOCK.rawValue), &saved) }
            var config = EngineConfig()
            config.iodepth = 32
            config.fixedBuffers = true
            do {
                var engine = try IOUringEngine(files: fds, buffers: pool, config: config)
                engine.close()
            } catch {
                outcome.error = error as? EngineError
            }
        }
        try #require(outcome.setupFailed.isEmpty, "could not set up: \(outcome.setupFailed)")
        let error = try #require(outcome.error)
        #expect(error.errno == ENOMEM)
        #expect(error.message.contains("IORING_REGISTER_BUFFERS"))
        #expect(error.message.contains("RLIMIT_MEMLOCK, which is 65536 bytes"))
        #expect(error.message.contains("ulimit -l"))
        #expect(error.message.contains("fixedbufs"))
    }

    @Test("registering a closed fd names it")
    func registerBadFile() throws {
        var config = EngineConfig()
        config.registerFiles = true
        let error = #expect(throws: EngineError.self) { _ = try IOUringEngine(files: [9999], config: config) }
        #expect(error?.message.contains("IORING_REGISTER_FILES") == true)
        #expect(error?.errno == EBADF)
    }
}
