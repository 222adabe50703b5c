/// Counters and latency histograms of one data direction of one worker.
public struct DirectionStats: Sendable, Equatable {
    /// Completed I/Os (fio `total_ios`); failed I/Os are in `errors`, not here.
    public var ios: UInt64 = 0
    /// Bytes transferred (fio `io_bytes`).
    public var bytes: UInt64 = 0
    /// Completions that moved fewer bytes than asked (fio `short_ios`).
    public var shortIOs: UInt64 = 0
    /// I/Os abandoned in flight when the job stopped (fio `drop_ios`).
    public var droppedIOs: UInt64 = 0
    /// Failed completions (negative result).
    public var errors: UInt64 = 0
    /// Submission latency: prepared → handed to the kernel (asynchronous engines only).
    public var slat = LatencyHistogram()
    /// Completion latency: handed to the kernel → completion seen.
    public var clat = LatencyHistogram()
    /// Total latency: prepared → completion seen.
    public var lat = LatencyHistogram()
    /// Wall time the worker ran while doing this direction (fio `runtime`), set by `finish`.
    public var elapsedNs: UInt64 = 0
    /// Per-interval bandwidth samples in KiB/s (fio `bw_min` … `bw_samples`).
    public var bandwidthSamples = SampleStat()
    /// Per-interval IOPS samples (fio `iops_min` … `iops_samples`).
    public var iopsSamples = SampleStat()

    public init() {}

    @inlinable @inline(__always)
    public mutating func record(
        requested: Int, transferred: Int, issueNs: UInt64, submitNs: UInt64,
        completeNs: UInt64, withSubmissionLatency: Bool
    ) {
        ios &+= 1
        bytes &+= UInt64(truncatingIfNeeded: transferred)
        if transferred < requested { shortIOs &+= 1 }
        if withSubmissionLatency { slat.record(submitNs > issueNs ? submitNs &- issueNs : 0) }
        clat.record(completeNs > submitNs ? completeNs &- submitNs : 0)
        lat.record(completeNs > issueNs ? completeNs &- issueNs : 0)
    }

    /// Merges a concurrent worker (numjobs clone or group member): counts add, latencies pool,
    /// runtime is the longest, bw/iops sample stats add up as in fio's `group_reporting`.
    public mutating func merge(_ other: DirectionStats) {
        ios &+= other.ios
        bytes &+= other.bytes
        shortIOs &+= other.shortIOs
        droppedIOs &+= other.droppedIOs
        errors &+= other.errors
        slat.merge(other.slat)
        clat.merge(other.clat)
        lat.merge(other.lat)
        elapsedNs = Swift.max(elapsedNs, other.elapsedNs)
        bandwidthSamples.sumConcurrent(other.bandwidthSamples)
        iopsSamples.sumConcurrent(other.iopsSamples)
    }

    mutating func reset() { self = DirectionStats() }
}
