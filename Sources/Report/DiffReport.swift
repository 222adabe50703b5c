import Foundation
import Stats

/// The outcome of `diobench diff`: every job's metrics compared, with notes on what could not be.
public struct DiffResult: Sendable, Codable {
    public var baseline: String
    public var candidate: String
    public var thresholdPercent: Double
    public var alpha: Double
    public var rows: [DiffRow]
    public var notes: [String]
    public var baselineEnvironment: RunEnvironment?
    public var candidateEnvironment: RunEnvironment?

    public var regressions: [DiffRow] { rows.filter { $0.verdict == .regression } }

    enum CodingKeys: String, CodingKey {
        case baseline, candidate, thresholdPercent = "threshold_percent", alpha, rows, notes
        case baselineEnvironment = "baseline_environment", candidateEnvironment = "candidate_environment"
    }

    public func json() throws -> String { try FioJSONEncoder().encode(self) + "\n" }
}

public enum DiffReport {
    /// Compares every job and metric the two sides share. `cell` picks one matrix cell from sides that hold
    /// compare results; two compare results with the same cells are compared cell by cell.
    public static func diff(
        baseline: ResultSide, candidate: ResultSide, cell: String? = nil,
        cells: (baseline: String, candidate: String)? = nil, options: DiffOptions = DiffOptions()
    ) throws(CompareInputError) -> DiffResult {
        var notes: [String] = []
        let runsB: [LabeledRun]
        let runsC: [LabeledRun]
        let pairs: [(String, String)]
        if let cells, let matched = try cellPairs(baseline, candidate, cells) {
            // `--cells lab_image=a,lab_image=b` with other axes: every cell of image a against its twin of b.
            runsB = baseline.runs.filter { run in matched.contains { $0.0 == run.cell } }
            runsC = candidate.runs.filter { run in matched.contains { $0.1 == run.cell } }
            pairs = matched
            notes.append(
                "comparing each cell with '\(cells.baseline)' against the same cell with '\(cells.candidate)'")
        } else {
            // `cells`: one cell of each side, e.g. two images' cells of one lab compare (`--cells A,B`).
            runsB = try select(baseline, cell: cells?.baseline ?? cell)
            runsC = try select(candidate, cell: cells?.candidate ?? cell)
            let b = SampleTable(runsB)
            let c = SampleTable(runsC)
            if Set(b.cells) == Set(c.cells) {
                pairs = b.cells.map { ($0, $0) }
            } else if b.cells.count == 1, c.cells.count == 1 {
                pairs = [(b.cells[0], c.cells[0])]
                if !b.cells[0].isEmpty || !c.cells[0].isEmpty {
                    notes.append(
                        "comparing \(cellName(b.cells[0])) of the baseline with \(cellName(c.cells[0])) of the candidate"
                    )
                }
            } else {
                throw CompareInputError(
                    "the baseline has cells \(list(b.cells)) and the candidate \(list(c.cells)): pick one with --cell")
            }
        }

        let b = SampleTable(runsB)
        let c = SampleTable(runsC)
        var rows: [DiffRow] = []
        for (cellB, cellC) in pairs {
            for job in b.jobs where b.group(cell: cellB, job: job) != nil {
                guard let gb = b.group(cell: cellB, job: job) else { continue }
                guard let gc = c.group(cell: cellC, job: job) else {
                    notes.append("job '\(job)'\(cellSuffix(cellB)) is only in the baseline")
                    continue
                }
                for side in [(gb, "baseline"), (gc, "candidate")] where side.0.failedRuns > 0 {
                    notes.append(
                        "job '\(job)'\(cellSuffix(cellB)): \(side.0.failedRuns) failed run\(side.0.failedRuns == 1 ? "" : "s") of the \(side.1) left out"
                    )
                }
                for id in gb.metricIDs where options.judges(id) {
                    guard let vb = gb.values[id], let vc = gc.values[id],
                        var row = DiffAnalysis.compare(metric: id, baseline: vb, candidate: vc, options: options)
                    else { continue }
                    row.baselineCell = cellB
                    row.candidateCell = cellC
                    row.job = job
                    rows.append(row)
                }
            }
            for job in c.jobs where c.group(cell: cellC, job: job) != nil && b.group(cell: cellB, job: job) == nil {
                notes.append("job '\(job)'\(cellSuffix(cellC)) is only in the candidate")
            }
        }
        if rows.isEmpty { notes.append("no job and metric is in both: nothing was compared") }
        // The environments of the runs compared (two images' cells of one file run on different ZFS builds).
        let envB = runsB.lazy.compactMap { $0.run.diobench?.environment }.first
        let envC = runsC.lazy.compactMap { $0.run.diobench?.environment }.first
        notes += environmentNotes(envB, envC)
        return DiffResult(
            baseline: baseline.description + " (\(baseline.runs.count) run\(baseline.runs.count == 1 ? "" : "s"))",
            candidate: candidate.description + " (\(candidate.runs.count) run\(candidate.runs.count == 1 ? "" : "s"))",
            thresholdPercent: options.thresholdPercent, alpha: options.alpha, rows: rows, notes: notes,
            baselineEnvironment: envB, candidateEnvironment: envC)
    }

    /// `--cells A,B` where A and B are settings rather than whole cells (`lab_image=x` and `lab_image=y` of a
    /// matrix with more axes): each baseline cell with A's settings paired with the candidate's cell that has
    /// B's in their place. Nil when A and B are whole cells, or match nothing (`select` then says what exists).
    static func cellPairs(
        _ baseline: ResultSide, _ candidate: ResultSide, _ cells: (baseline: String, candidate: String)
    ) throws(CompareInputError) -> [(String, String)]? {
        let baselineCells = Set(baseline.runs.map(\.cell))
        let candidateCells = Set(candidate.runs.map(\.cell))
        if baselineCells.contains(cells.baseline) && candidateCells.contains(cells.candidate) { return nil }
        let from = cells.baseline.split(separator: " ").map(String.init)
        let to = cells.candidate.split(separator: " ").map(String.init)
        func option(_ word: String) -> Substring { word.prefix { $0 != "=" } }
        guard !from.isEmpty, from.count == to.count, zip(from, to).allSatisfy({ option($0) == option($1) }) else {
            return nil
        }
        var pairs: [(String, String)] = []
        var seen = Set<String>()
        for label in baseline.runs.map(\.cell) where seen.insert(label).inserted {
            let words = label.split(separator: " ").map(String.init)
            guard from.allSatisfy(words.contains) else { continue }
            let twin = words.map { word in from.firstIndex(of: word).map { to[$0] } ?? word }.joined(separator: " ")
            if candidateCells.contains(twin) { pairs.append((label, twin)) }
        }
        return pairs.isEmpty ? nil : pairs
    }

    /// The side's runs, restricted to `cell` when it holds matrix cells.
    static func select(_ side: ResultSide, cell: String?) throws(CompareInputError) -> [LabeledRun] {
        guard let cell else { return side.runs }
        let cells = Set(side.runs.map(\.cell))
        if cells == [""] { return side.runs }
        let chosen = side.runs.filter { $0.cell == cell }
        guard !chosen.isEmpty else {
            throw CompareInputError("--cell '\(cell)': \(side.description) has cells \(list(cells.sorted()))")
        }
        return chosen
    }

    /// Differences in what the results say about their machines: a diff across kernels is a different question.
    static func environmentNotes(_ b: RunEnvironment?, _ c: RunEnvironment?) -> [String] {
        guard let b, let c else {
            return b == nil && c == nil ? [] : ["only one side records its environment (fio's JSON does not)"]
        }
        var notes: [String] = []
        for (name, x, y) in [
            ("kernel", b.kernel, c.kernel), ("ZFS version", b.zfsVersion, c.zfsVersion),
            ("host", b.hostname, c.hostname), ("CPU", b.cpuModel, c.cpuModel),
            ("CPU count", b.cpuCount.map(String.init), c.cpuCount.map(String.init)),
        ] where x != y {
            notes.append("\(name) differs: baseline \(x ?? "none"), candidate \(y ?? "none")")
        }
        return notes
    }

    // MARK: text

    public static func text(_ r: DiffResult) -> String {
        var out = "diobench diff\n  baseline:  \(r.baseline)\n  candidate: \(r.candidate)\n"
        out +=
            "  test: Mann-Whitney U, one-sided at α = \(String(format: "%g", r.alpha)); threshold ±\(String(format: "%g", r.thresholdPercent))%\n"
        out +=
            "  change: Hodges-Lehmann estimate, the median of all candidate/baseline ratios (it can differ from the ratio of the medians)\n"
        if let e = r.candidateEnvironment ?? r.baselineEnvironment {
            out +=
                "  machine: "
                + EnvironmentTable.rows(e).filter { ["kernel", "ZFS", "machine", "CPU"].contains($0.0) }.map {
                    "\($0.0) \($0.1)"
                }.joined(separator: ", ") + "\n"
        }
        out += "\n"
        var groups: [(String, [DiffRow])] = []
        for row in r.rows {
            let key =
                "job '\(row.job)'" + cellSuffix(row.baselineCell)
                + (row.candidateCell != row.baselineCell ? " vs " + cellName(row.candidateCell) : "")
            if let i = groups.firstIndex(where: { $0.0 == key }) {
                groups[i].1.append(row)
            } else {
                groups.append((key, [row]))
            }
        }
        for (title, rows) in groups {
            let runs = "\(rows[0].baselineRuns) vs \(rows[0].candidateRuns) run\(rows[0].candidateRuns == 1 ? "" : "s")"
            out += "\(title) (\(runs))\n"
            var table: [[String]] = [["  metric", "baseline", "candidate", "change", "interval", "p", "verdict"]]
            for row in rows {
                let unit = CompareMetrics.definition(row.metric)?.unit ?? .count
                let change =
                    row.changePercent.map(CompareFormat.percent)
                    ?? (row.shift == 0 ? "0" : (row.shift > 0 ? "+" : "") + CompareFormat.value(row.shift, unit))
                var interval = ""
                if let lo = row.lowerPercent, let hi = row.upperPercent {
                    interval = "[\(CompareFormat.percent(lo)), \(CompareFormat.percent(hi))]"
                    if let c = row.confidence, c < 0.95 - 1e-9 { interval += " \(Int((c * 100).rounded()))%" }
                }
                table.append([
                    "  " + row.label, CompareFormat.value(row.baselineMedian, unit),
                    CompareFormat.value(row.candidateMedian, unit),
                    change, interval, row.p.map { String(format: "%.3g", $0) } ?? "-",
                    row.verdict == .regression ? "REGRESSION" : row.verdict.rawValue,
                ])
            }
            out += TextColumns.render(table)
            let reasons = Set(rows.filter { $0.method == "point" }.map(\.reason))
            for reason in reasons.sorted() { out += "  note: \(reason)\n" }
            out += "\n"
        }
        for note in r.notes { out += "note: \(note)\n" }
        if r.rows.contains(where: { ($0.confidence ?? 1) < 0.95 - 1e-9 }) {
            out += "note: intervals marked with a percentage have less than 95% coverage (too few runs for more).\n"
        }
        let regressions = r.regressions
        if regressions.isEmpty {
            out += "Result: no regression beyond ±\(String(format: "%g", r.thresholdPercent))%"
            let improvements = r.rows.filter { $0.verdict == .improvement }.count
            out += improvements > 0 ? " (\(improvements) improvement\(improvements == 1 ? "" : "s")).\n" : ".\n"
        } else {
            out +=
                "Result: \(regressions.count) regression\(regressions.count == 1 ? "" : "s") beyond ±\(String(format: "%g", r.thresholdPercent))%:\n"
            for row in regressions {
                out +=
                    "  job '\(row.job)'\(cellSuffix(row.candidateCell)) \(row.label) (\(row.metric)): \(row.changePercent.map(CompareFormat.percent) ?? "from 0"), \(row.reason)\n"
            }
        }
        return out
    }

    static func cellName(_ cell: String) -> String { cell.isEmpty ? "the plain runs" : "cell '\(cell)'" }
    static func cellSuffix(_ cell: String) -> String { cell.isEmpty || cell == "as written" ? "" : " [\(cell)]" }
    static func list(_ cells: [String]) -> String {
        cells.map { $0.isEmpty ? "(plain runs)" : "'\($0)'" }.joined(separator: ", ")
    }
}
