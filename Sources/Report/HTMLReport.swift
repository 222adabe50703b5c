import Foundation
import Stats
import Vocabulary

/// The self-contained HTML page of a compare result: the table, IOPS and bandwidth bars with interval
/// whiskers, latency percentile curves, direct vs fallback I/O under ZFS, and the environment.
/// No script, no external resource: one file that opens anywhere and can be mailed or attached to a bug.
public enum HTMLReport {
    /// `result` must be summarized (`CompareResult.summarize`).
    public static func render(_ result: CompareResult) -> String {
        let title =
            "diobench compare: "
            + result.info.jobFiles.map { ($0 as NSString).lastPathComponent }.joined(separator: ", ")
        var page = """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(HTMLCharts.escape(title))</title>
            <style>\(style)</style>
            </head><body>
            <h1>\(HTMLCharts.escape(title))</h1>

            """
        page += labSection(result)
        page += overview(result)
        let hasZFS = result.cells.contains {
            $0.summary?.contains { $0.metrics.contains { $0.metric == "zfs.direct" } } ?? false
        }
        if !hasZFS { page += "<h2>Direct vs fallback I/O (ZFS)</h2>\n" + noZFSNote(result) }
        for job in result.summarizedJobs { page += jobSection(job, result, zfsCharts: hasZFS) }
        page += environmentSection(result)
        page +=
            "<footer>Written by diobench \(HTMLCharts.escape(result.info.version)). Bars show the median of the runs; whiskers its distribution-free confidence interval (order statistics; 95% with 6 runs or more, min–max below that). Hover a bar or point for its value.</footer>\n"
        page += "</body></html>\n"
        return page
    }

    static let style = """
        body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;margin:24px;color:#222;background:#fafafa;max-width:1780px}
        h1{font-size:22px;margin:0 0 8px} h2{font-size:18px;margin:28px 0 8px;border-bottom:1px solid #ccc;padding-bottom:4px}
        h3{font-size:15px;margin:16px 0 6px}
        table{border-collapse:collapse;font-size:13px;background:#fff;margin:6px 0}
        th,td{border:1px solid #ddd;padding:4px 8px;text-align:right;white-space:nowrap} th:first-child,td:first-child{text-align:left}
        th{background:#f0f0f0}
        .charts{display:flex;flex-wrap:wrap;gap:12px} .charts svg{background:#fff;border:1px solid #ddd;max-width:100%;height:auto}
        .note{background:#fff8e1;border:1px solid #f0d98c;padding:8px 12px;font-size:13px;max-width:900px}
        .meta{font-size:13px;color:#444;overflow-wrap:anywhere} footer{margin-top:28px;font-size:12px;color:#666}
        .swatch{display:inline-block;width:10px;height:10px;margin-right:4px}
        .crashed{background:#c62828;color:#fff;font-weight:bold;padding:1px 6px;border-radius:3px}
        td.crashed{border-radius:0} pre.crash{background:#fff;border:1px solid #c62828;padding:8px;font-size:12px;overflow-x:auto;max-width:1200px}
        .emulated{background:#fdecea;border:1px solid #e57373;padding:8px 12px;font-size:13px;max-width:900px;font-weight:bold}
        """

    static func overview(_ r: CompareResult) -> String {
        var html = "<p class=\"meta\">"
        let matrix =
            r.info.matrix.isEmpty
            ? "none (the job file as written)"
            : r.info.matrix.map { "\($0.option) = \($0.values.joined(separator: ", "))" }.joined(separator: "; ")
        html +=
            "Matrix: <b>\(HTMLCharts.escape(matrix))</b> · \(r.cells.count) cell\(r.cells.count == 1 ? "" : "s") × \(r.info.repetitions) repetition\(r.info.repetitions == 1 ? "" : "s"), run interleaved (each round runs every cell once)"
        if let started = r.info.started { html += " · started \(HTMLCharts.escape(started))" }
        html += "</p>\n<p class=\"meta\">Cells: "
        html += r.cells.enumerated().map { i, c in
            "<span class=\"swatch\" style=\"background:\(HTMLCharts.color(i))\"></span>\(HTMLCharts.escape(c.label)) (\(c.runs.count) run\(c.runs.count == 1 ? "" : "s")"
                + (c.boots.map { ", \($0) boot\($0 == 1 ? "" : "s")" } ?? "") + ")"
                + (c.crash.map { " <span class=\"crashed\">CRASHED: \(HTMLCharts.escape($0.firstLine))</span>" } ?? "")
        }.joined(separator: " &nbsp; ")
        html += "</p>\n"
        if r.info.interrupted == true {
            html += "<p class=\"note\">The comparison was interrupted: some cells have fewer runs.</p>\n"
        }
        return html
    }

    /// Lab compares: where it ran, that the timings are emulated, each image's ZFS and boots, and any crash
    /// with its report.
    static func labSection(_ r: CompareResult) -> String {
        guard let lab = r.info.lab else { return "" }
        var html = "<p class=\"emulated\">Ran in the \(HTMLCharts.escape(lab.timingLabel)).</p>\n"
        html += "<table><tr><th>image</th><th>ZFS</th><th>srcversion</th><th>kernel</th><th>boots</th></tr>\n"
        for image in lab.images {
            let skipped = lab.skippedCount(image.name)
            html +=
                "<tr><td>\(HTMLCharts.escape(image.name))</td><td>\(HTMLCharts.escape(image.zfsVersion ?? "?"))</td>"
                + "<td>\(HTMLCharts.escape(image.srcversion ?? "?"))</td><td>\(HTMLCharts.escape(image.kernel ?? "?"))</td>"
                + "<td>\(lab.bootCount(image.name))\(skipped > 0 ? " (\(skipped) skipped after a crash)" : "")</td></tr>\n"
        }
        html += "</table>\n"
        var seen: [CrashSummary] = []
        for cell in r.cells {
            guard let crash = cell.crash, !seen.contains(crash) else { continue }
            seen.append(crash)
            html +=
                "<h2><span class=\"crashed\">CRASHED</span> image \(HTMLCharts.escape(crash.image))"
                + (crash.job.map { ", job '\(HTMLCharts.escape($0))'" } ?? "") + "</h2>\n"
                + "<p class=\"meta\"><b>\(HTMLCharts.escape(crash.firstLine))</b>. Its later boots were skipped.</p>\n"
            if let detail = crash.detail { html += "<pre class=\"crash\">\(HTMLCharts.escape(detail))</pre>\n" }
        }
        return html
    }

    static func jobSection(_ job: String, _ r: CompareResult, zfsCharts: Bool) -> String {
        var html = "<h2>Job '\(HTMLCharts.escape(job))'</h2>\n"
        html += summaryTable(job, r)
        let summaries = r.summaries(of: job)
        func metric(_ cell: Int, _ id: String) -> MetricSummary? { summaries[cell]?.metrics.first { $0.metric == id } }

        var charts = ""
        for d in IODirection.allCases {
            for (id, name, unit) in [
                ("\(d.fioName).iops", "\(d.fioName) IOPS", MetricUnit.iops),
                ("\(d.fioName).bw", "\(d.fioName) bandwidth", .bytesPerSecond),
            ] {
                let bars = r.cells.indices.compactMap { i -> IntervalBar? in
                    guard let m = metric(i, id) else { return nil }
                    return IntervalBar(
                        label: r.cells[i].label, median: m.median, lower: m.lower, upper: m.upper,
                        color: HTMLCharts.color(i))
                }
                if !bars.isEmpty { charts += HTMLCharts.intervalBars(title: name, bars: bars, unit: unit) }
            }
            let series = r.cells.indices.compactMap { i -> LineSeries? in
                let curve = medianCurve(job: job, direction: d, runs: r.cells[i].runs)
                return curve.isEmpty
                    ? nil : LineSeries(name: r.cells[i].label, color: HTMLCharts.color(i), points: curve)
            }
            if !series.isEmpty {
                charts += HTMLCharts.percentileCurves(
                    title: "\(d.fioName) completion latency by percentile (median of runs)", series: series)
            }
        }
        html += "<div class=\"charts\">\n\(charts)</div>\n"
        if zfsCharts { html += directSection(job, r, metric: metric) }
        return html
    }

    static func summaryTable(_ job: String, _ r: CompareResult) -> String {
        var html = "<table><tr><th>median [interval]</th>"
        for (i, cell) in r.cells.enumerated() {
            html +=
                "<th><span class=\"swatch\" style=\"background:\(HTMLCharts.color(i))\"></span>\(HTMLCharts.escape(cell.label))"
                + (cell.crash == nil ? "" : " <span class=\"crashed\">CRASHED</span>") + "</th>"
        }
        html += "</tr>\n"
        for (def, figures) in r.metricRows(job: job) {
            html += "<tr><td>\(HTMLCharts.escape(def.label))</td>"
            for (i, figure) in figures.enumerated() {
                if figure == nil, let crash = r.cells[i].crash {
                    html += "<td class=\"crashed\" title=\"\(HTMLCharts.escape(crash.firstLine))\">CRASHED</td>"
                } else if let m = figure {
                    let conf =
                        m.count > 1
                        ? " title=\"n=\(m.count), interval confidence \(Int((m.confidence * 100).rounded()))%\"" : ""
                    html += "<td\(conf)>\(HTMLCharts.escape(CompareFormat.interval(m, def.unit)))</td>"
                } else {
                    html += "<td>-</td>"
                }
            }
            html += "</tr>\n"
        }
        return html + "</table>\n"
    }

    /// Direct vs fallback I/O per cell (each cell is one `direct`/`zfs_direct` setting), or why there is none.
    static func directSection(_ job: String, _ r: CompareResult, metric: (Int, String) -> MetricSummary?) -> String {
        var html =
            "<h3>Direct vs fallback I/O (ZFS)</h3>\n<p class=\"meta\">Direct: blocks ZFS's <code>direct_*</code> counters saw. Fallback: I/Os the job asked to be direct that went through the ARC instead (inferred; ZFS has no counter for them).</p>\n"
        let withZFS = r.cells.indices.filter { metric($0, "zfs.direct") != nil }
        guard !withZFS.isEmpty else {
            return html + "<p class=\"note\">This job has no ZFS accounting (its target is not on ZFS).</p>\n"
        }
        let categories = withZFS.map { i -> (label: String, segments: [StackSegment]) in
            let property = r.cells[i].runs.lazy.compactMap { run in
                run.jobs.lazy.compactMap { $0.diobench?.zfs?.direct }.first
            }.first
            let label = r.cells[i].label + (property.map { " (direct=\($0))" } ?? "")
            return (
                label,
                [
                    StackSegment(name: "direct", value: metric(i, "zfs.direct")?.median ?? 0, color: "#4e79a7"),
                    StackSegment(
                        name: "fallback (ARC)", value: metric(i, "zfs.fallback")?.median ?? 0, color: "#e15759"),
                ]
            )
        }
        html +=
            "<div class=\"charts\">\n"
            + HTMLCharts.stackedBars(title: "I/Os by path (median of runs)", categories: categories, unit: .count)
            + "</div>\n"
        return html
    }

    /// Why the page has no direct/fallback chart.
    static func noZFSNote(_ r: CompareResult) -> String {
        let fs = Set(
            r.cells.flatMap { $0.runs.flatMap { $0.jobs.flatMap { $0.diobench?.targets?.compactMap(\.fsType) ?? [] } } }
        )
        let on = fs.isEmpty ? "" : " (the targets were on \(fs.sorted().joined(separator: ", ")))"
        return
            "<p class=\"note\">No ZFS accounting in these runs\(HTMLCharts.escape(on)), so there is no chart of direct against fallback I/O: ZFS's direct and ARC counters exist only for files and datasets on ZFS. Run the job on a ZFS dataset (for example with <code>--matrix zfs_direct=disabled,standard,always</code>) to see how many I/Os went direct under each setting.</p>\n"
    }

    /// The percentile curve of a job's direction, each point the median of the runs' values.
    static func medianCurve(job: String, direction: IODirection, runs: [RunResult]) -> [(x: Double, y: Double)] {
        var byPercent: [Double: [Double]] = [:]
        for run in runs {
            let keys = CompareMetrics.jobKeys(run.jobs)
            guard let i = keys.firstIndex(of: job), run.jobs[i].error == 0, run.jobs[i][direction].totalIOs > 0 else {
                continue
            }
            for point in CompareMetrics.percentileCurve(of: run.jobs[i], direction) {
                byPercent[point.percent, default: []].append(point.ns)
            }
        }
        return byPercent.keys.sorted().map { ($0, Statistics.median(byPercent[$0]!)) }
    }

    static func environmentSection(_ r: CompareResult) -> String {
        var html = "<h2>Environment</h2>\n"
        let envs = r.cells.flatMap { $0.runs.compactMap { $0.diobench?.environment } }
        guard let env = r.info.environment ?? envs.first else {
            return html + "<p class=\"note\">The runs carry no environment (fio's own output has none).</p>\n"
        }
        html += EnvironmentTable.html(env)
        if Set(envs.map { "\($0.kernel ?? "")|\($0.zfsVersion ?? "")|\($0.hostname ?? "")" }).count > 1 {
            html += "<p class=\"note\">The runs were not all made on the same kernel, ZFS version and host.</p>\n"
        }
        if let command = r.info.commandLine {
            html += "<p class=\"meta\">Command: <code>\(HTMLCharts.escape(command.joined(separator: " ")))</code></p>\n"
        }
        return html
    }
}

/// The environment as rows of (name, value), shared by the HTML page and the diff text.
public enum EnvironmentTable {
    public static func rows(_ e: RunEnvironment) -> [(String, String)] {
        var rows: [(String, String)] = []
        rows.append(("kernel", e.kernel ?? "unknown"))
        if let b = e.kernelBuild { rows.append(("kernel build", b)) }
        rows.append(("ZFS", e.zfsVersion ?? "not loaded"))
        rows.append(("machine", e.machine ?? "unknown"))
        if let c = e.cpuModel { rows.append(("CPU", c + (e.cpuCount.map { " × \($0)" } ?? ""))) }
        if let m = e.memoryBytes {
            rows.append(
                ("memory", CompareFormat.value(Double(m), .bytesPerSecond).replacingOccurrences(of: "/s", with: "")))
        }
        if let p = e.pageSize { rows.append(("page size", "\(p)")) }
        if let h = e.hostname { rows.append(("host", h)) }
        if let f = e.fioVersion { rows.append(("fio", f)) }
        return rows
    }

    static func html(_ e: RunEnvironment) -> String {
        "<table>"
            + rows(e).map {
                "<tr><td>\(HTMLCharts.escape($0.0))</td><td style=\"text-align:left\">\(HTMLCharts.escape($0.1))</td></tr>"
            }.joined(separator: "\n") + "</table>\n"
    }
}
