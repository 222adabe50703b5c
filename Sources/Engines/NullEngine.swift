/// fio's `null` engine: every I/O completes at once with its full length and touches neither
/// the file nor the buffer. It measures the framework's own per-I/O cost.
public struct NullEngine: SynchronousIOEngine, DescribedEngine {
    public static let description = EngineDescription(
        kind: .null, summary: "No I/O at all: measures diobench itself", queueing: .whenDeep,
        transfersData: false)

    public init(files: [Int32] = [], config: EngineConfig = EngineConfig()) {}

    public init(files: [Int32], buffers: AlignedBufferPool, config: EngineConfig) {}

    @inlinable @inline(__always)
    public mutating func queue(_ units: UnsafeMutablePointer<IOUnit>, slot: Int32) -> QueueStatus {
        Self.complete(units + Int(slot))
        return .completed
    }

    /// What null does with a unit: a read or write moves its whole length, a sync succeeds.
    @inlinable @inline(__always)
    static func complete(_ unit: UnsafeMutablePointer<IOUnit>) {
        unit.pointee.result = unit.pointee.op == .read || unit.pointee.op == .write ? unit.pointee.length : 0
    }

    public mutating func close() {}
}

/// The null engine at iodepth above 1, as fio's: every I/O is queued, `commit` submits the batch, and each
/// submitted I/O completes, with its full length, at the next `getEvents`. Nothing is allocated per I/O.
public struct QueuedNullEngine: DescribedEngine {
    public static var isSynchronous: Bool { false }
    public static var description: EngineDescription { NullEngine.description }

    /// Slots queued and not yet submitted, then submitted and not yet reaped: one ring of `iodepth`.
    @usableFromInline let slots: UnsafeMutablePointer<Int32>
    @usableFromInline let capacity: Int
    @usableFromInline var queued = 0
    @usableFromInline var submitted = 0

    public init(files: [Int32], buffers: AlignedBufferPool, config: EngineConfig) {
        capacity = Swift.max(config.iodepth, 1)
        slots = .allocate(capacity: capacity)
    }

    @inlinable
    public mutating func queue(_ units: UnsafeMutablePointer<IOUnit>, slot: Int32) -> QueueStatus {
        // fio's null engine is busy while completions wait to be reaped.
        if submitted > 0 || queued == capacity { return .busy }
        slots[queued] = slot
        queued &+= 1
        return .queued
    }

    @inlinable
    public mutating func commit() -> Int {
        let count = queued - submitted
        submitted = queued
        return count
    }

    @inlinable
    public mutating func getEvents(
        min: Int, max: Int, units: UnsafeMutablePointer<IOUnit>,
        completed: UnsafeMutablePointer<Int32>
    ) -> Int {
        let count = Swift.min(submitted, max)
        for i in 0..<count {
            NullEngine.complete(units + Int(slots[i]))
            completed[i] = slots[i]
        }
        // What was not taken moves to the front.
        for i in count..<queued { slots[i - count] = slots[i] }
        queued &-= count
        submitted &-= count
        return count
    }

    public mutating func close() { slots.deallocate() }
}

extension EngineKind {
    public static let null = EngineKind(rawValue: "null")
}
