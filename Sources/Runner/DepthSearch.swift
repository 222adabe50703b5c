import JobFile

/// fio's latency_target search (io_u.c lat_target_*): the queue depth starts at 1 and doubles while a
/// window's I/Os meet the target, then bisects between the last depth that met it and the first that did
/// not. When a step lands on the depth it started from, the statistics restart for one last window at that
/// depth (unless `latency_run`), and the worker ends after it. Plain arithmetic, so it is tested without I/O.
public struct DepthSearch: Sendable {
    /// What the I/O loop must do after a step.
    public enum Step: Equatable, Sendable {
        case none
        /// The search settled: restart the statistics for the final window.
        case restartStats
        /// The final window is over: the worker is done.
        case done
        /// An I/O missed the target at depth 1 with latency_percentile=100: fio fails the job (ETIMEDOUT).
        case fail
    }

    /// The depth the loop may fill the queue to now (fio's latency_qd).
    public private(set) var depth: Int
    var high: Int
    var low = 1
    var stable = 0
    var windowStartNs: UInt64 = 0
    var completed: UInt64 = 0
    var windowStartIOs: UInt64 = 0
    var late: UInt64 = 0
    var finalWindow = false
    let maxDepth: Int
    let settings: LatencyTarget

    public init(_ settings: LatencyTarget, iodepth: Int) {
        self.settings = settings
        maxDepth = iodepth
        high = iodepth
        depth = settings.targetNs > 0 ? 1 : iodepth
    }

    public mutating func start(atNs now: UInt64) { windowStartNs = now }

    /// One I/O completed with total latency `latencyNs`; `judging` is false during ramp_time (fio does not
    /// judge windows then, but a late I/O still counts).
    public mutating func completed(latencyNs: UInt64, atNs now: UInt64, judging: Bool) -> Step {
        completed &+= 1
        if latencyNs > settings.targetNs {
            if settings.percentile == 100 {
                if depth == 1 { return .fail }
                rampDown(atNs: now)
            } else {
                late &+= 1
            }
        }
        guard judging, now &- windowStartNs >= settings.windowNs else { return .none }
        let ios = completed &- windowStartIOs
        let met = ios == 0 ? 100 : Double(ios &- late) / Double(ios) * 100
        if met >= settings.percentile { return rampUp(atNs: now) }
        if depth > 1 { rampDown(atNs: now) }
        return .none
    }

    /// fio's __lat_target_failed: the depth that failed becomes the ceiling; bisect down.
    mutating func rampDown(atNs now: UInt64) {
        high = depth
        if depth == low { low -= 1 }
        depth = (depth + low) / 2
        stable = 0
        newWindow(atNs: now)
    }

    /// fio's lat_target_success: double until a depth fails, then bisect up; a ceiling just above that
    /// keeps passing is raised by one every third window.
    mutating func rampUp(atNs now: UInt64) -> Step {
        let before = depth
        low = depth
        if depth + 1 == high {
            stable += 1
            if stable >= 3 {
                high += 1
                stable = 0
            }
        }
        depth = high != maxDepth ? (depth + high) / 2 : depth * 2
        depth = min(depth, maxDepth)
        var step = Step.none
        if !settings.keepSearching && depth == before {
            if finalWindow {
                step = .done
            } else {
                finalWindow = true
                step = .restartStats
            }
        }
        newWindow(atNs: now)
        return step
    }

    mutating func newWindow(atNs now: UInt64) {
        windowStartNs = now
        windowStartIOs = completed
        late = 0
    }
}
