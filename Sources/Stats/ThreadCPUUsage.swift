#if canImport(Glibc)
import Glibc
#endif

/// CPU time and scheduler counters of one worker thread, as fio reports them per job
/// (`usr_cpu`, `sys_cpu` as % of `job_runtime`, `ctx`, `majf`, `minf`).
public struct CPUUsage: Sendable, Equatable, Codable {
    public var userNs: UInt64 = 0
    public var systemNs: UInt64 = 0
    /// Voluntary plus involuntary context switches.
    public var contextSwitches: UInt64 = 0
    public var majorFaults: UInt64 = 0
    public var minorFaults: UInt64 = 0
    /// Wall time the thread ran: the denominator of the percentages.
    public var runtimeNs: UInt64 = 0

    public init() {}

    public var userPercent: Double { runtimeNs > 0 ? Double(userNs) * 100 / Double(runtimeNs) : 0 }
    public var systemPercent: Double { runtimeNs > 0 ? Double(systemNs) * 100 / Double(runtimeNs) : 0 }

    /// Workers of one group: times and counters add up, so the percentages are the group's average.
    public mutating func merge(_ other: CPUUsage) {
        userNs &+= other.userNs
        systemNs &+= other.systemNs
        contextSwitches &+= other.contextSwitches
        majorFaults &+= other.majorFaults
        minorFaults &+= other.minorFaults
        runtimeNs &+= other.runtimeNs
    }
}

/// A `getrusage(RUSAGE_THREAD)` reading of the calling thread. Take one when the worker starts
/// measuring and one when it ends, both on the worker's own thread.
public struct ThreadCPUSnapshot: Sendable, Equatable {
    public var userNs: UInt64
    public var systemNs: UInt64
    public var contextSwitches: UInt64
    public var majorFaults: UInt64
    public var minorFaults: UInt64

    public init(
        userNs: UInt64 = 0, systemNs: UInt64 = 0, contextSwitches: UInt64 = 0, majorFaults: UInt64 = 0,
        minorFaults: UInt64 = 0
    ) {
        self.userNs = userNs; self.systemNs = systemNs; self.contextSwitches = contextSwitches
        self.majorFaults = majorFaults; self.minorFaults = minorFaults
    }

    /// The calling thread's usage so far (zero where getrusage is unavailable).
    public static func current() -> ThreadCPUSnapshot {
        #if os(Linux)
        var ru = rusage()
        // RUSAGE_THREAD (1) is hidden behind _GNU_SOURCE in the Glibc module.
        guard getrusage(__rusage_who_t(1), &ru) == 0 else { return ThreadCPUSnapshot() }
        func ns(_ tv: timeval) -> UInt64 { UInt64(tv.tv_sec) * 1_000_000_000 + UInt64(tv.tv_usec) * 1_000 }
        return ThreadCPUSnapshot(
            userNs: ns(ru.ru_utime), systemNs: ns(ru.ru_stime),
            contextSwitches: UInt64(ru.ru_nvcsw + ru.ru_nivcsw),
            majorFaults: UInt64(ru.ru_majflt), minorFaults: UInt64(ru.ru_minflt))
        #else
        return ThreadCPUSnapshot()
        #endif
    }

    /// Usage between `start` and `self`, over `runtimeNs` of wall time.
    public func usage(since start: ThreadCPUSnapshot, runtimeNs: UInt64) -> CPUUsage {
        var u = CPUUsage()
        u.userNs = userNs &- start.userNs
        u.systemNs = systemNs &- start.systemNs
        u.contextSwitches = contextSwitches &- start.contextSwitches
        u.majorFaults = majorFaults &- start.majorFaults
        u.minorFaults = minorFaults &- start.minorFaults
        u.runtimeNs = runtimeNs
        return u
    }
}
