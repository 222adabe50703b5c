/// What the job asked for in its report (fio's reporting options) and facts the stats don't know.
public struct JobReportSettings: Sendable, Equatable {
    /// fio's `percentile_list` (at most 20 are reported, as fio does).
    public var percentileList: [Double] = JobReportSettings.fioDefaultPercentiles
    public var clatPercentiles = true
    public var latPercentiles = false
    public var slatPercentiles = false
    /// The job's iodepth (fio writes it as `latency_depth`).
    public var iodepth = 1
    /// latency_target (ns), latency_window (ns) and latency_percentile, reported beside latency_depth.
    public var latencyTargetNs: UInt64 = 0
    public var latencyWindowNs: UInt64 = 0
    public var latencyPercentile: Double = 100
    /// fio's `description`.
    public var description: String?
    /// fio's `continue_on_error` other than none: adds `total_err` and `first_error`.
    public var continueOnError = false
    /// Paths by file index, to name files in error samples.
    public var fileNames: [String] = []
    /// Seconds since the run started (fio `elapsed`); default: the job's runtime, rounded up.
    public var elapsedSeconds: Int64?
    /// Put the per-interval series in `diobench.rate_series` (off by default to keep stdout small).
    public var includeRateSeries = false

    public static let fioDefaultPercentiles: [Double] = [
        1, 5, 10, 20, 30, 40, 50, 60, 70, 80, 90, 95, 99, 99.5, 99.9, 99.95, 99.99,
    ]
    /// fio's FIO_IO_U_LIST_MAX_LEN.
    public static let maxPercentiles = 20

    public init() {}
}
