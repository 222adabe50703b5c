import SystemCalls
import CLiburing
import Glibc

/// fio's `sync` engine: lseek, then read/write. Like fio it remembers where each file's
/// position is after an I/O and skips the lseek when the next I/O starts there (sequential jobs).
public struct SyncEngine: SynchronousIOEngine, DescribedEngine {
    public static let description = EngineDescription(
        kind: .sync, summary: "read(2)/write(2) after lseek(2)", queueing: .never)

    @usableFromInline var files: RawFileTable
    /// Kernel file position per file after our last I/O; `unknownPosition` after an error.
    @usableFromInline var positions: UnsafeMutablePointer<UInt64>
    @usableFromInline static var unknownPosition: UInt64 { .max }

    public init(files: [Int32], buffers: AlignedBufferPool, config: EngineConfig) {
        self.init(files: files, config: config)
    }

    public init(files: [Int32], config: EngineConfig = EngineConfig()) {
        self.files = RawFileTable(files)
        positions = .allocate(capacity: Swift.max(files.count, 1))
        positions.initialize(repeating: Self.unknownPosition, count: Swift.max(files.count, 1))
    }

    @inlinable
    public mutating func queue(_ units: UnsafeMutablePointer<IOUnit>, slot: Int32) -> QueueStatus {
        let unit = units + Int(slot)
        let index = Int(unit.pointee.fileIndex)
        let fd = files.fds[index]
        var done: Int
        switch unit.pointee.op {
        case .read, .write:
            let offset = unit.pointee.offset
            if positions[index] != offset {
                if lseek(fd, off_t(truncatingIfNeeded: offset), SEEK_SET) < 0 {
                    positions[index] = Self.unknownPosition
                    unit.pointee.result = -Int(errno)
                    return .completed
                }
            }
            if unit.pointee.op == .read {
                done = retryingInterrupted { read(fd, unit.pointee.buffer, unit.pointee.length) }
            } else {
                done = retryingInterrupted { write(fd, unit.pointee.buffer, unit.pointee.length) }
            }
            positions[index] = done < 0 ? Self.unknownPosition : offset &+ UInt64(done)
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
        positions.deallocate()
    }
}

extension EngineKind {
    public static let sync = EngineKind(rawValue: "sync")
}
