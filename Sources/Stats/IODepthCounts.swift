/// fio's three I/O depth distributions, as fixed bucket counters (no allocation on update).
///
/// - `level` (fio `io_u_map`, "IO depths"): one count per I/O queued, by the depth in flight once it
///   is queued. Buckets 1, 2–3, 4–7, 8–15, 16–31, 32–63, ≥64 (keys "1" … ">=64").
/// - `submit` / `complete` (fio `io_u_submit` / `io_u_complete`): one count per submit or reap call,
///   by how many I/Os it carried. Buckets 0, 1–4, 5–8, 9–16, 17–32, 33–64, >64 (keys "0", "4" … ">=64").
public struct IODepthCounts: Sendable, Equatable {
    public static let bucketCount = 7
    public static let levelKeys = ["1", "2", "4", "8", "16", "32", ">=64"]
    public static let batchKeys = ["0", "4", "8", "16", "32", "64", ">=64"]

    public var level = InlineArray<7, UInt64>(repeating: 0)
    public var submit = InlineArray<7, UInt64>(repeating: 0)
    public var complete = InlineArray<7, UInt64>(repeating: 0)

    public init() {}

    @inlinable @inline(__always)
    static func levelIndex(_ depth: Int) -> Int {
        // floor(log2(depth)) capped at 6; depth ≤ 1 lands in bucket 0.
        let d = UInt64(truncatingIfNeeded: Swift.max(depth, 1))
        return Swift.min(6, 63 - d.leadingZeroBitCount)
    }

    @inlinable @inline(__always)
    static func batchIndex(_ n: Int) -> Int {
        if n <= 0 { return 0 }
        // ceil(log2(n)) − 1, kept within 1 … 6: 1–4 → 1, 5–8 → 2, …, 33–64 → 5, more → 6.
        let ceilLog2 = n <= 1 ? 0 : 64 - UInt64(truncatingIfNeeded: n - 1).leadingZeroBitCount
        return Swift.min(6, Swift.max(1, ceilLog2 - 1))
    }

    /// One I/O queued while `depth` I/Os (itself included) are in flight.
    @inlinable @inline(__always)
    public mutating func recordDepth(_ depth: Int) { level[Self.levelIndex(depth)] &+= 1 }

    /// One submit call that handed `count` I/Os to the kernel.
    @inlinable @inline(__always)
    public mutating func recordSubmit(_ count: Int) { submit[Self.batchIndex(count)] &+= 1 }

    /// One reap call that returned `count` completions.
    @inlinable @inline(__always)
    public mutating func recordComplete(_ count: Int) { complete[Self.batchIndex(count)] &+= 1 }

    public mutating func merge(_ other: IODepthCounts) {
        for i in 0..<Self.bucketCount {
            level[i] &+= other.level[i]
            submit[i] &+= other.submit[i]
            complete[i] &+= other.complete[i]
        }
    }

    public static func == (a: IODepthCounts, b: IODepthCounts) -> Bool {
        for i in 0..<bucketCount
        where a.level[i] != b.level[i] || a.submit[i] != b.submit[i] || a.complete[i] != b.complete[i] {
            return false
        }
        return true
    }

    /// Percentages per bucket as fio prints them: a non-zero share below 0.1 % shows as 0.1 %.
    /// The total is the sum of the buckets (fio divides `level` by the I/O count, which can exceed 100 %).
    public static func percentages(_ buckets: InlineArray<7, UInt64>) -> [Double] {
        var total: UInt64 = 0
        for i in 0..<bucketCount { total &+= buckets[i] }
        return (0..<bucketCount).map { i in
            guard total > 0 else { return 0 }
            let p = Double(buckets[i]) / Double(total) * 100
            return (p < 0.1 && buckets[i] > 0) ? 0.1 : p
        }
    }
}
