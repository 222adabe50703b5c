import Foundation
import JobFile
import Stats

/// fio's steady-state detection for one `jobs[]` entry (a worker, or a group with group_reporting), as
/// steadystate.c does it: one sample a second of the entry's IOPS and bytes/s, begun one second after
/// `ss_ramp`; once the window holds `ss_dur` samples, each new one judges the window by its least-squares slope
/// or its largest deviation from the mean. The first window that meets the limit ends the entry's workers.
struct SteadyStateTracker {
    let criterion: SteadyStateCriterion
    let duration: Int
    let rampNs: UInt64
    private(set) var iops: [UInt64]
    private(set) var bw: [UInt64]
    private var head = 0
    private var tail = 0
    private var full = false
    private(set) var attained = false
    private(set) var slope = 0.0
    private(set) var deviation = 0.0
    private(set) var value = 0.0
    private var rampOver: Bool
    private var previous: (bytes: UInt64, ios: UInt64, ns: UInt64)

    init(options: SteadyStateOptions, startNs: UInt64) {
        criterion = options.criterion
        duration = max(1, Int(options.durationNs / 1_000_000_000))
        rampNs = options.rampNs
        iops = Array(repeating: 0, count: duration)
        bw = Array(repeating: 0, count: duration)
        rampOver = options.rampNs == 0
        previous = (0, 0, startNs)
    }

    /// Takes the entry's running totals at `nowNs` (the job started at `startNs`); true once attained.
    mutating func sample(bytes: UInt64, ios: UInt64, nowNs: UInt64, startNs: UInt64) -> Bool {
        guard !attained else { return true }
        if !rampOver && nowNs &- startNs >= rampNs + 1_000_000_000 { rampOver = true }
        let elapsedMs = max(1, (nowNs &- previous.ns) / 1_000_000)
        let rates = (bytes: 1000 * (bytes &- previous.bytes) / elapsedMs, ios: 1000 * (ios &- previous.ios) / elapsedMs)
        previous = (bytes, ios, nowNs)
        guard rampOver else { return false }
        bw[tail] = rates.bytes
        iops[tail] = rates.ios
        if full || tail - head == duration - 1 {
            full = true
            judge()
            if attained { return true }
        }
        tail = (tail + 1) % duration
        if tail <= head { head = (head + 1) % duration }
        return false
    }

    /// The window, oldest first.
    private var window: [Double] {
        let series = criterion.series == .iops ? iops : bw
        return (0..<duration).map { Double(series[(head + $0) % duration]) }
    }

    private mutating func judge() {
        let ys = window
        let n = Double(duration)
        let mean = ys.reduce(0, +) / n
        if criterion.slope {
            let sumX = n * (n - 1) / 2
            let sumXSquared = (n - 1) * n * (2 * n - 1) / 6
            let sumXY = ys.enumerated().reduce(0.0) { $0 + Double($1.offset) * $1.element }
            let sumY = mean * n
            slope = (sumXY - sumX * sumY / n) / (sumXSquared - sumX * sumX / n)
            value = criterion.percent ? 100 * slope / mean : slope
            attained = abs(value) < criterion.limit
        } else {
            deviation = ys.map { abs($0 - mean) }.max() ?? 0
            value = criterion.percent ? 100 * deviation / mean : deviation
            attained = value < criterion.limit
        }
    }

    /// fio's `steadystate` block: the window from its oldest sample (stat.c: one before `head` when the window
    /// is full and not attained, since `head` then already points past the oldest).
    var report: SteadyStateReport {
        let start = attained || !full ? head : (head == 0 ? duration - 1 : head - 1)
        let order = (0..<duration).map { (start + $0) % duration }
        let percent = criterion.percent ? "%" : ""
        return SteadyStateReport(
            ss: criterion.name + ":" + String(format: "%f", criterion.limit) + percent, duration: duration,
            attained: attained, criterion: String(format: "%f", value) + percent, maxDeviation: deviation,
            slope: slope,
            data: .init(
                bwMean: bw.reduce(0, +) / UInt64(duration), iopsMean: iops.reduce(0, +) / UInt64(duration),
                iops: order.map { iops[$0] }, bw: order.map { bw[$0] }))
    }
}
