/// Running min/max/mean/variance of periodic samples (bandwidth in KiB/s, IOPS): the equivalent
/// of fio's `io_stat` for `bw_*` and `iops_*`. Welford's update; concurrent workers add up (`sumConcurrent`).
/// Not on the per-I/O path: one `add` per sampling interval (500 ms).
public struct SampleStat: Sendable, Equatable, Codable {
    public private(set) var samples: UInt64 = 0
    public private(set) var min: UInt64 = 0
    public private(set) var max: UInt64 = 0
    public private(set) var mean: Double = 0
    /// Sum of squared deviations from the mean (Welford's M2).
    public private(set) var m2: Double = 0

    public init() {}

    public mutating func add(_ value: UInt64) {
        if samples == 0 {
            min = value; max = value
        } else {
            if value < min { min = value }
            if value > max { max = value }
        }
        samples += 1
        let x = Double(value)
        let delta = x - mean
        mean += delta / Double(samples)
        m2 += delta * (x - mean)
    }

    /// Sample standard deviation (n − 1), as fio prints `bw_dev` and `iops_stddev`.
    public var stddev: Double {
        samples > 1 ? (m2 / Double(samples - 1)).squareRoot() : 0
    }

    /// Adds the statistics of a concurrent worker: fio's `group_reporting` sums bw/iops stats
    /// (min + min, max + max, mean + mean), which reads as "the group's aggregate rate" when the
    /// workers ran side by side. Variances add as for independent workers.
    public mutating func sumConcurrent(_ other: SampleStat) {
        guard other.samples > 0 else { return }
        guard samples > 0 else { self = other; return }
        min += other.min
        max += other.max
        mean += other.mean
        m2 += other.m2
        samples += other.samples
    }
}
