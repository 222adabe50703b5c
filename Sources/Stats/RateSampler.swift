/// Bytes and I/Os done in one sampling interval, for time-series plots.
public struct RateSample: Sendable, Equatable, Codable {
    /// End of the interval, ns after the worker started measuring.
    public var atNs: UInt64
    /// Length of the interval in ns.
    public var spanNs: UInt64
    public var readBytes: UInt64, writeBytes: UInt64, trimBytes: UInt64
    public var readIOs: UInt64, writeIOs: UInt64, trimIOs: UInt64

    public init(
        atNs: UInt64, spanNs: UInt64, readBytes: UInt64 = 0, writeBytes: UInt64 = 0, trimBytes: UInt64 = 0,
        readIOs: UInt64 = 0, writeIOs: UInt64 = 0, trimIOs: UInt64 = 0
    ) {
        self.atNs = atNs; self.spanNs = spanNs
        self.readBytes = readBytes; self.writeBytes = writeBytes; self.trimBytes = trimBytes
        self.readIOs = readIOs; self.writeIOs = writeIOs; self.trimIOs = trimIOs
    }

    enum CodingKeys: String, CodingKey {
        case atNs = "at_ns", spanNs = "span_ns", readBytes = "read_bytes", writeBytes = "write_bytes"
        case trimBytes = "trim_bytes", readIOs = "read_ios", writeIOs = "write_ios", trimIOs = "trim_ios"
    }

    /// Adds a concurrent worker's interval with the same index.
    mutating func add(_ o: RateSample) {
        atNs = Swift.max(atNs, o.atNs); spanNs = Swift.max(spanNs, o.spanNs)
        readBytes &+= o.readBytes; writeBytes &+= o.writeBytes; trimBytes &+= o.trimBytes
        readIOs &+= o.readIOs; writeIOs &+= o.writeIOs; trimIOs &+= o.trimIOs
    }
}

/// Timing of fio-style bandwidth/IOPS sampling and of progress publication.
///
/// How it stays off the hot path: `WorkerStats.record` already has the completion time, so it
/// compares it with `nextEventNs` (one predictable branch, no clock read). When the time has come,
/// a non-inlined function takes the sample: for each direction with I/O in the interval it adds
/// bandwidth (KiB/s) and IOPS to that direction's `SampleStat`, as fio does every `bw_avg_time`
/// (500 ms), and appends one `RateSample` to a series preallocated at init (when it is full,
/// samples still feed the statistics and `droppedSeriesSamples` counts what the series missed).
/// Progress slots are published on the same schedule at their own, shorter interval.
/// A worker that completes nothing for a while takes its next sample at its next completion,
/// over the whole gap.
public struct RateSampler: Sendable {
    public let intervalNs: UInt64
    public let progressIntervalNs: UInt64
    public private(set) var startNs: UInt64 = 0
    @usableFromInline var nextEventNs: UInt64 = .max
    var nextSampleNs: UInt64 = .max
    var nextPublishNs: UInt64 = .max
    var lastSampleNs: UInt64 = 0
    var lastBytes = InlineArray<3, UInt64>(repeating: 0)
    var lastIOs = InlineArray<3, UInt64>(repeating: 0)
    public private(set) var series: ContiguousArray<RateSample> = []
    public let seriesCapacity: Int
    public private(set) var droppedSeriesSamples: Int = 0

    public init(intervalNs: UInt64, progressIntervalNs: UInt64, seriesCapacity: Int) {
        self.intervalNs = Swift.max(1, intervalNs)
        self.progressIntervalNs = Swift.max(1, progressIntervalNs)
        self.seriesCapacity = Swift.max(0, seriesCapacity)
        series.reserveCapacity(self.seriesCapacity)
    }

    mutating func start(atNs now: UInt64, publishing: Bool) {
        startNs = now
        lastSampleNs = now
        lastBytes = .init(repeating: 0)
        lastIOs = .init(repeating: 0)
        series.removeAll(keepingCapacity: true)
        droppedSeriesSamples = 0
        nextSampleNs = now &+ intervalNs
        nextPublishNs = publishing ? now &+ progressIntervalNs : .max
        nextEventNs = Swift.min(nextSampleNs, nextPublishNs)
    }

    mutating func stop() {
        nextSampleNs = .max; nextPublishNs = .max; nextEventNs = .max
    }

    /// Whether the interval has elapsed at `now`, and moves the deadline on if so.
    mutating func sampleDue(_ now: UInt64) -> Bool {
        guard now >= nextSampleNs else { return false }
        // Skip whole intervals that passed without a completion; the sample spans the gap.
        let behind = (now - nextSampleNs) / intervalNs
        nextSampleNs = nextSampleNs &+ (behind + 1) &* intervalNs
        nextEventNs = Swift.min(nextSampleNs, nextPublishNs)
        return true
    }

    mutating func publishDue(_ now: UInt64) -> Bool {
        guard now >= nextPublishNs else { return false }
        nextPublishNs = now &+ progressIntervalNs
        nextEventNs = Swift.min(nextSampleNs, nextPublishNs)
        return true
    }

    /// Closes the interval ending at `now` given the cumulative counters; returns per-direction
    /// (KiB/s, IOPS) for directions that moved data, nil for the others.
    mutating func closeInterval(at now: UInt64, bytes: InlineArray<3, UInt64>, ios: InlineArray<3, UInt64>)
        -> InlineArray<3, (kibPerSec: UInt64, iops: UInt64)?>
    {
        var rates = InlineArray<3, (kibPerSec: UInt64, iops: UInt64)?>(repeating: nil)
        let span = now &- lastSampleNs
        guard span > 0 else { return rates }
        var db = InlineArray<3, UInt64>(repeating: 0), di = InlineArray<3, UInt64>(repeating: 0)
        let seconds = Double(span) / 1e9
        for d in 0..<3 {
            db[d] = bytes[d] &- lastBytes[d]
            di[d] = ios[d] &- lastIOs[d]
            // fio takes no sample for a direction that moved nothing in the interval.
            if db[d] > 0 {
                rates[d] = (UInt64(Double(db[d]) / seconds / 1024), UInt64(Double(di[d]) / seconds))
            }
        }
        if series.count < seriesCapacity {
            series.append(
                RateSample(
                    atNs: now &- startNs, spanNs: span, readBytes: db[0], writeBytes: db[1],
                    trimBytes: db[2], readIOs: di[0], writeIOs: di[1], trimIOs: di[2]))
        } else {
            droppedSeriesSamples += 1
        }
        lastSampleNs = now
        lastBytes = bytes
        lastIOs = ios
        return rates
    }

    /// Concurrent workers: intervals with the same index add up (workers start within
    /// milliseconds of each other, so index i covers about the same time in each).
    mutating func merge(_ other: RateSampler) {
        for i in other.series.indices {
            if i < series.count {
                series[i].add(other.series[i])
            } else {
                series.append(other.series[i])
            }
        }
        droppedSeriesSamples = Swift.max(droppedSeriesSamples, other.droppedSeriesSamples)
    }
}
