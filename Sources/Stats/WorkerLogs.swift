// Everything one worker logs for fio's log files (write_lat_log, write_bw_log, write_iops_log, write_hist_log).
// The I/O loop calls `completed` (and `submitted`, for slat) only when the job writes logs, behind one branch on a
// WorkerConfig field; a job without logs never reaches this code.
import Vocabulary
#if canImport(Glibc)
import Glibc
#endif

/// Which logs a worker keeps and how; filled from the job by the Runner.
public struct WorkerLogSettings: Sendable, Equatable {
    public var latency = false
    public var completionLatency = false
    public var submissionLatency = false
    public var bandwidth = false
    public var iops = false
    public var histogram = false
    /// fio 3.33's disable_bw_measurement stops the per-I/O lines of the bandwidth log, not the averaged ones.
    public var bandwidthPerIO = true
    /// `log_avg_msec`.
    public var averageMs: UInt64 = 0
    /// `log_max_value`.
    public var logsMaximum = false
    public var histogramMs: UInt64 = 0
    public var histogramCoarseness = 0
    /// `clat_percentiles`: fio's histogram bins are filled only with it.
    public var histogramCounts = true
    /// `log_unix_epoch`/`log_alternate_epoch`: times are this clock's ms (clock_gettime's id) at the epoch plus
    /// the ms since; nil: ms since the epoch.
    public var epochClock: Int32?
    /// First chunk of a per-I/O log, in lines (more are added as needed).
    public var expectedIOs = 4096
    public init() {}
}

/// One worker's logs. Times are ms since the epoch `start` sets (fio's td->epoch: when measuring starts, and
/// again at the end of ramp_time). With log_avg_msec, the bandwidth and IOPS logs take one line per direction
/// that moved data every log_avg_msec, as fio's helper thread does; here the first completion after each
/// interval's end closes it (the slow path), so an idle worker's next line spans the whole gap.
public final class WorkerLogs {
    public let settings: WorkerLogSettings
    public let latency: SampleLog?
    public let completionLatency: SampleLog?
    public let submissionLatency: SampleLog?
    public let bandwidth: SampleLog?
    public let iops: SampleLog?
    public let histogram: LatencyHistogramLog?
    @usableFromInline var epochNs: UInt64 = 0
    /// What the files add to every time: `epochClock`'s ms at the epoch (fio's alternate_epoch), else 0.
    public private(set) var timeOffsetMs: UInt64 = 0
    /// bw/iops lines per I/O (log_avg_msec=0), or per interval.
    @usableFromInline let bandwidthPerIO: Bool
    @usableFromInline let iopsPerIO: Bool
    @usableFromInline let intervalNs: UInt64
    @usableFromInline var nextIntervalNs: UInt64 = .max
    @usableFromInline var intervalStartNs: UInt64 = 0
    @usableFromInline var bytes = InlineArray<2, UInt64>(repeating: 0)
    @usableFromInline var ios = InlineArray<2, UInt64>(repeating: 0)

    public init(_ settings: WorkerLogSettings) {
        self.settings = settings
        let s = settings
        func log(_ on: Bool, perIO: Bool = true) -> SampleLog? {
            on
                ? SampleLog(
                    averageMs: s.averageMs, logsMaximum: s.logsMaximum, initialCapacity: perIO ? s.expectedIOs : 64)
                : nil
        }
        latency = log(s.latency)
        completionLatency = log(s.completionLatency)
        submissionLatency = log(s.submissionLatency)
        // Interval lines are computed here, already averaged: their log keeps no windows of its own.
        bandwidth =
            s.bandwidth
            ? SampleLog(averageMs: 0, logsMaximum: false, initialCapacity: s.averageMs == 0 ? s.expectedIOs : 256) : nil
        iops =
            s.iops
            ? SampleLog(averageMs: 0, logsMaximum: false, initialCapacity: s.averageMs == 0 ? s.expectedIOs : 256) : nil
        histogram =
            s.histogram
            ? LatencyHistogramLog(
                intervalMs: s.histogramMs, coarseness: s.histogramCoarseness, countsLatencies: s.histogramCounts)
            : nil
        bandwidthPerIO = s.bandwidth && s.averageMs == 0 && s.bandwidthPerIO
        iopsPerIO = s.iops && s.averageMs == 0
        intervalNs = (s.bandwidth || s.iops) && s.averageMs > 0 ? s.averageMs * 1_000_000 : 0
    }

    /// A new epoch: measuring starts, or starts again after ramp_time; what was logged before is dropped.
    public func start(atNs now: UInt64) {
        epochNs = now
        if let clock = settings.epochClock {
            var ts = timespec()
            timeOffsetMs =
                clock_gettime(clockid_t(clock), &ts) == 0
                ? UInt64(ts.tv_sec) * 1000 + UInt64(ts.tv_nsec) / 1_000_000 : 0
        }
        for log in [latency, completionLatency, submissionLatency, bandwidth, iops] { log?.reset() }
        histogram?.reset()
        intervalStartNs = now
        nextIntervalNs = intervalNs > 0 ? now &+ intervalNs : .max
        bytes = InlineArray(repeating: 0)
        ios = InlineArray(repeating: 0)
    }

    /// The worker stopped: open latency windows become lines, as fio's finalize_logs does for them (the
    /// bandwidth and IOPS intervals still open are dropped, as fio's helper thread drops them).
    public func finish(atNs now: UInt64) {
        let ms = now > epochNs ? (now - epochNs) / 1_000_000 : 0
        for log in [latency, completionLatency, submissionLatency] { log?.closeWindows(atMs: ms) }
    }

    /// A read or write that transferred `length` bytes (failed I/Os are not logged, as in fio).
    @inlinable @inline(__always)
    public func completed(
        _ direction: IODirection, length: Int, offset: UInt64, issueNs: UInt64, submitNs: UInt64, completeNs: UInt64
    ) {
        let ms = completeNs > epochNs ? (completeNs &- epochNs) / 1_000_000 : 0
        let d = UInt8(truncatingIfNeeded: direction.rawValue)
        let bs = UInt32(truncatingIfNeeded: length)
        let clat = completeNs > submitNs ? completeNs &- submitNs : 0
        if let log = latency {
            let lat = completeNs > issueNs ? completeNs &- issueNs : 0
            log.add(timeMs: ms, value: lat, direction: d, length: bs, offset: offset)
        }
        if let log = completionLatency { log.add(timeMs: ms, value: clat, direction: d, length: bs, offset: offset) }
        if let log = histogram { log.add(timeMs: ms, latencyNs: clat, direction: d, length: bs) }
        if bandwidthPerIO {
            // fio's add_bw_sample: bytes × 10^6 / clat in ns.
            let rate = clat > 0 ? UInt64(length) &* 1_000_000 / clat : 0
            bandwidth.unsafelyUnwrapped.add(timeMs: ms, value: rate, direction: d, length: bs, offset: offset)
        }
        if iopsPerIO { iops.unsafelyUnwrapped.add(timeMs: ms, value: 1, direction: d, length: bs, offset: offset) }
        if intervalNs > 0 {
            bytes[Int(d & 1)] &+= UInt64(length)
            ios[Int(d & 1)] &+= 1
            if _slowPath(completeNs >= nextIntervalNs) { closeInterval(atNs: completeNs) }
        }
    }

    /// An I/O handed to the kernel by an engine that queues: its submission latency (fio logs slat then).
    @inlinable @inline(__always)
    public func submitted(_ direction: IODirection, length: Int, offset: UInt64, issueNs: UInt64, submitNs: UInt64) {
        guard let log = submissionLatency else { return }
        let ms = submitNs > epochNs ? (submitNs &- epochNs) / 1_000_000 : 0
        log.add(
            timeMs: ms, value: submitNs > issueNs ? submitNs &- issueNs : 0,
            direction: UInt8(truncatingIfNeeded: direction.rawValue), length: UInt32(truncatingIfNeeded: length),
            offset: offset)
    }

    /// log_avg_msec for bw/iops: one line per direction that moved data since the last interval, in KiB/s and
    /// I/Os per second over the time that really passed (block size 0 and offset 0, as fio writes them).
    @usableFromInline @inline(never)
    func closeInterval(atNs now: UInt64) {
        let spent = Double(now - intervalStartNs) / 1e9
        let ms = (now - epochNs) / 1_000_000
        for d in 0..<2 where bytes[d] > 0 {
            bandwidth?.add(
                timeMs: ms, value: UInt64(Double(bytes[d]) / spent / 1024), direction: UInt8(d), length: 0, offset: 0)
            iops?.add(timeMs: ms, value: UInt64(Double(ios[d]) / spent), direction: UInt8(d), length: 0, offset: 0)
        }
        bytes = InlineArray(repeating: 0)
        ios = InlineArray(repeating: 0)
        intervalStartNs = now
        // The next interval ends on the next multiple of log_avg_msec after the epoch, as fio keeps its samples.
        nextIntervalNs = epochNs &+ ((now - epochNs) / intervalNs + 1) &* intervalNs
    }
}
