// fio's latency_target family (HOWTO "latency_target"; io_u.c lat_target_*): search for the deepest queue
// whose I/Os still meet a latency target.

/// `latency_target`, `latency_window`, `latency_percentile`, `latency_run`.
public struct LatencyTarget: Codable, Sendable, Equatable {
    /// `latency_target`: an I/O's total latency (issue to completion) must stay within this; 0: no search.
    public var targetNs: UInt64 = 0
    /// `latency_window`: how long each depth is tried before it is judged.
    public var windowNs: UInt64 = 0
    /// `latency_percentile`: the share of a window's I/Os that must meet the target. At 100 a single late
    /// I/O halves the depth at once, and fails the job at depth 1 (fio's rule).
    public var percentile: Double = 100
    /// `latency_run`: keep searching for the whole run instead of stopping at the depth found.
    public var keepSearching = false
    public init() {}
}
