// fio's log files: per-I/O or averaged latency, bandwidth and IOPS logs, and completion latency histograms.
// The Runner's `WorkerLogs` records them; `docs/ARCHITECTURE.md` (section 3) says how they stay off the hot path.

extension OptionTable {
    static let logs: [OptionDefinition] = [
        logFile("write_lat_log", \.latLogPrefix, "lat, clat and slat logs: PREFIX_lat.N.log, _clat., _slat. (ns)"),
        logFile("write_bw_log", \.bwLogPrefix, "bandwidth log: PREFIX_bw.N.log (KiB/s)"),
        logFile("write_iops_log", \.iopsLogPrefix, "IOPS log: PREFIX_iops.N.log"),
        logFile(
            "write_hist_log", \.histLogPrefix,
            "completion latency histogram log: PREFIX_clat_hist.N.log, one line per log_hist_msec"),
        .make(
            "log_avg_msec", IntKind(), default: "0", .logs,
            help: "Average log entries over this many ms (one line per direction and window); 0: one line per I/O",
            set: { $0.logs.averageMsec = $1 }, render: { .int($0.logs.averageMsec) }),
        .make(
            "log_max_value", BoolKind(), default: "0", .logs,
            help: "With log_avg_msec: log the largest value of each window instead of the mean",
            set: { $0.logs.maxValue = $1 }, render: { .bool($0.logs.maxValue) }),
        .make(
            "log_hist_msec", IntKind(), default: "0", .logs,
            help: "Write a completion latency histogram every this many ms (0: the histogram log stays empty)",
            set: { $0.logs.histogramMsec = $1 }, render: { .int($0.logs.histogramMsec) }),
        .make(
            "log_hist_coarseness", IntKind(0...6), default: "0", .logs,
            help: "Merge 2^N of fio's 1856 latency bins into one in the histogram log (0 to 6)",
            set: { $0.logs.histogramCoarseness = Int($1) }, render: { .int($0.logs.histogramCoarseness) }),
        .make(
            "log_offset", BoolKind(), default: "0", .logs,
            help: "Add each I/O's offset to log lines (a column between the block size and the priority)",
            set: { $0.logs.offset = $1 }, render: { .bool($0.logs.offset) }),
        .make(
            "per_job_logs", BoolKind(), default: "1", .logs,
            help: "Put the job number in log file names; 0: all clones append to one file (PREFIX_lat.log)",
            set: { $0.logs.perJob = $1 }, render: { .bool($0.logs.perJob) }),
        .make(
            "log_unix_epoch", BoolKind(), default: "0", .logs,
            help: "Log times in ms since the Unix epoch (of log_alternate_epoch_clock_id's clock), not the job's start",
            set: { $0.logs.unixEpoch = $1 }, render: { .bool($0.logs.unixEpoch) }),
        .make(
            "log_alternate_epoch", BoolKind(), default: "0", .logs,
            help: "Log times in ms on the clock log_alternate_epoch_clock_id names, not since the job's start",
            set: { $0.logs.alternateEpoch = $1 }, render: { .bool($0.logs.alternateEpoch) }),
        .make(
            "log_alternate_epoch_clock_id", IntKind(0...11), default: "0", .logs,
            help:
                "clock_gettime's clock for log_unix_epoch and log_alternate_epoch: 0 CLOCK_REALTIME, 1 CLOCK_MONOTONIC, …",
            set: { $0.logs.alternateEpochClockID = Int32($1) }, render: { .int($0.logs.alternateEpochClockID) }),
    ]

    /// `write_*_log[=PREFIX]`: alone or empty, the prefix is the job's name (set by the resolver).
    private static func logFile(
        _ name: String, _ field: WritableKeyPath<LogOptions, String?> & Sendable, _ what: String
    ) -> OptionDefinition {
        .make(
            name, LogPrefixKind(), default: "", .logs,
            help: "Write fio's \(what); PREFIX defaults to the job name",
            set: { $0.logs[keyPath: field] = $1 }, render: { .optional($0.logs[keyPath: field]) { $0 } })
    }
}

/// A log file prefix: a path, or nothing (the option alone) for the job's name.
struct LogPrefixKind: ValueKind {
    var typeName: String { "string (file name prefix)" }
    var expected: String { "expected a file name prefix, or the option alone for the job's name" }
    var bareValue: String? { "" }
    func parse(_ text: String, _ context: ValueContext) throws(ValueProblem) -> String {
        Keywords.substitute(text, context.system).text
    }
}
