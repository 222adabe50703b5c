import Foundation

/// What a diff concludes for one metric.
public enum DiffVerdict: String, Sendable, Codable {
    case improvement, regression
    case noChange = "no change"
    /// A change in a figure that is neither better nor worse (ZFS direct I/O count).
    case changed
}

/// One job's metric compared between baseline and candidate.
public struct DiffRow: Sendable, Codable, Equatable {
    /// Matrix cell of each side ("" for plain runs).
    public var baselineCell: String
    public var candidateCell: String
    public var job: String
    public var metric: String
    public var label: String
    public var baselineRuns: Int
    public var candidateRuns: Int
    public var baselineMedian: Double
    public var candidateMedian: Double
    /// Candidate − baseline in the metric's unit: the Hodges-Lehmann shift (of the logarithms, for positive
    /// figures, turned back into units of the baseline median), or the difference of the values.
    public var shift: Double
    public var shiftLower: Double?
    public var shiftUpper: Double?
    /// The same relative to the baseline median, in percent (nil when the baseline median is 0).
    public var changePercent: Double?
    public var lowerPercent: Double?
    public var upperPercent: Double?
    /// Real coverage of the interval.
    public var confidence: Double?
    /// One-sided Mann-Whitney p-value that the candidate is worse (better, for an improvement); nil for point comparisons.
    public var p: Double?
    /// "mann-whitney" or "point".
    public var method: String
    public var verdict: DiffVerdict
    /// Why: "p = 0.004, −87.7% beyond −5%", "1 vs 1 run: no statistics possible", …
    public var reason: String

    enum CodingKeys: String, CodingKey {
        case baselineCell = "baseline_cell", candidateCell = "candidate_cell", job, metric, label
        case baselineRuns = "baseline_runs", candidateRuns = "candidate_runs"
        case baselineMedian = "baseline_median", candidateMedian = "candidate_median"
        case shift, shiftLower = "shift_lower", shiftUpper = "shift_upper"
        case changePercent = "change_percent", lowerPercent = "lower_percent", upperPercent = "upper_percent"
        case confidence, p, method, verdict, reason
    }
}

public struct DiffOptions: Sendable {
    /// A change smaller than this many percent of the baseline is "no change", however certain.
    public var thresholdPercent: Double = 5
    /// Significance level of the one-sided test.
    public var alpha: Double = 0.05
    /// Only these metrics are compared (nil: all). See `judges(_:)` for how a name matches.
    public var metrics: [String]?
    public init(thresholdPercent: Double = 5, alpha: Double = 0.05, metrics: [String]? = nil) {
        self.thresholdPercent = thresholdPercent
        self.alpha = alpha
        self.metrics = metrics
    }

    /// Whether metric `id` is compared: a name matches the whole id ("read.iops"), its direction ("read") or
    /// its figure ("iops", "clat_p99", "cpu_per_io").
    public func judges(_ id: String) -> Bool {
        guard let metrics else { return true }
        let groups: Set<String> = ["read", "write", "trim", "zfs"]
        return metrics.contains { id == $0 || groups.contains($0) && id.hasPrefix($0 + ".") || id.hasSuffix("." + $0) }
    }
}

/// The verdict rules. A metric regressed when the candidate is worse with evidence (one-sided Mann-Whitney
/// p ≤ α) and the Hodges-Lehmann estimate of the change is worse than the threshold; an improvement
/// mirrors that. When the run counts can't reach p ≤ α at all (1 against anything, 2 against 3: the best
/// possible p is 1/C(m+n, m)), there are no statistics, and the row says so: the medians are compared against
/// the threshold, and when a side has several runs, every candidate run must also lie beyond every baseline
/// run (one slow run among five is not a regression of a single new run).
public enum DiffAnalysis {
    /// The row of metric `id`; the caller names what is compared (`baselineCell`, `candidateCell`, `job`).
    public static func compare(
        metric id: String, baseline b: [Double], candidate c: [Double],
        options: DiffOptions
    ) -> DiffRow? {
        guard let def = CompareMetrics.definition(id), !b.isEmpty, !c.isEmpty else { return nil }
        let medB = Statistics.median(b), medC = Statistics.median(c)
        let threshold = options.thresholdPercent
        func relative(_ x: Double) -> Double? {
            if medB != 0 { return x / abs(medB) * 100 }
            return x == 0 ? 0 : nil
        }
        var row = DiffRow(
            baselineCell: "", candidateCell: "", job: "", metric: id, label: def.label,
            baselineRuns: b.count, candidateRuns: c.count, baselineMedian: medB, candidateMedian: medC,
            shift: medC - medB, method: "point", verdict: .noChange, reason: "")
        let best = Statistics.smallestOneSidedP(b.count, c.count)
        let useStatistics = b.count >= 2 && c.count >= 2 && best <= options.alpha + 1e-12

        // Worse-by in percent of the baseline: positive when the candidate is worse.
        let better = def.higherIsBetter
        var pWorse: Double?, pBetter: Double?
        if useStatistics {
            let test = Statistics.mannWhitney(c, b)
            if b.allSatisfy({ $0 > 0 }) && c.allSatisfy({ $0 > 0 }) {
                // Performance changes are ratios ("20 % slower"): the shift of the logarithms is the log of the
                // typical ratio, and its interval can't cross −100 % as an additive one can. The U test is the
                // same on either scale (it only looks at the order of the values).
                let logShift = Statistics.hodgesLehmannShift(from: b.map { log($0) }, to: c.map { log($0) })
                row.shift = medB * (exp(logShift.estimate) - 1)
                row.shiftLower = medB * (exp(logShift.lower) - 1)
                row.shiftUpper = medB * (exp(logShift.upper) - 1)
                row.confidence = logShift.confidence
            } else {
                let shift = Statistics.hodgesLehmannShift(from: b, to: c)
                row.shift = shift.estimate
                row.shiftLower = shift.lower
                row.shiftUpper = shift.upper
                row.confidence = shift.confidence
            }
            row.lowerPercent = row.shiftLower.flatMap(relative)
            row.upperPercent = row.shiftUpper.flatMap(relative)
            switch better {
            case true?: pWorse = test.pLess; pBetter = test.pGreater
            case false?: pWorse = test.pGreater; pBetter = test.pLess
            case nil:  // neither way is worse: test in the direction the values moved
                let up = test.pGreater <= test.pLess
                pWorse = up ? test.pGreater : test.pLess
                pBetter = pWorse
            }
        }
        row.changePercent = relative(row.shift)
        // A zero baseline that became non-zero is beyond any threshold.
        let change = row.changePercent ?? (row.shift > 0 ? .infinity : -.infinity)
        let worseBy = better == false ? change : -change
        let beyond = abs(change) > threshold
        let thresholdText = String(format: "%g%%", threshold)
        let countText = "\(b.count) vs \(c.count) run\(c.count == 1 ? "" : "s")"
        func finished(_ verdict: DiffVerdict, _ reason: String) -> DiffRow {
            var done = row
            done.verdict = verdict
            done.reason = reason
            done.method = done.p == nil ? "point" : "mann-whitney"
            done.changePercent = finite(done.changePercent)
            done.lowerPercent = finite(done.lowerPercent)
            done.upperPercent = finite(done.upperPercent)
            return done
        }

        guard useStatistics, let pWorse, let pBetter else {
            // No test can decide: judge the values. Beyond the threshold, and (when a side has several runs)
            // every candidate run beyond every baseline run, the most these counts can show.
            let separated = c.max()! < b.min()! || c.min()! > b.max()!
            let several = b.count > 1 || c.count > 1
            var why =
                b.count == 1 && c.count == 1
                ? "1 vs 1 run: no statistics possible; point values against the ±\(thresholdText) threshold"
                : "\(countText): no statistics possible (best possible p = \(String(format: "%.2g", best))); values against the ±\(thresholdText) threshold"
            if several { why += " and the other side's range" }
            if !beyond { return finished(.noChange, why) }
            if several && !separated { return finished(.noChange, why + ": the runs overlap") }
            if better == nil { return finished(.changed, why) }
            return finished(worseBy > 0 ? .regression : .improvement, why)
        }
        row.p = worseBy > 0 ? pWorse : pBetter
        let pText = "p = " + String(format: "%.3g", row.p ?? 1)
        if better == nil {
            return finished(pWorse <= options.alpha && beyond ? .changed : .noChange, pText)
        }
        if worseBy > threshold && pWorse <= options.alpha {
            return finished(.regression, "\(pText), worse than the ±\(thresholdText) threshold")
        }
        if -worseBy > threshold && pBetter <= options.alpha {
            return finished(.improvement, "\(pText), better than the ±\(thresholdText) threshold")
        }
        if beyond { return finished(.noChange, "\(pText): not significant at \(String(format: "%g", options.alpha))") }
        return finished(.noChange, "\(pText); within ±\(thresholdText)")
    }

    /// A percentage that overflowed is left out (nil): JSON can't carry it.
    static func finite(_ v: Double?) -> Double? { v.flatMap { $0.isFinite ? $0 : nil } }
}
