import Foundation

// Why Mann-Whitney U with the Hodges-Lehmann shift (and not a t test or a bootstrap):
// - Benchmarks give 3–10 repetitions per side. The t test assumes normal data, which run times are not
//   (one noisy neighbour makes a long tail). A bootstrap of the median with so few values resamples the
//   same handful of numbers and its intervals are too narrow (Efron & Tibshirani 1993, ch. 13).
// - The U test is exact for small samples (its null distribution is counted, not approximated), needs only
//   that runs are independent, and says how likely "every candidate run is slower than every baseline run"
//   is by chance: 1/C(m+n, m), 0.05 for 3 against 3.
// - Its companion estimate, the Hodges-Lehmann shift (the median of all candidate − baseline differences),
//   comes with an exact distribution-free interval built from the same null distribution (Moses 1965;
//   Hollander, Wolfe & Chicken, "Nonparametric Statistical Methods", 3rd ed., §4.3), so the test, the
//   effect size and its interval always agree.
// p-values match scipy.stats.mannwhitneyu (method "exact" without ties; "asymptotic" with the tie and
// continuity corrections when there are ties); the tests check that against the installed scipy.

/// The outcome of a two-sample Mann-Whitney U test of `x` against `y`.
public struct MannWhitneyResult: Sendable, Equatable, Codable {
    /// U of x: pairs with x > y, ties counting ½ (scipy's U1).
    public var u: Double
    /// P-value that x tends to be greater than y.
    public var pGreater: Double
    /// P-value that x tends to be less than y.
    public var pLess: Double
    public var pTwoSided: Double
    /// True when the null distribution was counted exactly (no ties, moderate sizes).
    public var exact: Bool
}

/// The Hodges-Lehmann estimate of how much `y` is shifted from `x`, with its interval.
public struct ShiftEstimate: Sendable, Equatable, Codable {
    /// Median of all y_j − x_i.
    public var estimate: Double
    public var lower: Double
    public var upper: Double
    /// Coverage the interval really has (3 against 3 reaches 90 % at most).
    public var confidence: Double
}

extension Statistics {
    /// Exact counting is used up to this many pairs; beyond, the normal approximation is excellent.
    static let exactPairLimit = 2_500

    /// Mann-Whitney U test of x against y.
    public static func mannWhitney(_ x: [Double], _ y: [Double]) -> MannWhitneyResult {
        let m = x.count, n = y.count
        precondition(m > 0 && n > 0, "both samples need values")
        var u = 0.0
        for a in x { for b in y { u += a > b ? 1 : a == b ? 0.5 : 0 } }
        let all = (x + y).sorted()
        let tieGroups = Dictionary(grouping: all, by: { $0 }).values.map(\.count).filter { $0 > 1 }
        if tieGroups.isEmpty, m * n <= exactPairLimit {
            let counts = uDistribution(m: m, n: n)
            let total = counts.reduce(0, +)
            let k = Int(u)  // integral without ties
            let atMost = counts[0...k].reduce(0, +) / total
            let atLeast = counts[k...].reduce(0, +) / total
            return MannWhitneyResult(
                u: u, pGreater: atLeast, pLess: atMost,
                pTwoSided: min(1, 2 * min(atLeast, atMost)), exact: true)
        }
        // Normal approximation with the tie correction of the variance and a continuity correction of ½.
        let mu = Double(m * n) / 2
        let total = Double(m + n)
        let tieTerm = tieGroups.reduce(0.0) { $0 + pow(Double($1), 3) - Double($1) }
        let variance = Double(m * n) / 12 * ((total + 1) - tieTerm / (total * (total - 1)))
        guard variance > 0 else {  // every value equal: no evidence either way
            return MannWhitneyResult(u: u, pGreater: 1, pLess: 1, pTwoSided: 1, exact: false)
        }
        let s = variance.squareRoot()
        let pGreater = normalSurvival((u - mu - 0.5) / s)
        let pLess = normalSurvival((mu - u - 0.5) / s)
        let uMax = max(u, Double(m * n) - u)
        let pTwo = min(1, 2 * normalSurvival((uMax - mu - 0.5) / s))
        return MannWhitneyResult(u: u, pGreater: min(pGreater, 1), pLess: min(pLess, 1), pTwoSided: pTwo, exact: false)
    }

    /// The smallest one-sided p-value m against n values can give (every value of one side beyond every value
    /// of the other): 1 / C(m+n, m). When it exceeds α, no test at that α can find anything.
    public static func smallestOneSidedP(_ m: Int, _ n: Int) -> Double {
        var c = 1.0
        for i in 0..<min(m, n) { c = c * Double(m + n - i) / Double(i + 1) }
        return 1 / c
    }

    /// Hodges-Lehmann shift of y from x (y − x) with the distribution-free interval [D(k), D(mn+1−k)] of the
    /// sorted pairwise differences, where k is the largest with 1 − 2·P(U ≤ k−1) ≥ level. When even k = 1 falls
    /// short (tiny samples), the full range of differences is given with the coverage it has.
    public static func hodgesLehmannShift(from x: [Double], to y: [Double], level: Double = 0.95) -> ShiftEstimate {
        let m = x.count, n = y.count
        precondition(m > 0 && n > 0, "both samples need values")
        var differences: [Double] = []
        differences.reserveCapacity(m * n)
        for a in x { for b in y { differences.append(b - a) } }
        differences.sort()
        let estimate = median(differences)
        let pairs = m * n
        // F(c) = P(U ≤ c) under the null; the coverage of k is 1 − 2F(k−1).
        let cdf: (Int) -> Double
        if pairs <= exactPairLimit {
            let counts = uDistribution(m: m, n: n)
            let total = counts.reduce(0, +)
            var cumulative: [Double] = []
            cumulative.reserveCapacity(counts.count)
            var running = 0.0
            for c in counts { running += c; cumulative.append(running / total) }
            cdf = { c in c < 0 ? 0 : cumulative[min(c, cumulative.count - 1)] }
        } else {
            let mu = Double(pairs) / 2, s = (Double(pairs) * Double(m + n + 1) / 12).squareRoot()
            cdf = { c in 1 - normalSurvival((Double(c) + 0.5 - mu) / s) }
        }
        var k = 1
        var coverage = 1 - 2 * cdf(0)
        while k + 1 <= (pairs + 1) / 2 {
            let next = 1 - 2 * cdf(k)
            if next < level { break }
            k += 1
            coverage = next
        }
        return ShiftEstimate(
            estimate: estimate, lower: differences[k - 1], upper: differences[pairs - k],
            confidence: max(coverage, 0))
    }

    /// Number of arrangements of m x's and n y's giving each U = 0 … mn (no ties), by the recurrence
    /// N(m, n, u) = N(m−1, n, u−n) + N(m, n−1, u) (Mann & Whitney 1947). Counts are Doubles: C(m+n, m)
    /// outgrows Int64 past about 66 values, and only ratios are used.
    static func uDistribution(m: Int, n: Int) -> [Double] {
        // table[j][u] for the current i (x's), j = 0…n (y's).
        var table = (0...n).map { _ in [1.0] }  // i = 0: only U = 0
        if m == 0 { return table[n] }
        for i in 1...m {
            var next: [[Double]] = []
            next.reserveCapacity(n + 1)
            next.append([1.0])  // j = 0: only U = 0
            for j in 1...max(n, 1) where j <= n {
                var row = [Double](repeating: 0, count: i * j + 1)
                // Largest value is an x (beats all j y's): U − j from (i−1, j).
                for (u, c) in table[j].enumerated() where u + j < row.count { row[u + j] += c }
                // Largest value is a y: U unchanged from (i, j−1).
                for (u, c) in next[j - 1].enumerated() { row[u] += c }
                next.append(row)
            }
            table = next
        }
        return table[n]
    }
}
