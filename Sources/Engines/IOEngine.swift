// The engine contract, modelled on fio's ioengine_ops: queue, commit, getevents.
// A worker is generic over its engine type, so these calls are direct (specialized), never
// existential. Nothing here allocates after init.

import SystemCalls
import Glibc

public enum IOOp: UInt8, Sendable {
    case read, write, fsync, fdatasync
}

/// One I/O slot. The worker owns `iodepth` of these in one allocation and reuses them;
/// engines read the request fields and fill `result`.
@frozen
public struct IOUnit {
    public var op: IOOp
    /// Index into the engine's file table (the `fds` it was opened with).
    public var fileIndex: Int32
    /// Index of `buffer` in the engine's buffer pool (io_uring fixed buffers need it).
    public var bufferIndex: Int32
    public var buffer: UnsafeMutableRawPointer
    public var length: Int
    public var offset: UInt64
    /// Monotonic ns when the worker prepared the I/O (start of `lat`).
    public var issueNs: UInt64
    /// Monotonic ns when the I/O was handed to the kernel (end of `slat`, start of `clat`).
    public var submitNs: UInt64
    /// Bytes transferred, or -errno.
    public var result: Int

    @inlinable
    public init(bufferIndex: Int32, buffer: UnsafeMutableRawPointer) {
        op = .read
        fileIndex = 0
        self.bufferIndex = bufferIndex
        self.buffer = buffer
        length = 0
        offset = 0
        issueNs = 0
        submitNs = 0
        result = 0
    }
}

public enum QueueStatus: Sendable {
    /// Accepted; it completes after `commit` and shows up in `getEvents`.
    case queued
    /// Done already (synchronous engines); `result` is set.
    case completed
    /// The engine has no room; reap completions first.
    case busy
}

/// A call that a signal interrupts (EINTR) is retried inside the engine: `queue`, `commit` and
/// `getEvents` never return -EINTR, so the worker has no EINTR case of its own.
public protocol IOEngine {
    /// True when `queue` performs the I/O itself (psync, sync, null: see `SynchronousIOEngine`): no slat,
    /// no commit, no events.
    static var isSynchronous: Bool { get }

    /// Prepares (async) or performs (sync) the I/O in `units[slot]`.
    mutating func queue(_ units: UnsafeMutablePointer<IOUnit>, slot: Int32) -> QueueStatus

    /// Submits what `queue` prepared. Returns the number submitted, or -errno.
    mutating func commit() -> Int

    /// Submits what `queue` prepared and, in the same call, waits until at least `minimum` completions
    /// can be reaped (the caller reaps them with `getEvents`). Returns the number submitted, or -errno.
    /// A caller that would wait right after submitting saves a system call per batch this way.
    mutating func commit(waitingFor minimum: Int) -> Int

    /// Waits for at least `min` completions (0: just look), up to `max`. Writes the slots of
    /// completed units to `completed` and sets their `result`. Returns the count, or -errno.
    mutating func getEvents(
        min: Int, max: Int, units: UnsafeMutablePointer<IOUnit>, completed: UnsafeMutablePointer<Int32>
    ) -> Int

    /// Releases kernel resources (rings, registrations). Files are the caller's.
    mutating func close()
}

extension IOEngine {
    /// An engine that cannot wait inside its submit call (libaio, queued null) just submits: the worker's
    /// `getEvents(min:)` that follows does the waiting.
    @inlinable
    public mutating func commit(waitingFor minimum: Int) -> Int { commit() }
}

/// An engine whose `queue` performs the I/O itself (psync, sync, null): it completes every unit at once,
/// so there is nothing to commit and no events to reap.
public protocol SynchronousIOEngine: IOEngine {}

extension SynchronousIOEngine {
    @inlinable public static var isSynchronous: Bool { true }

    @inlinable
    public mutating func commit() -> Int { 0 }

    @inlinable
    public mutating func getEvents(
        min: Int, max: Int, units: UnsafeMutablePointer<IOUnit>, completed: UnsafeMutablePointer<Int32>
    ) -> Int { 0 }
}

/// What an engine needs beyond the files and buffers it is given.
public struct EngineConfig: Sendable, Equatable, Codable {
    public var iodepth: Int = 1
    /// io_uring: register the buffer pool (IORING_REGISTER_BUFFERS) and use READ_FIXED/WRITE_FIXED.
    public var fixedBuffers = false
    /// io_uring: register the fds (IORING_REGISTER_FILES) and use IOSQE_FIXED_FILE.
    public var registerFiles = false
    /// io_uring: IORING_SETUP_SQPOLL, optionally pinned to a CPU.
    public var sqPoll = false
    public var sqPollCPU: Int?
    /// io_uring: IORING_SETUP_IOPOLL (polled completions; needs O_DIRECT on a device that supports it).
    public var hipri = false
    /// libaio: reap from the kernel's completion ring in user space when not waiting (fio's userspace_reap).
    public var userspaceReap = false
    /// pvsync2: RWF_HIPRI on this percentage of I/Os (with `hipri`).
    public var hipriPercentage = 100
    /// pvsync2: RWF_NOWAIT (an I/O that would block fails with EAGAIN).
    public var nowait = false
    /// pvsync2: RWF_DONTCACHE for buffered I/O (fio 3.33's `uncached`).
    public var uncached = false
    /// mmap: MADV_HUGEPAGE on the mapping, which is then private (fio's `thp`).
    public var transparentHugePages = false
    /// The job's `direct` (pvsync2's `uncached` is for buffered I/O only; mmap syncs each I/O).
    public var direct = false
    /// mmap: posix_madvise RANDOM (true) or SEQUENTIAL (false) on the mapping; nil with fadvise_hint=0.
    public var adviseRandom: Bool?
    public init() {}
}

/// fsync or fdatasync (as `op` says) of `fd`, retried on EINTR: 0, or -errno. The engines that sync
/// in the calling thread (psync, sync, io_uring with hipri) share it.
@usableFromInline @inline(__always)
func syncFile(_ fd: Int32, _ op: IOOp) -> Int {
    let rc = retryingInterrupted { op == .fdatasync ? fdatasync(fd) : fsync(fd) }
    return rc < 0 ? -Int(errno) : 0
}
