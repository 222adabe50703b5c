/// Building fio-shaped results from measured statistics.
import Vocabulary
import SystemCalls
extension JobResult {
    /// One `jobs[]` entry from a worker's (or a merged group's) statistics.
    /// - Parameters:
    ///   - options: the job's options as written (fio's "job options").
    ///   - extensions: diobench data other modules already have (targets, loop, ZFS, kernel
    ///     events); the statistics parts (members, exact times, errors) are filled in here.
    ///   - error: errno that stopped the job, 0 if none.
    public init(
        name: String, groupID: Int, stats: WorkerStats, settings: JobReportSettings = JobReportSettings(),
        options: FioOptionList? = nil, extensions: JobExtension = JobExtension(), error: Int32 = 0
    ) {
        self.init(jobname: name, groupid: groupID)
        self.error = error
        jobOptions = options
        let list = Array(settings.percentileList.prefix(JobReportSettings.maxPercentiles))
        read = DirectionResult(stats.read, settings: settings, percentiles: list)
        write = DirectionResult(stats.write, settings: settings, percentiles: list)
        trim = DirectionResult(stats.trim, settings: settings, percentiles: list)
        sync = SyncResult(
            totalIOs: stats.sync.count,
            lat: LatencySummary(
                stats.sync, percentiles: settings.clatPercentiles || settings.latPercentiles ? list : nil))
        jobRuntime = Self.milliseconds(stats.runtimeNs, nonZeroIf: stats.runtimeNs > 0)
        usrCpu = stats.cpu.userPercent
        sysCpu = stats.cpu.systemPercent
        ctx = stats.cpu.contextSwitches
        majf = stats.cpu.majorFaults
        minf = stats.cpu.minorFaults
        iodepthLevel = FioDistribution(
            keys: IODepthCounts.levelKeys, percents: IODepthCounts.percentages(stats.depth.level))
        iodepthSubmit = FioDistribution(
            keys: IODepthCounts.batchKeys, percents: IODepthCounts.percentages(stats.depth.submit))
        iodepthComplete = FioDistribution(
            keys: IODepthCounts.batchKeys, percents: IODepthCounts.percentages(stats.depth.complete))
        let latency = CompletionLatencyBuckets(stats)
        latencyNs = latency.nanoseconds
        latencyUs = latency.microseconds
        latencyMs = latency.milliseconds
        if settings.continueOnError {
            totalErr = stats.errors.total
            firstError = stats.errors.firstErrno ?? 0
        }
        // fio reports latency_window in µs and latency_target in ns.
        latencyDepth = Int64(stats.latencyDepth > 0 ? stats.latencyDepth : settings.iodepth)
        latencyTarget = settings.latencyTargetNs
        latencyPercentile = settings.latencyPercentile
        latencyWindow = settings.latencyWindowNs / 1000
        desc = settings.description
        eta = 0
        elapsed = settings.elapsedSeconds ?? Int64((stats.runtimeNs + 999_999_999) / 1_000_000_000)

        var ext = extensions
        ext.members = stats.members
        ext.runtimeNs = stats.runtimeNs
        ext.elapsedNs = PerDirection(
            read: stats.read.elapsedNs, write: stats.write.elapsedNs, trim: stats.trim.elapsedNs)
        ext.latencyHistogram = HistogramInfo()
        if stats.errors.total > 0 { ext.ioErrors = IOErrorReport(stats.errors, fileNames: settings.fileNames) }
        if settings.includeRateSeries {
            ext.rateSeries = RateSeries(
                intervalNs: stats.sampler.intervalNs, samples: Array(stats.sampler.series),
                dropped: stats.sampler.droppedSeriesSamples > 0 ? stats.sampler.droppedSeriesSamples : nil)
        }
        diobench = ext
    }

    /// ns → ms as fio counts them, but never 0 for something that ran (fio hides a direction
    /// whose runtime rounds to 0 ms).
    static func milliseconds(_ ns: UInt64, nonZeroIf ran: Bool) -> UInt64 {
        let ms = ns / 1_000_000
        return ms == 0 && ran ? 1 : ms
    }
}

extension DirectionResult {
    /// fio's per-direction numbers from one direction's statistics. Rates use the exact
    /// elapsed time in ns (fio divides by whole milliseconds).
    public init(_ s: DirectionStats, settings: JobReportSettings, percentiles list: [Double]) {
        self.init()
        ioBytes = s.bytes
        ioKBytes = s.bytes >> 10
        runtime = JobResult.milliseconds(s.elapsedNs, nonZeroIf: s.elapsedNs > 0 && (s.ios > 0 || s.errors > 0))
        if s.elapsedNs > 0 {
            let seconds = Double(s.elapsedNs) / 1e9
            bwBytes = UInt64(Double(s.bytes) / seconds)
            iops = Double(s.ios) / seconds
        }
        bw = bwBytes / 1024
        totalIOs = s.ios
        shortIOs = s.shortIOs
        dropIOs = s.droppedIOs
        slat = LatencySummary(s.slat, percentiles: settings.slatPercentiles ? list : nil)
        clat = LatencySummary(s.clat, percentiles: settings.clatPercentiles ? list : nil)
        lat = LatencySummary(s.lat, percentiles: settings.latPercentiles ? list : nil)
        let b = s.bandwidthSamples, i = s.iopsSamples
        if b.samples > 0 {
            bwMin = b.min; bwMax = b.max; bwMean = b.mean; bwDev = b.stddev; bwSamples = b.samples
            bwAgg = 100  // until the group's aggregate is known (RunResult.updateGroupShares)
        }
        if i.samples > 0 {
            iopsMin = i.min; iopsMax = i.max; iopsMean = i.mean; iopsStddev = i.stddev; iopsSamples = i.samples
        }
    }
}

extension IOErrorReport {
    public init(_ log: IOErrorLog, fileNames: [String]) {
        self.init(
            total: log.total,
            byErrno: log.countsByErrno.map {
                ErrnoCount(errno: $0.errno, name: ErrnoNames.name($0.errno), count: $0.count)
            },
            otherErrnos: log.otherErrnoCount > 0 ? log.otherErrnoCount : nil,
            samples: log.samples.map { s in
                let file = s.fileIndex >= 0 && Int(s.fileIndex) < fileNames.count ? fileNames[Int(s.fileIndex)] : nil
                return Sample(
                    errno: s.errno, name: ErrnoNames.name(s.errno), op: s.direction?.fioName ?? "sync",
                    offset: s.offset, length: s.length, file: file, atNs: s.atNs)
            })
    }
}

/// fio's `latency_ns` / `latency_us` / `latency_ms`: the share of read+write+trim completions
/// (clat) in each range. A key is the range's upper bound: "250" in `latency_us` counts
/// 100 ≤ clat < 250 µs; `latency_ms` ends with "2000" (1–2 s) and ">=2000".
/// Shares below 0.01 % but not zero show as 0.01, as fio prints them.
public struct CompletionLatencyBuckets: Sendable, Equatable {
    public static let keys = ["2", "4", "10", "20", "50", "100", "250", "500", "750", "1000"]
    public static let msKeys = keys + ["2000", ">=2000"]
    static let bounds: [UInt64] = [2, 4, 10, 20, 50, 100, 250, 500, 750, 1000]

    public var nanoseconds: FioDistribution
    public var microseconds: FioDistribution
    public var milliseconds: FioDistribution

    public init(_ stats: WorkerStats) {
        var clat = stats.read.clat
        clat.merge(stats.write.clat)
        clat.merge(stats.trim.clat)
        var ns = [UInt64](repeating: 0, count: 10), us = ns, ms = [UInt64](repeating: 0, count: 12)
        for (value, count) in clat.bins() {
            if value < 1_000 {
                ns[Self.index(value, in: Self.bounds)] += count
            } else if value < 1_000_000 {
                us[Self.index(value / 1_000, in: Self.bounds)] += count
            } else {
                let m = value / 1_000_000
                ms[m >= 2000 ? 11 : m >= 1000 ? 10 : Self.index(m, in: Self.bounds)] += count
            }
        }
        let total = clat.count
        func percents(_ c: [UInt64]) -> [Double] {
            c.map { n in
                guard total > 0 else { return 0 }
                let p = Double(n) / Double(total) * 100
                return p < 0.01 && n > 0 ? 0.01 : p
            }
        }
        nanoseconds = FioDistribution(keys: Self.keys, percents: percents(ns))
        microseconds = FioDistribution(keys: Self.keys, percents: percents(us))
        milliseconds = FioDistribution(keys: Self.msKeys, percents: percents(ms))
    }

    /// First bucket whose upper bound is above `v` (values are < 1000 here).
    static func index(_ v: UInt64, in bounds: [UInt64]) -> Int {
        bounds.firstIndex { v < $0 } ?? bounds.count - 1
    }
}
