/// fio's `jobs[].steadystate` (stat.c, show_thread_status_json): the criterion, whether it was attained, and the
/// last window of one-second samples, oldest first.
public struct SteadyStateReport: Codable, Sendable, Equatable {
    /// `iops_slope:0.010000%`: the criterion as fio prints it.
    public var ss: String
    /// Samples in the window (`ss_dur` in seconds).
    public var duration: Int
    public var attained: Int
    /// The last value judged, `%f` with `%` when the limit is a percentage.
    public var criterion: String
    public var maxDeviation: Double
    public var slope: Double
    public var data: Samples

    public struct Samples: Codable, Sendable, Equatable {
        public var bwMean: UInt64
        public var iopsMean: UInt64
        public var iops: [UInt64]
        public var bw: [UInt64]
        enum CodingKeys: String, CodingKey {
            case bwMean = "bw_mean", iopsMean = "iops_mean", iops, bw
        }
        public init(bwMean: UInt64, iopsMean: UInt64, iops: [UInt64], bw: [UInt64]) {
            self.bwMean = bwMean
            self.iopsMean = iopsMean
            self.iops = iops
            self.bw = bw
        }
    }

    enum CodingKeys: String, CodingKey {
        case ss, duration, attained, criterion, maxDeviation = "max_deviation", slope, data
    }

    public init(
        ss: String, duration: Int, attained: Bool, criterion: String, maxDeviation: Double, slope: Double,
        data: Samples
    ) {
        self.ss = ss
        self.duration = duration
        self.attained = attained ? 1 : 0
        self.criterion = criterion
        self.maxDeviation = maxDeviation
        self.slope = slope
        self.data = data
    }
}
