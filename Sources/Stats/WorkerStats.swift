/// How a worker's statistics are set up. Everything is allocated in `WorkerStats.init`.
import Vocabulary
public struct WorkerStatsConfig: Sendable {
    /// Record slat (asynchronous engines: io_uring). fio shows no slat for synchronous engines.
    public var recordsSubmissionLatency = false
    /// Bandwidth/IOPS sampling interval: fio's `bw_avg_time`/`iops_avg_time` default, 500 ms.
    public var sampleIntervalNs: UInt64 = 500_000_000
    /// Intervals kept for the time series (7200 × 500 ms = 1 hour); size it from the runtime.
    public var seriesCapacity = 7_200
    /// Failed I/Os kept with errno, offset and file.
    public var errorSampleCapacity = 8
    /// Live progress slot of this worker, published every `progressIntervalNs`.
    public var progress: ProgressSlot?
    public var progressIntervalNs: UInt64 = 100_000_000

    public init(recordsSubmissionLatency: Bool = false) {
        self.recordsSubmissionLatency = recordsSubmissionLatency
    }
}

/// Everything one worker thread measures. The worker owns it exclusively (no sharing, no locks)
/// and hands it back when done; workers are then merged per job or per group.
///
/// Per-I/O calls (`record`, `recordSync`, `depth.record…`) are `@inlinable` and do not allocate.
/// Call `start(atNs:)` when measuring begins (again at the end of `ramp_time`: it clears
/// everything) and `finish(atNs:)` when the worker stops, both on the worker's own thread
/// (they read the thread's CPU usage).
public struct WorkerStats: Sendable {
    public var read = DirectionStats()
    public var write = DirectionStats()
    public var trim = DirectionStats()
    /// fsync/fdatasync latency (fio's `sync` object).
    public var sync = LatencyHistogram()
    public var syncErrors: UInt64 = 0
    public var depth = IODepthCounts()
    public var errors: IOErrorLog
    public var cpu = CPUUsage()
    public var sampler: RateSampler
    /// Wall time from `start` to `finish` (fio `job_runtime`).
    public var runtimeNs: UInt64 = 0
    /// Workers merged into this one (fio's `jobs=` in the text header).
    public var members = 1
    /// latency_target: the depth the search ended at (fio's latency_depth); 0 without a target.
    public var latencyDepth = 0
    public let recordsSubmissionLatency: Bool
    public let progress: ProgressSlot?
    var cpuAtStart = ThreadCPUSnapshot()

    public init(_ config: WorkerStatsConfig = WorkerStatsConfig()) {
        recordsSubmissionLatency = config.recordsSubmissionLatency
        errors = IOErrorLog(sampleCapacity: config.errorSampleCapacity)
        sampler = RateSampler(
            intervalNs: config.sampleIntervalNs, progressIntervalNs: config.progressIntervalNs,
            seriesCapacity: config.seriesCapacity)
        progress = config.progress
    }

    public subscript(_ direction: IODirection) -> DirectionStats {
        @inline(__always) get {
            switch direction {
            case .read: return read
            case .write: return write
            case .trim: return trim
            }
        }
        @inline(__always) _modify {
            switch direction {
            case .read: yield &read
            case .write: yield &write
            case .trim: yield &trim
            }
        }
    }

    // MARK: Per I/O

    /// Accounts one completed read, write or trim.
    /// - Parameters:
    ///   - requested: bytes asked for; `result`: bytes done, or −errno.
    ///   - issueNs, submitNs, completeNs: monotonic ns when the I/O was prepared, handed to the
    ///     kernel, and seen complete (for synchronous engines issue and submit may be equal).
    @inlinable @inline(__always)
    public mutating func record(
        _ direction: IODirection, requested: Int, result: Int, offset: UInt64,
        fileIndex: Int32, issueNs: UInt64, submitNs: UInt64, completeNs: UInt64
    ) {
        if _fastPath(result >= 0) {
            self[direction].record(
                requested: requested, transferred: result, issueNs: issueNs, submitNs: submitNs,
                completeNs: completeNs, withSubmissionLatency: recordsSubmissionLatency)
        } else {
            recordFailure(
                direction, errno: Int32(truncatingIfNeeded: -result), offset: offset,
                length: UInt64(truncatingIfNeeded: requested), fileIndex: fileIndex, completeNs: completeNs)
        }
        if _slowPath(completeNs >= sampler.nextEventNs) { timedEvents(completeNs) }
    }

    /// Accounts one fsync/fdatasync (`result` 0, or −errno).
    @inlinable @inline(__always)
    public mutating func recordSync(result: Int, fileIndex: Int32, issueNs: UInt64, completeNs: UInt64) {
        if _fastPath(result >= 0) {
            sync.record(completeNs > issueNs ? completeNs &- issueNs : 0)
        } else {
            recordSyncFailure(errno: Int32(truncatingIfNeeded: -result), fileIndex: fileIndex, completeNs: completeNs)
        }
    }

    @inline(never) @usableFromInline
    mutating func recordFailure(
        _ direction: IODirection, errno: Int32, offset: UInt64, length: UInt64,
        fileIndex: Int32, completeNs: UInt64
    ) {
        self[direction].errors &+= 1
        errors.record(
            IOErrorSample(
                errno: errno, direction: direction, offset: offset, length: length,
                fileIndex: fileIndex, atNs: completeNs &- sampler.startNs))
    }

    @inline(never) @usableFromInline
    mutating func recordSyncFailure(errno: Int32, fileIndex: Int32, completeNs: UInt64) {
        syncErrors &+= 1
        errors.record(
            IOErrorSample(
                errno: errno, direction: nil, offset: 0, length: 0,
                fileIndex: fileIndex, atNs: completeNs &- sampler.startNs))
    }

    // MARK: Timed events (sampling, progress)

    @inline(never) @usableFromInline
    mutating func timedEvents(_ now: UInt64) {
        if sampler.sampleDue(now) { takeRateSample(at: now) }
        if sampler.publishDue(now) { publishProgress(at: now) }
    }

    var cumulativeBytes: InlineArray<3, UInt64> {
        var a = InlineArray<3, UInt64>(repeating: 0)
        a[0] = read.bytes; a[1] = write.bytes; a[2] = trim.bytes
        return a
    }

    var cumulativeIOs: InlineArray<3, UInt64> {
        var a = InlineArray<3, UInt64>(repeating: 0)
        a[0] = read.ios; a[1] = write.ios; a[2] = trim.ios
        return a
    }

    mutating func takeRateSample(at now: UInt64) {
        let rates = sampler.closeInterval(at: now, bytes: cumulativeBytes, ios: cumulativeIOs)
        for d in IODirection.allCases {
            if let r = rates[d.rawValue] {
                self[d].bandwidthSamples.add(r.kibPerSec)
                self[d].iopsSamples.add(r.iops)
            }
        }
    }

    /// Also called before a worker sleeps (thinktime), so a watcher sees what it did until then.
    public func publishProgress(at now: UInt64) {
        progress?.publish(bytes: (read.bytes, write.bytes, trim.bytes), ios: (read.ios, write.ios, trim.ios), atNs: now)
    }

    // MARK: Lifecycle

    /// Starts (or restarts, after `ramp_time`) measuring at monotonic `now`: clears all counts.
    public mutating func start(atNs now: UInt64) {
        read.reset(); write.reset(); trim.reset()
        sync.reset()
        syncErrors = 0
        depth = IODepthCounts()
        errors.reset()
        cpu = CPUUsage()
        runtimeNs = 0
        sampler.start(atNs: now, publishing: progress != nil)
        cpuAtStart = ThreadCPUSnapshot.current()
        progress?.setPhase(.running)
        publishProgress(at: now)
    }

    /// Stops measuring at monotonic `now`: sets runtimes and CPU usage, publishes final progress.
    public mutating func finish(atNs now: UInt64) {
        runtimeNs = now &- sampler.startNs
        cpu = ThreadCPUSnapshot.current().usage(since: cpuAtStart, runtimeNs: runtimeNs)
        for d in IODirection.allCases where self[d].ios > 0 || self[d].errors > 0 {
            self[d].elapsedNs = runtimeNs
        }
        sampler.stop()
        publishProgress(at: now)
        progress?.setPhase(.finished)
    }

    /// fio's `disable_slat`, `disable_clat` and `disable_lat`: the statistic is not kept, so it reports empty
    /// (clat takes the latency buckets and the sync latencies with it, as in fio).
    public mutating func discardLatencies(slat: Bool, clat: Bool, lat: Bool) {
        for d in IODirection.allCases {
            if slat { self[d].slat = LatencyHistogram() }
            if clat { self[d].clat = LatencyHistogram() }
            if lat { self[d].lat = LatencyHistogram() }
        }
        if clat { sync = LatencyHistogram() }
    }

    // MARK: Merging

    /// Adds a worker that ran alongside this one (a `numjobs` clone or a job of the same
    /// `group_reporting` group), as fio's `sum_thread_stats` does: counts and latencies add,
    /// runtimes take the longest, CPU times add (so CPU % is the group average), bw/iops
    /// sample statistics add up.
    public mutating func merge(_ other: WorkerStats) {
        read.merge(other.read)
        write.merge(other.write)
        trim.merge(other.trim)
        sync.merge(other.sync)
        syncErrors &+= other.syncErrors
        depth.merge(other.depth)
        errors.merge(other.errors)
        cpu.merge(other.cpu)
        sampler.merge(other.sampler)
        runtimeNs = Swift.max(runtimeNs, other.runtimeNs)
        members += other.members
    }

    /// All of `workers` merged into one (nil when empty).
    public static func merged(_ workers: [WorkerStats]) -> WorkerStats? {
        guard var first = workers.first else { return nil }
        for w in workers.dropFirst() { first.merge(w) }
        return first
    }
}
