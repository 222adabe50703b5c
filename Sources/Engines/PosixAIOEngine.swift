import CPosixIO
import SystemCalls
import Glibc

/// fio's `posixaio` engine: POSIX AIO from glibc (aio_read/aio_write, aio_fsync for syncs). As in fio 3.33's
/// engines/posixaio.c: `queue` starts the I/O at once (there is no separate submit), an EAGAIN from
/// aio_read/aio_write means the engine is busy, and `getEvents` polls every I/O in flight with aio_error,
/// then, while fewer than `min` are done, sleeps in aio_suspend on up to 8 of those still running and polls
/// again. Like fio's, a reap returns every request that has finished, even beyond `max` (the completed list
/// has room for iodepth): a reap after one aio_suspend takes all it woke for, not one at a time.
/// glibc runs the requests on its own threads, one file's requests one at a time.
public struct PosixAIOEngine: DescribedEngine {
    public static var isSynchronous: Bool { false }

    public static let description = EngineDescription(
        kind: .posixaio, summary: "POSIX asynchronous I/O (aio_read/aio_write/aio_suspend), with queue depth",
        queueing: .always)

    /// fio's SUSPEND_ENTRIES: aio_suspend waits on at most this many requests.
    @usableFromInline static var suspendEntries: Int { 8 }

    @usableFromInline var files: RawFileTable
    /// One control block per slot.
    @usableFromInline let blocks: UnsafeMutablePointer<aiocb>
    /// Whether each slot is in flight. A reap scans the slots from the last to the first: the worker hands out
    /// slot 0 first where fio hands out its last io_u first, so this is fio's scan (its io_us in index order)
    /// seen in a mirror. The order decides which 8 requests aio_suspend waits on, and so how many requests
    /// finish per wakeup: glibc runs one file's requests oldest first.
    @usableFromInline let inFlight: UnsafeMutablePointer<Bool>
    @usableFromInline var inFlightCount = 0
    /// Started since the last `commit` (which only counts them: `queue` has started them).
    @usableFromInline var startedSinceCommit = 0
    @usableFromInline let suspendList: UnsafeMutablePointer<UnsafePointer<aiocb>?>
    @usableFromInline let depth: Int
    private var closed = false

    public init(files: [Int32], buffers: AlignedBufferPool, config: EngineConfig) {
        depth = Swift.max(config.iodepth, 1)
        self.files = RawFileTable(files)
        blocks = .allocate(capacity: depth)
        blocks.initialize(repeating: aiocb(), count: depth)
        inFlight = .allocate(capacity: depth)
        inFlight.initialize(repeating: false, count: depth)
        suspendList = .allocate(capacity: Self.suspendEntries)
        suspendList.initialize(repeating: nil, count: Self.suspendEntries)
    }

    @inlinable
    public mutating func queue(_ units: UnsafeMutablePointer<IOUnit>, slot: Int32) -> QueueStatus {
        let unit = units + Int(slot)
        let cb = blocks + Int(slot)
        cb.pointee = aiocb()
        cb.pointee.aio_fildes = files[unit.pointee.fileIndex]
        cb.pointee.aio_buf = UnsafeMutableRawPointer(unit.pointee.buffer)
        cb.pointee.aio_nbytes = unit.pointee.length
        cb.pointee.aio_offset = off_t(truncatingIfNeeded: unit.pointee.offset)
        cb.pointee.aio_sigevent.sigev_notify = Int32(SIGEV_NONE)
        let rc: Int32
        switch unit.pointee.op {
        case .read: rc = aio_read(cb)
        case .write: rc = aio_write(cb)
        // fio passes O_SYNC for both; O_DSYNC makes glibc's helper call fdatasync, as the job asked.
        case .fsync: rc = aio_fsync(O_SYNC, cb)
        case .fdatasync: rc = aio_fsync(O_DSYNC, cb)
        }
        if rc != 0 {
            let code = errno
            // Out of resources: drop off at this depth, as fio does.
            if code == EAGAIN { return .busy }
            unit.pointee.result = -Int(code)
            return .completed
        }
        inFlight[Int(slot)] = true
        inFlightCount &+= 1
        startedSinceCommit &+= 1
        return .queued
    }

    /// The I/O started in `queue`; this only reports how many since the last call.
    @inlinable
    public mutating func commit() -> Int {
        let started = startedSinceCommit
        startedSinceCommit = 0
        return started
    }

    @inlinable
    public mutating func getEvents(
        min: Int, max: Int, units: UnsafeMutablePointer<IOUnit>, completed: UnsafeMutablePointer<Int32>
    ) -> Int {
        var got = 0
        while true {
            var waiting = 0
            var left = inFlightCount
            var slot = depth
            while left > 0 {
                slot &-= 1
                if !inFlight[slot] { continue }
                left &-= 1
                let cb = blocks + slot
                let code = aio_error(cb)
                if code == EINPROGRESS {
                    if waiting < Self.suspendEntries {
                        suspendList[waiting] = UnsafePointer(cb)
                        waiting &+= 1
                    }
                    continue
                }
                // aio_return once per request: it also releases glibc's record of it.
                let returned = aio_return(cb)
                units[slot].result = code == 0 ? returned : code == ECANCELED ? 0 : -Int(code > 0 ? code : errno)
                completed[got] = Int32(truncatingIfNeeded: slot)
                got &+= 1
                inFlight[slot] = false
                inFlightCount &-= 1
            }
            if got >= min || waiting == 0 { return got }
            // EINTR (a signal) just polls again.
            _ = aio_suspend(suspendList, Int32(waiting), nil)
        }
    }

    /// Waits out anything still in flight (glibc's threads write to our blocks and buffers), then frees.
    public mutating func close() {
        guard !closed else { return }
        closed = true
        for slot in 0..<depth where inFlight[slot] {
            let cb = blocks + slot
            _ = aio_cancel(cb.pointee.aio_fildes, cb)
            while aio_error(cb) == EINPROGRESS {
                var one: UnsafePointer<aiocb>? = UnsafePointer(cb)
                _ = aio_suspend(&one, 1, nil)
            }
            _ = aio_return(cb)
        }
        inFlightCount = 0
        blocks.deallocate()
        inFlight.deallocate()
        suspendList.deallocate()
        files.release()
    }
}

extension EngineKind {
    public static let posixaio = EngineKind(rawValue: "posixaio")
}
