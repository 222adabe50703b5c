// Storage for fio-style log lines, filled by a worker as its I/Os complete (one line per I/O when
// log_avg_msec=0). Chunks are allocated up front and on a rare slow path only: no per-I/O allocation.

/// One line of fio's lat/clat/slat/bw/iops logs: "time, value, ddir, bs[, offset], prio".
@frozen
public struct LogSample: Sendable, Equatable {
    /// ms since the worker's epoch (the start of measuring, or the end of ramp_time).
    public var timeMs: UInt64
    public var value: UInt64
    public var offset: UInt64
    public var length: UInt32
    /// fio's ddir: 0 read, 1 write.
    public var direction: UInt8

    @inlinable
    public init(timeMs: UInt64, value: UInt64, direction: UInt8, length: UInt32, offset: UInt64) {
        self.timeMs = timeMs
        self.value = value
        self.offset = offset
        self.length = length
        self.direction = direction
    }
}

/// A growing list of `LogSample`s in chunks that are never moved. `append` writes into the current chunk;
/// when it is full, `grow` (not inlined, once per chunk) allocates the next one, twice as large up to
/// `maxChunk` entries, and touches its pages so that page faults happen there rather than in later appends.
/// Owned by one worker thread; read by the main thread only after the worker is joined.
public final class LogSampleChunks {
    @usableFromInline var current: UnsafeMutablePointer<LogSample>
    @usableFromInline var used = 0
    @usableFromInline var capacity: Int
    /// Full chunks before `current`, with their counts.
    private var full: [(base: UnsafeMutablePointer<LogSample>, count: Int)] = []
    private let firstCapacity: Int
    static let maxChunk = 1 << 18

    public init(initialCapacity: Int) {
        firstCapacity = Swift.max(64, Swift.min(initialCapacity, Self.maxChunk))
        capacity = firstCapacity
        current = Self.allocate(firstCapacity)
        full.reserveCapacity(64)
    }

    deinit {
        for chunk in full { chunk.base.deallocate() }
        current.deallocate()
    }

    public var count: Int { full.reduce(used) { $0 + $1.count } }

    @inlinable @inline(__always)
    public func append(_ sample: LogSample) {
        if _slowPath(used == capacity) { grow() }
        current[used] = sample
        used &+= 1
    }

    @usableFromInline @inline(never)
    func grow() {
        full.append((current, used))
        capacity = Swift.min(capacity * 2, Self.maxChunk)
        current = Self.allocate(capacity)
        used = 0
    }

    private static func allocate(_ count: Int) -> UnsafeMutablePointer<LogSample> {
        let base = UnsafeMutablePointer<LogSample>.allocate(capacity: count)
        base.initialize(repeating: LogSample(timeMs: 0, value: 0, direction: 0, length: 0, offset: 0), count: count)
        return base
    }

    /// Forgets every sample (the end of ramp_time); keeps the current chunk.
    public func removeAll() {
        for chunk in full { chunk.base.deallocate() }
        full.removeAll(keepingCapacity: true)
        used = 0
    }

    /// Every sample, oldest first.
    public func forEach(_ body: (LogSample) throws -> Void) rethrows {
        for chunk in full { for i in 0..<chunk.count { try body(chunk.base[i]) } }
        for i in 0..<used { try body(current[i]) }
    }
}
