// fio's completion latency histogram log (write_hist_log, log_hist_msec, log_hist_coarseness): every
// log_hist_msec, per direction, the counts of fio's 1856 log-linear latency bins since the last line.

/// One line: "time, ddir, bs, count, count, …" with 1856 >> coarseness counts.
public struct HistogramLogLine: Sendable, Equatable {
    public var timeMs: UInt64
    public var direction: UInt8
    public var length: UInt32
    public var counts: [UInt64]
}

/// fio's latency bins (stat.h: 6 bits of precision, 29 groups): values below 128 ns have a bin each; above,
/// each power of two is split into 64 bins; everything from about 17 s on shares the last bin.
public enum FioLatencyBins {
    public static let bits = 6
    public static let count = 29 << 6

    @inlinable @inline(__always)
    public static func index(_ ns: UInt64) -> Int {
        let msb = ns == 0 ? 0 : 63 - ns.leadingZeroBitCount
        if msb <= bits { return Int(ns) }
        let dropped = msb - bits
        let index = ((dropped + 1) << bits) + Int((ns >> UInt64(dropped)) & 63)
        return Swift.min(index, count - 1)
    }
}

/// One worker's histogram log. As in fio (stat.c, add_clat_sample), each direction's window starts at its
/// first completion and closes at the first completion at least `intervalMs` later, which takes that
/// completion's time and block size; the lateness carries over to the next window. The last, partial window is
/// not written, as in fio. A line's counts are copied out on that slow path (one allocation per interval).
public final class LatencyHistogramLog {
    public let intervalMs: UInt64
    public let coarseness: Int
    /// fio fills the bins only with clat_percentiles on; without it the lines hold zeros.
    public let countsLatencies: Bool
    @usableFromInline let bins: UnsafeMutablePointer<UInt64>
    @usableFromInline var windowStartMs = InlineArray<2, UInt64>(repeating: 0)
    public private(set) var lines: [HistogramLogLine] = []

    public init(intervalMs: UInt64, coarseness: Int, countsLatencies: Bool) {
        self.intervalMs = intervalMs
        self.coarseness = coarseness
        self.countsLatencies = countsLatencies
        bins = .allocate(capacity: 2 * FioLatencyBins.count)
        bins.initialize(repeating: 0, count: 2 * FioLatencyBins.count)
        lines.reserveCapacity(256)
    }

    deinit { bins.deallocate() }

    @inlinable @inline(__always)
    public func add(timeMs: UInt64, latencyNs: UInt64, direction: UInt8, length: UInt32) {
        guard intervalMs > 0 else { return }
        let d = Int(direction & 1)
        if countsLatencies { bins[d &* FioLatencyBins.count &+ FioLatencyBins.index(latencyNs)] &+= 1 }
        if windowStartMs[d] == 0 { windowStartMs[d] = timeMs }
        if _slowPath(timeMs &- windowStartMs[d] >= intervalMs) { closeWindow(d, atMs: timeMs, length: length) }
    }

    @usableFromInline @inline(never)
    func closeWindow(_ d: Int, atMs timeMs: UInt64, length: UInt32) {
        let late = timeMs - windowStartMs[d] - intervalMs
        let stride = 1 << coarseness
        let base = bins + d * FioLatencyBins.count
        var counts = [UInt64](repeating: 0, count: FioLatencyBins.count / stride)
        for i in 0..<counts.count {
            var sum: UInt64 = 0
            for k in 0..<stride { sum &+= base[i * stride + k] }
            counts[i] = sum
        }
        base.update(repeating: 0, count: FioLatencyBins.count)
        lines.append(HistogramLogLine(timeMs: timeMs, direction: UInt8(d), length: length, counts: counts))
        windowStartMs[d] = timeMs - late
    }

    public func reset() {
        bins.update(repeating: 0, count: 2 * FioLatencyBins.count)
        windowStartMs = InlineArray(repeating: 0)
        lines.removeAll(keepingCapacity: true)
    }
}
