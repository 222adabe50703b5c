// Blocks written but not yet verified, for fio's verify_backlog: the worker records each completed
// write and, once `isFull`, reads those blocks back and checks them. Fixed capacity, allocated once;
// recording is a store and an increment. One log per worker: it is not thread-safe.

public struct VerifyLogEntry: Sendable, Equatable {
    public var offset: UInt64
    public var length: UInt32
    /// Which of the worker's files (its index in the engine's file table); 0 for one-file jobs.
    public var fileIndex: Int32
    public var generation: UInt64

    public init(offset: UInt64, length: UInt32, generation: UInt64, fileIndex: Int32 = 0) {
        self.offset = offset
        self.length = length
        self.fileIndex = fileIndex
        self.generation = generation
    }
}

public final class VerifyLog {
    public let capacity: Int
    public private(set) var count = 0
    private let entries: UnsafeMutablePointer<VerifyLogEntry>

    public init(capacity: Int) {
        precondition(capacity > 0, "verify log capacity must be positive")
        self.capacity = capacity
        entries = .allocate(capacity: capacity)
    }

    deinit {
        entries.deinitialize(count: count)
        entries.deallocate()
    }

    public var isFull: Bool { count == capacity }
    public var isEmpty: Bool { count == 0 }

    /// Remembers a completed write. Returns false (and records nothing) when the log is full:
    /// verify and `removeAll()` first.
    @discardableResult
    public func record(offset: UInt64, length: UInt32, generation: UInt64, fileIndex: Int32 = 0) -> Bool {
        guard count < capacity else { return false }
        (entries + count).initialize(
            to: VerifyLogEntry(offset: offset, length: length, generation: generation, fileIndex: fileIndex))
        count += 1
        return true
    }

    public subscript(index: Int) -> VerifyLogEntry {
        precondition(index >= 0 && index < count, "verify log index \(index) out of range 0..<\(count)")
        return entries[index]
    }

    /// Forgets every entry, keeping the storage.
    public func removeAll() {
        entries.deinitialize(count: count)
        count = 0
    }
}
