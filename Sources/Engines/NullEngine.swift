/// fio's `null` engine: every I/O completes at once with its full length and touches neither
/// the file nor the buffer. It measures the framework's own per-I/O cost.
public struct NullEngine: SynchronousIOEngine {
    public init(files: [Int32] = [], config: EngineConfig = EngineConfig()) {}

    @inlinable @inline(__always)
    public mutating func queue(_ units: UnsafeMutablePointer<IOUnit>, slot: Int32) -> QueueStatus {
        let unit = units + Int(slot)
        unit.pointee.result = unit.pointee.op == .read || unit.pointee.op == .write ? unit.pointee.length : 0
        return .completed
    }

    public mutating func close() {}
}
