import Foundation
import Testing
@testable import Report

/// Deterministic samples for the checks against scipy (a splitmix64 stream, so any failure replays).
struct SampleStream {
    var state: UInt64
    mutating func next() -> Double {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        z ^= z >> 31
        return Double(z >> 11) / Double(1 << 53)
    }
    /// Skewed like benchmark figures: a base value with an exponential tail.
    mutating func sample(_ count: Int, base: Double, spread: Double) -> [Double] {
        (0..<count).map { _ in (base - spread * log(1 - next()) * 10).rounded() / 10 }
    }
}

@Suite struct StatisticsTests {
    @Test func medianOfOddAndEvenSamples() {
        #expect(Statistics.median([3, 1, 2]) == 2)
        #expect(Statistics.median([4, 1, 3, 2]) == 2.5)
        #expect(Statistics.median([]).isNaN)
    }

    @Test func medianIntervalIsMinToMaxBelowSixValuesWithItsRealCoverage() {
        let m = Statistics.medianInterval([12, 10, 11])
        #expect(m.median == 11)
        #expect(m.lower == 10 && m.upper == 12)
        #expect(abs(m.confidence - 0.75) < 1e-12)  // 1 − 2·(1/2)³
        let single = Statistics.medianInterval([5])
        #expect(single.lower == 5 && single.upper == 5 && single.confidence == 0)
    }

    @Test(.enabled("needs python3 with scipy") { await pythonHas(["scipy"]) })
    func medianIntervalOrderStatisticsMatchTheBinomialFromScipy() async throws {
        for n in [6, 7, 10, 15, 25, 40] {
            let values = (1...n).map(Double.init).reversed()
            let m = Statistics.medianInterval(Array(values))
            // scipy: the largest k with 1 − 2·P(Bin(n, ½) ≤ k−1) ≥ 0.95, and that coverage.
            let out = try await python(
                """
                import sys
                from scipy.stats import binom
                n = int(sys.argv[1])
                best = None
                for k in range(1, (n + 1) // 2 + 1):
                    cov = 1 - 2 * binom.cdf(k - 1, n, 0.5)
                    if cov >= 0.95: best = (k, cov)
                print(best[0], float(best[1]))
                """, ["\(n)"]
            ).numbers()
            let k = Int(out[0]), coverage = out[1]
            #expect(m.lower == Double(k), "n=\(n)")
            #expect(m.upper == Double(n + 1 - k), "n=\(n)")
            #expect(abs(m.confidence - coverage) < 1e-9, "n=\(n)")
        }
    }

    @Test(.enabled("needs python3 with scipy") { await pythonHas(["scipy"]) })
    func mannWhitneyPValuesMatchScipy() async throws {
        var stream = SampleStream(state: 42)
        var cases: [([Double], [Double])] = [
            ([1, 2, 3], [4, 5, 6]),  // complete separation, 3 vs 3
            ([10, 12, 11, 13, 9], [8, 9.5, 7, 10.5, 6]),
            ([5, 5, 6, 7], [5, 6, 6, 8, 9]),  // ties: the normal approximation with corrections
        ]
        for (m, n) in [(4, 4), (5, 7), (8, 6), (12, 15), (30, 25)] {
            let x = stream.sample(m, base: 100, spread: 5)
            let y = stream.sample(n, base: 103, spread: 5)
            cases.append((x, y))
        }
        for (x, y) in cases {
            let ours = Statistics.mannWhitney(x, y)
            let method = ours.exact ? "exact" : "asymptotic"
            let out = try await python(
                """
                import sys, json
                from scipy.stats import mannwhitneyu
                x = json.loads(sys.argv[1]); y = json.loads(sys.argv[2]); m = sys.argv[3]
                r = [mannwhitneyu(x, y, alternative=a, method=m) for a in ("greater", "less", "two-sided")]
                print(float(r[0].statistic), float(r[0].pvalue), float(r[1].pvalue), float(r[2].pvalue))
                """, [json(x), json(y), method]
            ).numbers()
            #expect(ours.u == out[0], "U for \(x) vs \(y)")
            #expect(abs(ours.pGreater - out[1]) < 1e-9, "greater, \(method): \(x) vs \(y)")
            #expect(abs(ours.pLess - out[2]) < 1e-9, "less, \(method): \(x) vs \(y)")
            #expect(abs(ours.pTwoSided - out[3]) < 1e-9, "two-sided, \(method): \(x) vs \(y)")
        }
    }

    /// The Hodges-Lehmann shift and its interval, against an independent computation: numpy's median of the
    /// pairwise differences, and the null distribution of U counted by enumerating every split of the pooled
    /// ranks (not the recurrence the code uses).
    @Test(.enabled("needs python3 with numpy") { await pythonHas(["numpy"]) })
    func hodgesLehmannShiftAndIntervalMatchBruteForce() async throws {
        var stream = SampleStream(state: 7)
        for (m, n) in [(3, 3), (4, 5), (5, 5), (6, 4), (7, 7)] {
            let x = stream.sample(m, base: 1000, spread: 40)
            let y = stream.sample(n, base: 900, spread: 40)
            let ours = Statistics.hodgesLehmannShift(from: x, to: y)
            let out = try await python(
                """
                import sys, json, itertools
                import numpy as np
                x = json.loads(sys.argv[1]); y = json.loads(sys.argv[2]); m, n = len(x), len(y)
                d = sorted(b - a for a in x for b in y)
                counts = [0] * (m * n + 1)
                for xs in itertools.combinations(range(m + n), m):
                    u = sum(1 for i in xs for j in set(range(m + n)) - set(xs) if i > j)
                    counts[u] += 1
                total = sum(counts)
                cdf = lambda c: sum(counts[:c + 1]) / total if c >= 0 else 0.0
                k, cov = 1, 1 - 2 * cdf(0)
                while k + 1 <= (m * n + 1) // 2 and 1 - 2 * cdf(k) >= 0.95:
                    k += 1; cov = 1 - 2 * cdf(k - 1)
                print(float(np.median(d)), float(d[k - 1]), float(d[m * n - k]), float(cov))
                """, [json(x), json(y)]
            ).numbers()
            #expect(abs(ours.estimate - out[0]) < 1e-9, "\(m) vs \(n)")
            #expect(ours.lower == out[1], "\(m) vs \(n)")
            #expect(ours.upper == out[2], "\(m) vs \(n)")
            #expect(abs(ours.confidence - out[3]) < 1e-9, "\(m) vs \(n)")
        }
    }

    @Test func smallestPossiblePIsOneOverTheNumberOfSplits() {
        #expect(abs(Statistics.smallestOneSidedP(3, 3) - 1.0 / 20) < 1e-15)
        #expect(abs(Statistics.smallestOneSidedP(1, 5) - 1.0 / 6) < 1e-15)
        #expect(abs(Statistics.smallestOneSidedP(5, 5) - 1.0 / 252) < 1e-15)
    }

    // MARK: verdicts

    @Test func identicalSamplesAreNoChange() throws {
        let values = [1000.0, 1010, 990, 1005, 995]
        for id in ["read.iops", "read.clat_p99", "cpu_per_io"] {
            let outcome = try #require(
                DiffAnalysis.compare(metric: id, baseline: values, candidate: values, options: DiffOptions()))
            #expect(outcome.verdict == .noChange, "\(id)")
            #expect(outcome.shift == 0)
            #expect(outcome.changePercent == 0)
            #expect(
                try #require(outcome.lowerPercent) < 0 && (outcome.upperPercent ?? 0) > 0, "the interval straddles 0")
        }
        let constant = [7.0, 7, 7]
        let flat = try #require(
            DiffAnalysis.compare(metric: "read.iops", baseline: constant, candidate: constant, options: DiffOptions()))
        #expect(flat.verdict == .noChange)
        #expect(flat.lowerPercent == 0 && flat.upperPercent == 0)
    }

    @Test func slowerIOPSAreARegressionWithTheRightSignAndASensibleInterval() throws {
        let baseline = [1000.0, 1012, 991, 1006, 995, 1003]
        let candidate = baseline.map { $0 * 0.8 }  // 20 % fewer IOPS
        let outcome = try #require(
            DiffAnalysis.compare(metric: "read.iops", baseline: baseline, candidate: candidate, options: DiffOptions()))
        #expect(outcome.verdict == .regression)
        let change = try #require(outcome.changePercent), lo = try #require(outcome.lowerPercent),
            hi = try #require(outcome.upperPercent)
        #expect(abs(change - -20) < 0.5)
        #expect(lo <= change && change <= hi)
        #expect(lo > -25 && hi < -15, "interval [\(lo), \(hi)] should hug −20 %")
        #expect(try #require(outcome.p) < 0.01)
        #expect(outcome.confidence ?? 0 >= 0.95)

        // The same shift the other way is an improvement.
        let better = try #require(
            DiffAnalysis.compare(metric: "read.iops", baseline: candidate, candidate: baseline, options: DiffOptions()))
        #expect(better.verdict == .improvement)
        #expect(try #require(better.changePercent) > 20)
    }

    @Test func higherLatencyIsARegressionAndLowerAnImprovement() throws {
        let baseline = [200.0, 210, 190, 205, 195]
        let slower = baseline.map { $0 * 1.3 }
        let up = try #require(
            DiffAnalysis.compare(
                metric: "write.clat_p99", baseline: baseline, candidate: slower, options: DiffOptions()))
        #expect(up.verdict == .regression)
        #expect(try #require(up.changePercent) > 25)
        let down = try #require(
            DiffAnalysis.compare(
                metric: "write.clat_p99", baseline: slower, candidate: baseline, options: DiffOptions()))
        #expect(down.verdict == .improvement)
    }

    @Test func aSignificantChangeWithinTheThresholdIsNoChange() throws {
        let baseline = [1000.0, 1001, 1002, 1003, 1004]
        let candidate = baseline.map { $0 * 0.98 }  // certain, but only 2 %
        let outcome = try #require(
            DiffAnalysis.compare(
                metric: "read.iops", baseline: baseline, candidate: candidate, options: DiffOptions(thresholdPercent: 5)
            ))
        #expect(outcome.verdict == .noChange)
        #expect(outcome.reason.contains("within"))
        let strict = try #require(
            DiffAnalysis.compare(
                metric: "read.iops", baseline: baseline, candidate: candidate, options: DiffOptions(thresholdPercent: 1)
            ))
        #expect(strict.verdict == .regression)
    }

    @Test func overlappingSamplesAreNotSignificant() throws {
        let baseline = [1000.0, 700, 1300, 900, 1100]
        let candidate = [950.0, 650, 1250, 850, 1050]  // −5 % typical, lost in the spread
        let outcome = try #require(
            DiffAnalysis.compare(
                metric: "read.iops", baseline: baseline, candidate: candidate, options: DiffOptions(thresholdPercent: 1)
            ))
        #expect(outcome.verdict == .noChange)
        #expect(outcome.reason.contains("not significant"))
    }

    @Test func singleRunsCompareValuesAgainstTheThresholdOnly() throws {
        let worse = try #require(
            DiffAnalysis.compare(metric: "read.iops", baseline: [1000], candidate: [900], options: DiffOptions()))
        #expect(worse.verdict == .regression)
        #expect(worse.p == nil)
        #expect(worse.reason.contains("no statistics possible"))
        let small = try #require(
            DiffAnalysis.compare(metric: "read.iops", baseline: [1000], candidate: [970], options: DiffOptions()))
        #expect(small.verdict == .noChange)
        // 2 against 3 can't reach p ≤ 0.05 (best 0.1): also point values, and the row says why.
        let few = try #require(
            DiffAnalysis.compare(
                metric: "read.iops", baseline: [1000, 1001], candidate: [500, 501, 502], options: DiffOptions()))
        #expect(few.verdict == .regression)
        #expect(few.reason.contains("best possible p = 0.1"))
        // One new run inside the baseline's range is not a regression, however far from its median.
        let inside = try #require(
            DiffAnalysis.compare(
                metric: "read.iops", baseline: [1000, 800, 1100, 1050, 990], candidate: [850], options: DiffOptions()))
        #expect(inside.verdict == .noChange)
        #expect(inside.reason.contains("overlap"))
        let below = try #require(
            DiffAnalysis.compare(
                metric: "read.iops", baseline: [1000, 800, 1100, 1050, 990], candidate: [700], options: DiffOptions()))
        #expect(below.verdict == .regression)
    }

    @Test func metricSelectionMatchesIdsDirectionsAndFigures() {
        let ids = CompareMetrics.all.map(\.id)
        #expect(ids.filter(DiffOptions(metrics: ["iops"]).judges) == ["read.iops", "write.iops", "trim.iops"])
        #expect(ids.filter(DiffOptions(metrics: ["read"]).judges).count == 5)
        #expect(
            ids.filter(DiffOptions(metrics: ["write.clat_p99", "cpu_per_io"]).judges) == [
                "write.clat_p99", "cpu_per_io",
            ])
        #expect(
            ids.filter(DiffOptions(metrics: ["clat_p99"]).judges) == [
                "read.clat_p99", "write.clat_p99", "trim.clat_p99",
            ])
        #expect(ids.filter(DiffOptions().judges) == ids)
    }

    @Test func countsWithoutADirectionAreChangedNeverRegressed() throws {
        let outcome = try #require(
            DiffAnalysis.compare(
                metric: "zfs.direct", baseline: [0, 0, 0], candidate: [500, 510, 505], options: DiffOptions()))
        #expect(outcome.verdict == .changed)
        #expect(outcome.changePercent == nil, "no percentage of a zero baseline")
    }
}

func json(_ values: [Double]) -> String { "[" + values.map { "\($0)" }.joined(separator: ",") + "]" }

extension String {
    /// The whitespace-separated numbers of a script's output; throws on anything else.
    func numbers() throws -> [Double] {
        try split(whereSeparator: { $0 == " " || $0 == "\n" }).map { word in
            guard let v = Double(word) else { throw ScriptFailure(message: "not a number: '\(word)' in '\(self)'") }
            return v
        }
    }
}
