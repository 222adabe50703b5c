/// The text `diobench compare` prints: per job, one row per metric and one column per matrix cell, each
/// figure the median over the repetitions with its interval.
public enum CompareTable {
    /// `result` must be summarized (`CompareResult.summarize`).
    public static func render(_ result: CompareResult) -> String {
        let labels = result.cells.map(\.label)
        var out = labHeader(result)
        var lowCoverage: [Int: Double] = [:]  // n → confidence, for the footnote
        for job in result.summarizedJobs {
            let summaries = result.summaries(of: job)
            let runs = summaries.compactMap { $0?.runs }
            let runText =
                Set(runs).count == 1
                ? "\(runs[0]) run\(runs[0] == 1 ? "" : "s") per cell"
                : "runs per cell: " + runs.map(String.init).joined(separator: "/")
            let crashed = summaries.indices.filter { summaries[$0] == nil && result.cells[$0].crash != nil }.count
            let crashText = crashed == 0 ? "" : ", \(crashed) crashed cell\(crashed == 1 ? "" : "s") without"
            out += "job '\(job)' (\(runText)\(crashText); median [interval])\n"
            var rows: [[String]] = [[""] + labels]
            for (def, figures) in result.metricRows(job: job) {
                var row = [def.label]
                for (i, figure) in figures.enumerated() {
                    guard let m = figure else {
                        row.append(result.cells[i].crash == nil ? "-" : "CRASHED")
                        continue
                    }
                    var text = CompareFormat.interval(m, def.unit)
                    if m.count > 1, m.confidence < 0.95 - 1e-9, m.lower != m.upper {
                        text += "*"
                        lowCoverage[m.count] = m.confidence
                    }
                    row.append(text)
                }
                rows.append(row)
            }
            let failed = summaries.compactMap { $0?.failedRuns }.reduce(0, +)
            out += TextColumns.render(rows)
            for (i, cell) in result.cells.enumerated() where summaries[i] == nil {
                if let crash = cell.crash { out += "  \(cell.label): CRASHED (\(crash.firstLine))\n" }
            }
            if failed > 0 {
                out +=
                    failed == 1
                    ? "  1 run of this job failed or was interrupted, and is left out\n"
                    : "  \(failed) runs of this job failed or were interrupted, and are left out\n"
            }
            out += "\n"
        }
        for (n, confidence) in lowCoverage.sorted(by: { $0.key < $1.key }) {
            out +=
                "* \(n) runs: the interval is min–max, which covers the median with \(Int((confidence * 100).rounded()))% confidence; 95% needs 6 runs or more.\n"
        }
        if result.cells.contains(where: { $0.runs.count == 1 }) {
            out += "A single run per cell gives no interval (use --repeat 3 or more).\n"
        }
        if result.info.interrupted == true { out += "Interrupted: some cells have fewer runs.\n" }
        out += crashFooter(result)
        return out
    }

    /// Lab compares: the timing label (emulated) and each image's ZFS and boots.
    static func labHeader(_ result: CompareResult) -> String {
        guard let lab = result.info.lab else { return "" }
        var out = "Ran in the \(lab.timingLabel).\n"
        for image in lab.images {
            var line = "image \(image.name): zfs \(image.zfsVersion ?? "?")"
            if let src = image.srcversion { line += " (srcversion \(src))" }
            if let kernel = image.kernel { line += ", kernel \(kernel)" }
            let boots = lab.bootCount(image.name)
            line += "; \(boots) boot\(boots == 1 ? "" : "s")"
            let skipped = lab.skippedCount(image.name)
            if skipped > 0 { line += ", \(skipped) skipped after a crash" }
            out += line + "\n"
        }
        return out + "\n"
    }

    /// One line per crashed image: which cells, the crash's first line, the job when known.
    static func crashFooter(_ result: CompareResult) -> String {
        var out = ""
        var seen: [CrashSummary] = []
        for cell in result.cells {
            guard let crash = cell.crash, !seen.contains(crash) else { continue }
            seen.append(crash)
            let cells = result.cells.filter { $0.crash == crash }.map { "'\($0.label)'" }
            out +=
                "CRASHED: image \(crash.image)\(crash.job.map { ", job '\($0)'" } ?? ""): \(crash.firstLine) "
                + "(cells \(cells.joined(separator: ", ")); its later boots were skipped)\n"
        }
        return out
    }
}

/// Left-aligned first column, right-aligned others, two spaces apart.
enum TextColumns {
    static func render(_ rows: [[String]]) -> String {
        let columns = rows.map(\.count).max() ?? 0
        var widths = [Int](repeating: 0, count: columns)
        for row in rows { for (i, cell) in row.enumerated() { widths[i] = max(widths[i], cell.count) } }
        return rows.map { row in
            row.enumerated().map { i, cell in
                let pad = String(repeating: " ", count: widths[i] - cell.count)
                return i == 0 ? cell + pad : pad + cell
            }.joined(separator: "  ").trimmingTrailingSpaces()
        }.joined(separator: "\n") + "\n"
    }
}

extension String {
    func trimmingTrailingSpaces() -> String {
        var s = self
        while s.last == " " { s.removeLast() }
        return s
    }
}
