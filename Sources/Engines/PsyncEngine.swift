import SystemCalls
import CLiburing
import Glibc

/// fio's `psync` engine: pread/pwrite at the unit's offset, fsync/fdatasync, one I/O per call.
public struct PsyncEngine: SynchronousIOEngine, DescribedEngine {
    public static let description = EngineDescription(kind: .psync, summary: "pread(2)/pwrite(2)", queueing: .never)

    @usableFromInline var files: RawFileTable

    public init(files: [Int32], config: EngineConfig = EngineConfig()) {
        self.files = RawFileTable(files)
    }

    public init(files: [Int32], buffers: AlignedBufferPool, config: EngineConfig) {
        self.init(files: files, config: config)
    }

    @inlinable
    public mutating func queue(_ units: UnsafeMutablePointer<IOUnit>, slot: Int32) -> QueueStatus {
        let unit = units + Int(slot)
        let fd = files[unit.pointee.fileIndex]
        var done: Int
        switch unit.pointee.op {
        case .read:
            done = retryingInterrupted {
                pread(fd, unit.pointee.buffer, unit.pointee.length, off_t(truncatingIfNeeded: unit.pointee.offset))
            }
        case .write:
            done = retryingInterrupted {
                pwrite(fd, unit.pointee.buffer, unit.pointee.length, off_t(truncatingIfNeeded: unit.pointee.offset))
            }
        case .fsync, .fdatasync:
            unit.pointee.result = syncFile(fd, unit.pointee.op)
            return .completed
        }
        // A short count is reported as is: the worker decides whether to resubmit the rest.
        unit.pointee.result = done < 0 ? -Int(errno) : done
        return .completed
    }

    public mutating func close() { files.release() }
}

extension EngineKind {
    public static let psync = EngineKind(rawValue: "psync")
}
