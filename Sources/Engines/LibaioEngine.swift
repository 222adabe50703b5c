import CLinuxAIO
import Glibc
import SystemCalls

/// fio's `libaio` engine: Linux native AIO. `queue` fills the slot's iocb, `commit` hands the batch to
/// io_submit(2), `getEvents` reaps with io_getevents(2), or, with `userspace_reap` and nothing to wait for,
/// straight from the completion ring the kernel maps into the process. As in fio, a sync is done at once
/// when nothing is queued (Linux has no AIO fsync that fio uses), and the engine is busy otherwise.
/// Native AIO is only asynchronous for O_DIRECT; buffered I/O completes inside io_submit.
public struct LibaioEngine: DescribedEngine {
    public static var isSynchronous: Bool { false }

    public static let description = EngineDescription(
        kind: .libaio, summary: "Linux native asynchronous I/O (io_submit/io_getevents), with queue depth",
        queueing: .always,
        options: [
            EngineOption(
                "userspace_reap", .flag(\.userspaceReap),
                help: "Reap completions from the kernel's ring without a system call when not waiting")
        ])

    @usableFromInline let context: aio_context_t
    @usableFromInline var files: RawFileTable
    /// One iocb per slot, and the batch of iocb pointers queued since the last submit (submitted from `tail`).
    @usableFromInline let iocbs: UnsafeMutablePointer<iocb>
    @usableFromInline let batch: UnsafeMutablePointer<UnsafeMutablePointer<iocb>?>
    @usableFromInline var queued = 0
    @usableFromInline var submittedOfBatch = 0
    @usableFromInline let events: UnsafeMutablePointer<io_event>
    @usableFromInline let depth: Int
    @usableFromInline let userspaceReap: Bool
    private var closed = false

    public init(files: [Int32], buffers: AlignedBufferPool, config: EngineConfig) throws(EngineError) {
        depth = Swift.max(config.iodepth, 1)
        var context: aio_context_t = 0
        let rc = diobench_aio_setup(UInt32(depth), &context)
        guard rc == 0 else {
            let code = -rc
            var what = "libaio: io_setup(\(depth)) failed: \(ErrnoNames.describe(code))"
            if code == EAGAIN {
                what += "; the system-wide limit /proc/sys/fs/aio-max-nr is reached: raise it or lower iodepth"
            }
            throw EngineError(what, errno: code)
        }
        self.context = context
        self.files = RawFileTable(files)
        iocbs = .allocate(capacity: depth)
        iocbs.initialize(repeating: iocb(), count: depth)
        batch = .allocate(capacity: depth)
        batch.initialize(repeating: nil, count: depth)
        events = .allocate(capacity: depth)
        events.initialize(repeating: io_event(), count: depth)
        userspaceReap = config.userspaceReap
    }

    @inlinable
    public mutating func queue(_ units: UnsafeMutablePointer<IOUnit>, slot: Int32) -> QueueStatus {
        let unit = units + Int(slot)
        if unit.pointee.op == .fsync || unit.pointee.op == .fdatasync {
            if queued > 0 { return .busy }
            unit.pointee.result = syncFile(files[unit.pointee.fileIndex], unit.pointee.op)
            return .completed
        }
        if queued == depth { return .busy }
        let cb = iocbs + Int(slot)
        cb.pointee = iocb()
        cb.pointee.aio_data = UInt64(UInt32(bitPattern: slot))
        cb.pointee.aio_lio_opcode = UInt16(unit.pointee.op == .read ? IOCB_CMD_PREAD : IOCB_CMD_PWRITE)
        cb.pointee.aio_fildes = UInt32(bitPattern: files[unit.pointee.fileIndex])
        cb.pointee.aio_buf = UInt64(UInt(bitPattern: unit.pointee.buffer))
        cb.pointee.aio_nbytes = UInt64(unit.pointee.length)
        cb.pointee.aio_offset = Int64(bitPattern: unit.pointee.offset)
        batch[queued] = cb
        queued &+= 1
        return .queued
    }

    /// io_submit(2) for the batch; a short submit is retried for the rest. -EAGAIN (the kernel has no room)
    /// goes back to the worker, which calls again; what was submitted stays submitted.
    @inlinable
    public mutating func commit() -> Int {
        var total = 0
        while submittedOfBatch < queued {
            let rc = retryingInterrupted {
                diobench_aio_submit(context, queued - submittedOfBatch, batch + submittedOfBatch)
            }
            if rc < 0 { return rc }
            submittedOfBatch &+= rc
            total &+= rc
        }
        queued = 0
        submittedOfBatch = 0
        return total
    }

    @inlinable
    public mutating func getEvents(
        min: Int, max: Int, units: UnsafeMutablePointer<IOUnit>,
        completed: UnsafeMutablePointer<Int32>
    ) -> Int {
        let limit = Swift.min(max, depth)
        var got = -1
        if userspaceReap && min == 0 { got = diobench_aio_user_reap(context, limit, events) }
        if got < 0 {
            got = retryingInterrupted { diobench_aio_getevents(context, min, limit, events) }
            if got < 0 { return got }
        }
        for i in 0..<got {
            let slot = Int32(truncatingIfNeeded: events[i].data)
            units[Int(slot)].result = Int(events[i].res)
            completed[i] = slot
        }
        return got
    }

    /// Waits for nothing: the worker drains its I/O first. Files stay open; they are the caller's.
    public mutating func close() {
        guard !closed else { return }
        closed = true
        _ = diobench_aio_destroy(context)
        iocbs.deallocate()
        batch.deallocate()
        events.deallocate()
        files.release()
    }
}

extension EngineKind {
    public static let libaio = EngineKind(rawValue: "libaio")
}
