import Testing
@testable import Stats

@Suite("LatencyHistogram")
struct LatencyHistogramTests {
    static let percentiles: [Double] = [
        1, 5, 10, 20, 30, 40, 50, 60, 70, 80, 90, 95, 99, 99.5, 99.9, 99.95, 99.99, 100,
    ]

    /// 3 significant digits: the reported value is the top of the bucket holding the exact
    /// percentile, so it is never below it and at most 1/1024 above it (plus 1 ns of rounding).
    func expectWithinPrecision(_ reported: UInt64, _ exact: UInt64, _ what: String) {
        #expect(reported >= exact, "\(what): \(reported) < exact \(exact)")
        #expect(reported <= exact + exact / 1024 + 1, "\(what): \(reported) more than 0.1% above exact \(exact)")
    }

    @Test func percentilesOfUniformDataMatchExactWithinOneThousandth() {
        var h = LatencyHistogram()
        let data = (1...100_000).map { UInt64($0) * 37 }  // 37 ns … 3.7 ms
        for v in data.reversed() { h.record(v) }
        let got = h.values(atPercentiles: Self.percentiles)
        for (p, v) in zip(Self.percentiles, got) {
            expectWithinPrecision(v, exactPercentile(data, p), "p\(p)")
        }
        #expect(h.count == 100_000)
        #expect(h.min == 37)
        #expect(h.max == 3_700_000)
    }

    @Test func percentilesOfSkewedDataMatchExactWithinOneThousandth() {
        var rng = XorShift(seed: 42)
        var h = LatencyHistogram()
        var data: [UInt64] = []
        for _ in 0..<200_000 {
            let v = rng.latency()
            data.append(v)
            h.record(v)
        }
        data.sort()
        // Percentiles in any order come back in the caller's order.
        let shuffled = Self.percentiles.reversed().map { $0 }
        for (p, v) in zip(shuffled, h.values(atPercentiles: shuffled)) {
            expectWithinPrecision(v, exactPercentile(data, p), "p\(p)")
        }
    }

    @Test func meanAndSampleStddevAreExact() {
        var rng = XorShift(seed: 7)
        var h = LatencyHistogram()
        var data: [Double] = []
        for _ in 0..<50_000 {
            let v = rng.latency()
            data.append(Double(v))
            h.record(v)
        }
        let mean = data.reduce(0, +) / Double(data.count)
        let variance = data.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(data.count - 1)
        #expect(abs(h.mean - mean) <= mean * 1e-12)
        #expect(abs(h.stddev - variance.squareRoot()) <= variance.squareRoot() * 1e-9)
    }

    @Test func coversOneNanosecondToOneHour() {
        let values: [UInt64] = [1, 2, 999, 1_000, 1_999_999, 1_000_000_000, 17_000_000_000, 3_600_000_000_000]
        var h = LatencyHistogram()
        for v in values { h.record(v) }
        #expect(h.min == 1)
        #expect(h.max == 3_600_000_000_000)
        #expect(h.value(atPercentile: 100) == 3_600_000_000_000)
        #expect(h.value(atPercentile: 0.0001) == 1)
        // Every value lands in its own bucket within 0.1 %: 17 s (beyond fio's ~17 s ceiling) too.
        let sorted = values.sorted()
        for (i, v) in sorted.enumerated() {
            let p = Double(i + 1) / Double(sorted.count) * 100
            expectWithinPrecision(h.value(atPercentile: p), v, "value \(v)")
        }
    }

    @Test func valuesAboveOneHourCountAsOneHour() {
        var h = LatencyHistogram()
        h.record(10)
        h.record(5_000_000_000_000)
        #expect(h.count == 2)
        #expect(h.max == LatencyHistogram.maxTrackableNs)
        #expect(h.mean == Double(10 + LatencyHistogram.maxTrackableNs) / 2)
    }

    @Test func zeroIsAValidLatency() {
        var h = LatencyHistogram()
        h.record(0)
        h.record(5)
        #expect(h.min == 0)
        #expect(h.max == 5)
        #expect(h.value(atPercentile: 50) == 0)
    }

    @Test func emptyHistogramReportsZeros() {
        let h = LatencyHistogram()
        #expect(h.count == 0 && h.min == 0 && h.max == 0 && h.mean == 0 && h.stddev == 0)
        #expect(h.values(atPercentiles: [50, 99]) == [0, 0])
        #expect(h.bins().isEmpty)
    }

    @Test func binsAccountForEveryValueNearItsBucket() {
        var rng = XorShift(seed: 99)
        var h = LatencyHistogram()
        var data: [UInt64] = []
        for _ in 0..<20_000 { let v = rng.latency(); data.append(v); h.record(v) }
        let bins = h.bins()
        #expect(bins.reduce(0) { $0 + $1.count } == 20_000)
        #expect(zip(bins, bins.dropFirst()).allSatisfy { $0.valueNs < $1.valueNs })
        // Each bin's representative is within 0.1 % of some recorded value.
        let set = Set(data)
        for b in bins.prefix(200) {
            let tolerance = b.valueNs / 1000 + 1
            #expect(set.contains { $0 + tolerance >= b.valueNs && $0 <= b.valueNs + tolerance })
        }
    }

    @Test func mergeEqualsRecordingEverythingInOne() {
        var rng = XorShift(seed: 1234)
        var all = LatencyHistogram()
        var parts = [LatencyHistogram(), LatencyHistogram(), LatencyHistogram()]
        for i in 0..<90_000 {
            let v = rng.latency()
            all.record(v)
            parts[i % 3].record(v)
        }
        var merged = parts[0]
        merged.merge(parts[1])
        merged.merge(parts[2])
        #expect(merged == all)
        #expect(merged.min == all.min && merged.max == all.max && merged.count == all.count)
        #expect(merged.mean == all.mean && merged.stddev == all.stddev)
        #expect(merged.values(atPercentiles: Self.percentiles) == all.values(atPercentiles: Self.percentiles))
        #expect(merged.bins().map(\.count) == all.bins().map(\.count))
    }

    @Test func resetForgetsEverything() {
        var h = LatencyHistogram()
        for v: UInt64 in 1...100 { h.record(v) }
        h.reset()
        #expect(h == LatencyHistogram())
    }
}
