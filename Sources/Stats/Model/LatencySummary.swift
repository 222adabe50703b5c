/// fio's `slat_ns` / `clat_ns` / `lat_ns` object: min, max, mean, stddev, N, and optionally
/// `percentile` and (json+) `bins`. All values in nanoseconds.
public struct LatencySummary: Sendable, Equatable, Codable {
    public var min: UInt64 = 0
    public var max: UInt64 = 0
    public var mean: Double = 0
    public var stddev: Double = 0
    public var count: UInt64 = 0
    public var percentiles: PercentileMap?
    public var bins: LatencyBins?

    public init() {}

    public init(
        min: UInt64, max: UInt64, mean: Double, stddev: Double, count: UInt64,
        percentiles: PercentileMap? = nil, bins: LatencyBins? = nil
    ) {
        self.min = min; self.max = max; self.mean = mean; self.stddev = stddev; self.count = count
        self.percentiles = percentiles; self.bins = bins
    }

    /// Summary of a histogram; `percentiles` nil or empty leaves out `percentile` and `bins`,
    /// as fio does when clat/lat percentiles are off for this latency.
    public init(_ h: LatencyHistogram, percentiles list: [Double]?) {
        self.init(min: h.min, max: h.max, mean: h.mean, stddev: h.stddev, count: h.count)
        if let list, !list.isEmpty, h.count > 0 {
            let values = h.values(atPercentiles: list)
            percentiles = PercentileMap(zip(list, values).map { ($0, $1) })
            bins = LatencyBins(h.bins())
        }
    }

    enum CodingKeys: String, CodingKey {
        case min, max, mean, stddev, count = "N", percentiles = "percentile", bins
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        min = c.uint(.min)
        max = c.uint(.max)
        mean = c.double(.mean)
        stddev = c.double(.stddev)
        count = c.uint(.count)
        percentiles = try? c.decodeIfPresent(PercentileMap.self, forKey: .percentiles)
        bins = try? c.decodeIfPresent(LatencyBins.self, forKey: .bins)
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(min, forKey: .min)
        try c.encode(max, forKey: .max)
        try c.encode(mean, forKey: .mean)
        try c.encode(stddev, forKey: .stddev)
        try c.encode(count, forKey: .count)
        try c.encodeIfPresent(percentiles, forKey: .percentiles)
        if encoder.includesBins { try c.encodeIfPresent(bins, forKey: .bins) }
    }

    /// Old fio (2.x) wrote latencies in microseconds under `slat`/`clat`/`lat`.
    func scaledFromMicroseconds() -> LatencySummary {
        var s = self
        s.min = min &* 1000; s.max = max &* 1000; s.mean = mean * 1000; s.stddev = stddev * 1000
        s.percentiles = percentiles?.scaled(by: 1000)
        return s
    }
}
