import Histogram

/// Latencies in nanoseconds: an HDR histogram (3 significant digits, 1 ns … 1 h) for percentiles
/// and bins, plus exact count, sum and sum of squares for mean and standard deviation.
///
/// fio's own histogram has about 0.78 % error and stops near 17 s; this one keeps 0.1 % up to an hour.
/// Values above an hour are recorded as one hour (the exact maximum is then lost, nothing else).
/// Mean and stddev come from the exact sums, not from the buckets, so they match a direct computation.
public struct LatencyHistogram: Sendable {
    /// Highest value kept distinct: one hour.
    public static let maxTrackableNs: UInt64 = 3_600_000_000_000

    @usableFromInline var hdr: Histogram<UInt64>
    /// Exact sums (UInt128: a sum of squares of ns latencies overflows 64 bits within seconds).
    @usableFromInline var sum: UInt128 = 0
    @usableFromInline var sumOfSquares: UInt128 = 0

    public init() {
        hdr = Histogram<UInt64>(
            lowestDiscernibleValue: 1,
            highestTrackableValue: Self.maxTrackableNs,
            numberOfSignificantValueDigits: .three)
    }

    /// Records one latency. Inlined into the worker's loop: an index computation, one array
    /// increment, min/max compares and two 128-bit adds; no allocation.
    @inlinable @inline(__always)
    public mutating func record(_ ns: UInt64) {
        let value = ns < Self.maxTrackableNs ? ns : Self.maxTrackableNs
        hdr.record(value)
        let wide = UInt128(truncatingIfNeeded: value)
        sum &+= wide
        sumOfSquares &+= wide &* wide
    }

    public var count: UInt64 { hdr.totalCount }
    public var isEmpty: Bool { hdr.totalCount == 0 }

    /// Smallest recorded value (exact), 0 when empty.
    public var min: UInt64 { isEmpty ? 0 : hdr.min }
    /// Largest recorded value (exact unless above an hour), 0 when empty.
    public var max: UInt64 { hdr.maxRecorded }

    public var mean: Double {
        guard count > 0 else { return 0 }
        let n = UInt128(count)
        // Integer part exactly, then the remainder: keeps full precision for large sums.
        let q = sum / n, r = sum % n
        return Double(q) + Double(r) / Double(n)
    }

    /// Sample standard deviation (n − 1 in the denominator), as fio reports it.
    public var stddev: Double {
        let c = count
        guard c > 1 else { return 0 }
        let n = UInt128(c)
        // n·Σx² − (Σx)² is exact in integers when it fits; it does for any realistic run
        // (n < 2^40 I/Os of < 2^42 ns). Otherwise fall back to the floating-point form.
        let (nSq, overflow1) = n.multipliedReportingOverflow(by: sumOfSquares)
        let (sumSq, overflow2) = sum.multipliedReportingOverflow(by: sum)
        let variance: Double
        if !overflow1 && !overflow2 && nSq >= sumSq {
            variance = Double(nSq - sumSq) / (Double(c) * Double(c - 1))
        } else {
            let m = mean
            variance = Swift.max(0, (Double(sumOfSquares) - Double(c) * m * m) / Double(c - 1))
        }
        return variance.squareRoot()
    }

    /// The value at or below which `percentile` % of the recorded values fall (nearest rank,
    /// reported as the highest value equivalent to that bucket, clamped to the exact min and max).
    public func value(atPercentile percentile: Double) -> UInt64 {
        values(atPercentiles: [percentile])[0]
    }

    /// Several percentiles in one pass over the buckets. `percentiles` need not be sorted.
    public func values(atPercentiles percentiles: [Double]) -> [UInt64] {
        var result = [UInt64](repeating: 0, count: percentiles.count)
        let total = count
        guard total > 0 else { return result }
        // Rank needed for each percentile (at least 1), visited in ascending order.
        let order = percentiles.indices.sorted { percentiles[$0] < percentiles[$1] }
        func rank(_ p: Double) -> UInt64 {
            let clamped = Swift.min(Swift.max(p, 0), 100)
            let r = (clamped / 100 * Double(total)).rounded(.up)
            return Swift.max(1, Swift.min(total, UInt64(r)))
        }
        var next = 0
        var seen: UInt64 = 0
        for bucket in hdr.recordedValues() {
            seen += bucket.count
            while next < order.count, rank(percentiles[order[next]]) <= seen {
                let v = hdr.highestEquivalentForValue(bucket.value)
                result[order[next]] = Swift.min(Swift.max(v, min), max)
                next += 1
            }
            if next == order.count { break }
        }
        while next < order.count { result[order[next]] = max; next += 1 }
        return result
    }

    /// Non-empty buckets as (representative value, count), ascending: fio's json+ `bins`.
    /// The representative is the middle of the bucket's range, as fio's bins are.
    public func bins() -> [(valueNs: UInt64, count: UInt64)] {
        hdr.recordedValues().map { (hdr.medianEquivalentForValue($0.value), $0.count) }
    }

    /// Adds every value of `other`, as if they had been recorded here.
    public mutating func merge(_ other: LatencyHistogram) {
        hdr.add(other.hdr)
        sum &+= other.sum
        sumOfSquares &+= other.sumOfSquares
    }

    /// Forgets every value (used at the end of `ramp_time`).
    public mutating func reset() {
        hdr.reset()
        sum = 0
        sumOfSquares = 0
    }
}

extension LatencyHistogram: Equatable {
    public static func == (lhs: LatencyHistogram, rhs: LatencyHistogram) -> Bool {
        lhs.sum == rhs.sum && lhs.sumOfSquares == rhs.sumOfSquares && lhs.hdr == rhs.hdr
    }
}
