/// fio's per-direction object (`read`, `write`, `trim`) with its keys and units:
/// bytes, `bw` in KiB/s, `runtime` in ms, latencies in ns.
public struct DirectionResult: Sendable, Equatable, Codable {
    public var ioBytes: UInt64 = 0
    public var ioKBytes: UInt64 = 0
    public var bwBytes: UInt64 = 0
    /// KiB/s.
    public var bw: UInt64 = 0
    public var iops: Double = 0
    /// Milliseconds.
    public var runtime: UInt64 = 0
    public var totalIOs: UInt64 = 0
    public var shortIOs: UInt64 = 0
    public var dropIOs: UInt64 = 0
    public var slat = LatencySummary()
    public var clat = LatencySummary()
    public var lat = LatencySummary()
    /// Bandwidth samples, KiB/s.
    public var bwMin: UInt64 = 0
    public var bwMax: UInt64 = 0
    /// This job's share of its group's aggregate bandwidth, % (fio's `per=`).
    public var bwAgg: Double = 0
    public var bwMean: Double = 0
    public var bwDev: Double = 0
    public var bwSamples: UInt64 = 0
    public var iopsMin: UInt64 = 0
    public var iopsMax: UInt64 = 0
    public var iopsMean: Double = 0
    public var iopsStddev: Double = 0
    public var iopsSamples: UInt64 = 0

    public init() {}

    /// The latency whose percentiles fio puts in terse output: `lat` when lat_percentiles, else `clat`.
    public var percentileLatency: LatencySummary { lat.percentiles != nil ? lat : clat }

    enum CodingKeys: String, CodingKey {
        case ioBytes = "io_bytes", ioKBytes = "io_kbytes", bwBytes = "bw_bytes", bw, iops, runtime
        case totalIOs = "total_ios", shortIOs = "short_ios", dropIOs = "drop_ios"
        case slat = "slat_ns", clat = "clat_ns", lat = "lat_ns"
        case bwMin = "bw_min", bwMax = "bw_max", bwAgg = "bw_agg", bwMean = "bw_mean", bwDev = "bw_dev", bwSamples =
            "bw_samples"
        case iopsMin = "iops_min", iopsMax = "iops_max", iopsMean = "iops_mean", iopsStddev = "iops_stddev",
            iopsSamples = "iops_samples"
    }

    /// fio before 3.0 wrote latencies in microseconds under these keys; read, never written.
    enum LegacyKeys: String, CodingKey { case slat, clat, lat }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let bytes = c.uint(.ioBytes)
        if c.contains(.ioKBytes) {
            ioBytes = bytes
            ioKBytes = c.uint(.ioKBytes)
        } else {
            // fio < 3 wrote KiB under "io_bytes" and had no "io_kbytes".
            ioBytes = bytes &* 1024
            ioKBytes = bytes
        }
        bw = c.uint(.bw)
        bwBytes = c.contains(.bwBytes) ? c.uint(.bwBytes) : bw &* 1024
        iops = c.double(.iops)
        runtime = c.uint(.runtime)
        totalIOs = c.uint(.totalIOs)
        shortIOs = c.uint(.shortIOs)
        dropIOs = c.uint(.dropIOs)
        let legacy = try decoder.container(keyedBy: LegacyKeys.self)
        func latency(_ ns: CodingKeys, _ us: LegacyKeys) -> LatencySummary {
            if let v = try? c.decodeIfPresent(LatencySummary.self, forKey: ns) { return v }
            if let v = try? legacy.decodeIfPresent(LatencySummary.self, forKey: us) {
                return v.scaledFromMicroseconds()
            }
            return LatencySummary()
        }
        slat = latency(.slat, .slat)
        clat = latency(.clat, .clat)
        lat = latency(.lat, .lat)
        bwMin = c.uint(.bwMin); bwMax = c.uint(.bwMax); bwAgg = c.double(.bwAgg)
        bwMean = c.double(.bwMean); bwDev = c.double(.bwDev); bwSamples = c.uint(.bwSamples)
        iopsMin = c.uint(.iopsMin); iopsMax = c.uint(.iopsMax); iopsMean = c.double(.iopsMean)
        iopsStddev = c.double(.iopsStddev); iopsSamples = c.uint(.iopsSamples)
    }
}

/// fio's `sync` object: fsync/fdatasync count and latency.
public struct SyncResult: Sendable, Equatable, Codable {
    public var totalIOs: UInt64 = 0
    public var lat = LatencySummary()

    public init(totalIOs: UInt64 = 0, lat: LatencySummary = LatencySummary()) {
        self.totalIOs = totalIOs; self.lat = lat
    }

    enum CodingKeys: String, CodingKey { case totalIOs = "total_ios", lat = "lat_ns" }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        totalIOs = c.uint(.totalIOs)
        lat = (try? c.decodeIfPresent(LatencySummary.self, forKey: .lat)) ?? LatencySummary()
    }
}
