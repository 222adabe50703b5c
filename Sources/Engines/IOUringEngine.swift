import CLiburing
import Glibc

/// fio's `io_uring` engine through liburing.
///
/// `queue` only fills an SQE; `commit` submits everything prepared with one `io_uring_enter`
/// (which also wakes an idle SQPOLL thread), and `commit(waitingFor:)` also waits in that same call
/// when the worker would wait next; `getEvents` reaps completions in batches straight
/// from the CQ ring. The ring, the fd table and the registrations are made once in `init`
/// (IOUringSetup.swift); nothing is allocated per I/O.
///
/// Create it on the thread that drives it: without SQPOLL the ring is SINGLE_ISSUER (as fio's),
/// and the kernel refuses submissions from any other thread (EEXIST).
/// The engine is a value holding raw pointers: use one copy, call `close()` once.
public struct IOUringEngine: DescribedEngine {
    public static var isSynchronous: Bool { false }

    public static let description = EngineDescription(
        kind: .ioUring, summary: "Linux io_uring through liburing, with queue depth", queueing: .always,
        options: [
            EngineOption(
                "fixedbufs", .flag(\.fixedBuffers),
                help: "Register the I/O buffers with the kernel once (saves mapping pages per I/O)"),
            EngineOption(
                "registerfiles", .flag(\.registerFiles),
                help: "Register the files with the kernel once (saves file reference counting per I/O)"),
            EngineOption(
                "sqthread_poll", .flag(\.sqPoll),
                help: "A kernel thread polls the submission queue, so submitting needs no system call "
                    + "(implies registerfiles)"),
            EngineOption(
                "sqthread_poll_cpu", .integer(\.sqPollCPU, 0...4095),
                help: "CPU for the sqthread_poll kernel thread"),
            EngineOption(
                "hipri", .flag(\.hipri),
                help: "Polled completions (IORING_SETUP_IOPOLL); needs direct=1 and a device with poll queues"),
            EngineOption(
                "nowait", .flag(\.nowait),
                help: "Set RWF_NOWAIT on each read and write: one that would block fails with EAGAIN (an I/O error)"),
            EngineOption(
                "uncached", .flag(\.uncached),
                help: "Set RWF_DONTCACHE on buffered reads and writes (drop the pages once done)"),
        ])

    @usableFromInline let ring: UnsafeMutablePointer<io_uring>
    @usableFromInline var files: RawFileTable
    @usableFromInline let fixedBuffers: Bool
    @usableFromInline let registeredFiles: Bool
    /// hipri: an IOPOLL ring. Completions only reach the CQ when we enter the kernel to poll.
    @usableFromInline let polled: Bool
    /// nowait and uncached: the RWF_* flags of every read and write SQE (0: none, and the SQE is left as prepared).
    @usableFromInline let rwFlags: UInt32
    /// Without SQPOLL every submit also asks for events (as fio's engine does): the same
    /// io_uring_enter then runs the ring's deferred completion work, so the reap that follows
    /// usually finds completions in the CQ instead of entering again and sleeping.
    @usableFromInline let submitGetsEvents: Bool
    /// The ring's real size (the kernel rounds iodepth up to a power of two).
    public let entries: Int
    /// Setup flags in effect (IORING_SETUP_*), for the report.
    public let setupFlags: UInt32
    private var closed = false

    /// Sets up the ring for `files` (the worker's open fds; `IOUnit.fileIndex` indexes them).
    /// `buffers` is needed with `config.fixedBuffers` (its iovecs are registered;
    /// `IOUnit.bufferIndex` must name the buffer the unit points into).
    public init(files: [Int32], buffers: AlignedBufferPool, config: EngineConfig) throws(EngineError) {
        try self.init(files: files, buffers: config.fixedBuffers ? Optional(buffers) : nil, config: config)
    }

    public init(files: [Int32], buffers: AlignedBufferPool? = nil, config: EngineConfig) throws(EngineError) {
        let setup = try IOUringSetup.make(files: files, buffers: buffers, config: config)
        ring = setup.ring
        self.files = RawFileTable(files)
        fixedBuffers = config.fixedBuffers
        registeredFiles = config.registerFiles
        polled = config.hipri
        // RWF_NOWAIT (0x08) and RWF_DONTCACHE (0x80, Linux 6.14; buffered I/O only), as pvsync2 sets them.
        rwFlags = (config.nowait ? 0x08 : 0) | (config.uncached && !config.direct ? 0x80 : 0)
        submitGetsEvents = !config.sqPoll
        entries = Int(setup.ring.pointee.sq.ring_entries)
        setupFlags = setup.flags
    }

    @inlinable
    public mutating func queue(_ units: UnsafeMutablePointer<IOUnit>, slot: Int32) -> QueueStatus {
        let unit = units + Int(slot)
        if polled && unit.pointee.op.rawValue >= IOOp.fsync.rawValue { return syncNow(unit) }
        guard let sqe = _io_uring_get_sqe(ring) else { return .busy }
        // With registered files the SQE names the file by its index in the registered table.
        let fd = registeredFiles ? unit.pointee.fileIndex : files[unit.pointee.fileIndex]
        switch unit.pointee.op {
        case .read:
            if fixedBuffers {
                io_uring_prep_read_fixed(
                    sqe, fd, unit.pointee.buffer, UInt32(truncatingIfNeeded: unit.pointee.length),
                    unit.pointee.offset, unit.pointee.bufferIndex)
            } else {
                io_uring_prep_read(
                    sqe, fd, unit.pointee.buffer, UInt32(truncatingIfNeeded: unit.pointee.length), unit.pointee.offset)
            }
        case .write:
            if fixedBuffers {
                io_uring_prep_write_fixed(
                    sqe, fd, unit.pointee.buffer, UInt32(truncatingIfNeeded: unit.pointee.length),
                    unit.pointee.offset, unit.pointee.bufferIndex)
            } else {
                io_uring_prep_write(
                    sqe, fd, unit.pointee.buffer, UInt32(truncatingIfNeeded: unit.pointee.length), unit.pointee.offset)
            }
        case .fsync, .fdatasync:
            io_uring_prep_fsync(sqe, fd, unit.pointee.op == .fdatasync ? UInt32(IORING_FSYNC_DATASYNC) : 0)
        }
        if rwFlags != 0 && unit.pointee.op.rawValue < IOOp.fsync.rawValue {
            sqe.pointee.rw_flags = Int32(bitPattern: rwFlags)
        }
        if registeredFiles { sqe.pointee.flags |= UInt8(1 << IOSQE_FIXED_FILE_BIT) }
        sqe.pointee.user_data = UInt64(UInt32(bitPattern: slot))
        return .queued
    }

    /// An IOPOLL ring refuses IORING_OP_FSYNC (EINVAL: only pollable reads and writes go there),
    /// so with hipri the sync is done right away, as psync would, and reported as completed.
    @usableFromInline
    mutating func syncNow(_ unit: UnsafeMutablePointer<IOUnit>) -> QueueStatus {
        unit.pointee.result = syncFile(files[unit.pointee.fileIndex], unit.pointee.op)
        return .completed
    }

    /// One `io_uring_enter` for everything queued since the last commit.
    @inlinable
    public mutating func commit() -> Int {
        var submitted: Int32
        repeat {
            submitted = submitGetsEvents ? io_uring_submit_and_get_events(ring) : io_uring_submit(ring)
        } while submitted == -EINTR
        return Int(submitted)
    }

    /// One `io_uring_enter` that submits and then sleeps until `minimum` completions are in the CQ
    /// (fio's engine enters twice for this: submit, then wait). The kernel returns once the submission
    /// is done if it was short, and returns the submitted count when a signal ends the wait.
    @inlinable
    public mutating func commit(waitingFor minimum: Int) -> Int {
        var submitted: Int32
        repeat {
            submitted = io_uring_submit_and_wait(ring, UInt32(truncatingIfNeeded: minimum))
        } while submitted == -EINTR
        return Int(submitted)
    }

    @inlinable
    public mutating func getEvents(
        min: Int, max: Int, units: UnsafeMutablePointer<IOUnit>, completed: UnsafeMutablePointer<Int32>
    ) -> Int {
        var ready = Int(io_uring_cq_ready(ring))
        if ready < min {
            var cqe: UnsafeMutablePointer<io_uring_cqe>? = nil
            var rc: Int32
            repeat { rc = io_uring_wait_cqe_nr(ring, &cqe, UInt32(min)) } while rc == -EINTR
            if rc < 0 { return Int(rc) }
            ready = Int(io_uring_cq_ready(ring))
        } else if ready == 0
            && (polled || ring.pointee.sq.kflags.pointee & UInt32(IORING_SQ_TASKRUN | IORING_SQ_CQ_OVERFLOW) != 0)
        {
            // Nothing visible, but the kernel holds completions until we enter (IOPOLL, task work).
            _ = io_uring_get_events(ring)
            ready = Int(io_uring_cq_ready(ring))
        }
        let count = ready < max ? ready : max
        if count == 0 { return 0 }
        let cq = ring.pointee.cq
        let head = cq.khead.pointee
        for i in 0..<count {
            let cqe = cq.cqes + Int((head &+ UInt32(truncatingIfNeeded: i)) & cq.ring_mask)
            let slot = Int32(truncatingIfNeeded: cqe.pointee.user_data)
            units[Int(slot)].result = Int(cqe.pointee.res)
            completed[i] = slot
        }
        io_uring_cq_advance(ring, UInt32(truncatingIfNeeded: count))
        return count
    }

    /// Tears down the ring (which drops the registrations). The files stay open: they are the caller's.
    public mutating func close() {
        guard !closed else { return }
        closed = true
        io_uring_queue_exit(ring)
        ring.deallocate()
        files.release()
    }
}

extension EngineKind {
    public static let ioUring = EngineKind(rawValue: "io_uring")
}
