// Deterministic test data: a small xorshift generator, so failures reproduce.
struct XorShift {
    var state: UInt64
    init(seed: UInt64) { state = seed == 0 ? 0x9E37_79B9_7F4A_7C15 : seed }
    mutating func next() -> UInt64 {
        state ^= state << 13
        state ^= state >> 7
        state ^= state << 17
        return state
    }
    /// Latency-like values: mostly 10–60 µs, a tail to tens of ms.
    mutating func latency() -> UInt64 {
        let r = next()
        let base = 10_000 + r % 50_000
        return r >> 58 == 0 ? base * (1 + (r >> 20) % 500) : base
    }
}

/// Exact nearest-rank percentile of sorted data: the smallest value with at least p % at or below it.
func exactPercentile(_ sorted: [UInt64], _ p: Double) -> UInt64 {
    let rank = max(1, Int((p / 100 * Double(sorted.count)).rounded(.up)))
    return sorted[min(sorted.count, rank) - 1]
}
