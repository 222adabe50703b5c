import SystemCalls
import Glibc

/// fio's `pvsync` engine: preadv(2)/pwritev(2) of one iovec at the unit's offset, one I/O per call
/// (fio's engines/sync.c fills a single iovec per I/O; only `vsync` merges I/Os).
public struct PvsyncEngine: SynchronousIOEngine, DescribedEngine {
    public static let description = EngineDescription(
        kind: .pvsync, summary: "preadv(2)/pwritev(2) of one buffer", queueing: .never)

    @usableFromInline var files: RawFileTable
    /// The one iovec, allocated once (fio keeps it in its engine data too).
    @usableFromInline let iov: UnsafeMutablePointer<iovec>

    public init(files: [Int32], config: EngineConfig = EngineConfig()) {
        self.files = RawFileTable(files)
        iov = .allocate(capacity: 1)
        iov.initialize(to: iovec())
    }

    public init(files: [Int32], buffers: AlignedBufferPool, config: EngineConfig) {
        self.init(files: files, config: config)
    }

    @inlinable
    public mutating func queue(_ units: UnsafeMutablePointer<IOUnit>, slot: Int32) -> QueueStatus {
        let unit = units + Int(slot)
        let fd = files[unit.pointee.fileIndex]
        let offset = off_t(truncatingIfNeeded: unit.pointee.offset)
        iov.pointee.iov_base = unit.pointee.buffer
        iov.pointee.iov_len = unit.pointee.length
        var done: Int
        switch unit.pointee.op {
        case .read: done = retryingInterrupted { preadv(fd, iov, 1, offset) }
        case .write: done = retryingInterrupted { pwritev(fd, iov, 1, offset) }
        case .fsync, .fdatasync:
            unit.pointee.result = syncFile(fd, unit.pointee.op)
            return .completed
        }
        unit.pointee.result = done < 0 ? -Int(errno) : done
        return .completed
    }

    public mutating func close() {
        guard files.count >= 0 else { return }
        files.release()
        iov.deallocate()
    }
}

extension EngineKind {
    public static let pvsync = EngineKind(rawValue: "pvsync")
}
