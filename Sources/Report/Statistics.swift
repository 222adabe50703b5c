import Foundation

// Statistics for few samples: benchmark repetitions are expensive, so a comparison sees 3 to 10 values per
// side, skewed and with outliers (a neighbour's burst). Everything here is distribution-free: medians,
// order-statistic intervals, the Mann-Whitney U test and the Hodges-Lehmann shift. No normality is assumed.

/// The median of a sample with its distribution-free confidence interval.
public struct MedianInterval: Sendable, Equatable, Codable {
    public var median: Double
    public var lower: Double
    public var upper: Double
    /// Coverage the interval really has: 0.95 when the sample allows it, less for small samples
    /// (n = 3 gives min…max at 75 %), 0 for a single value.
    public var confidence: Double
    public var count: Int

    public init(median: Double, lower: Double, upper: Double, confidence: Double, count: Int) {
        self.median = median; self.lower = lower; self.upper = upper; self.confidence = confidence; self.count = count
    }
}

public enum Statistics {
    /// Median (mean of the middle two for an even count); NaN for an empty sample.
    public static func median(_ values: [Double]) -> Double {
        guard !values.isEmpty else { return .nan }
        let sorted = values.sorted()
        let mid = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
    }

    /// The median's confidence interval from order statistics: [x(k), x(n+1−k)] covers the population
    /// median with probability 1 − 2·P(Binomial(n, ½) ≤ k−1), whatever the distribution (Conover,
    /// "Practical Nonparametric Statistics", 3rd ed., §3.2; Hollander & Wolfe §3.6). The largest k that
    /// reaches `level` is used; below 6 values no k reaches 95 %, and min…max is given with its real coverage.
    public static func medianInterval(_ values: [Double], level: Double = 0.95) -> MedianInterval {
        let sorted = values.sorted()
        let n = sorted.count
        guard n > 0 else { return MedianInterval(median: .nan, lower: .nan, upper: .nan, confidence: 0, count: 0) }
        let m = median(sorted)
        guard n > 1 else { return MedianInterval(median: m, lower: m, upper: m, confidence: 0, count: 1) }
        var k = 1
        var coverage = 1 - 2 * binomialHalfCDF(0, n: n)
        while k + 1 <= (n + 1) / 2 {
            let next = 1 - 2 * binomialHalfCDF(k, n: n)
            if next < level { break }
            k += 1
            coverage = next
        }
        return MedianInterval(median: m, lower: sorted[k - 1], upper: sorted[n - k], confidence: coverage, count: n)
    }

    /// P(Binomial(n, ½) ≤ c).
    static func binomialHalfCDF(_ c: Int, n: Int) -> Double {
        guard c >= 0 else { return 0 }
        var sum = 0.0
        var term = pow(0.5, Double(n))  // C(n, 0) / 2^n
        for i in 0...min(c, n) {
            sum += term
            term *= Double(n - i) / Double(i + 1)
        }
        return min(sum, 1)
    }

    /// Upper tail of the standard normal distribution.
    static func normalSurvival(_ z: Double) -> Double { 0.5 * erfc(z / 2.squareRoot()) }
}
