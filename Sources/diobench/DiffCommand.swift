import ArgumentParser
import Foundation
import Report

/// `diobench diff BASELINE CANDIDATE [--threshold 5%]`: is the candidate slower? Exit status 1 names every
/// job and metric that regressed beyond the threshold, so CI can gate a change on it.
struct DiffCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diff",
        abstract: "Compare results against a baseline; exit 1 on a regression beyond the threshold.",
        discussion: """
            Each side is a baseline name (Results/baselines/NAME), a run folder (Results/runs/…), a compare \
            folder or compare.json, a folder of run folders, a result.json, or fio's own JSON output. When the \
            run counts allow a decision (3 against 3 or more), each metric gets a one-sided Mann-Whitney U test \
            and a Hodges-Lehmann estimate of the change with its interval; with fewer, values are compared \
            against the threshold (and the other side's range), and the output says so. Exit status: 0 no \
            regression, 1 regression, 2 bad input. Two cells of one compare (e.g. two lab images): \
            diobench diff Results/compare/<...>/compare.json --cells 'lab_image=zfs-2.3.0,lab_image=zfs-2.3.0+fix'
            """)

    @Argument(help: "The reference: baseline name, folder or JSON file.")
    var baseline: String

    @Argument(help: "The results to judge: baseline name, folder or JSON file (default: the baseline, with --cells).")
    var candidate: String?

    @Option(name: .customLong("threshold"), help: "Smallest change that counts, in percent of the baseline (e.g. 5%).")
    var threshold = "5%"

    @Option(name: .customLong("cell"), help: "Matrix cell to use from compare results (e.g. 'direct=1').")
    var cell: String?

    @Option(
        name: .customLong("cells"),
        help: ArgumentHelp(
            "BASELINE_CELL,CANDIDATE_CELL: judge one matrix cell against another (| between them if a label has a comma).",
            valueName: "a,b"))
    var cells: String?

    @Option(
        name: .customLong("metrics"),
        help: ArgumentHelp(
            "Judge only these metrics, comma-separated: ids (read.iops), directions (read) or figures (iops, bw, clat_p50, clat_p99, clat_p99.9, cpu_per_io, zfs.fallback).",
            valueName: "list"))
    var metrics: String?

    @Option(name: .customLong("alpha"), help: "Significance level of the one-sided test.")
    var alpha = 0.05

    @Option(name: .customLong("baselines-dir"), help: "Where baseline names are looked up.")
    var baselinesDirectory = "Results/baselines"

    @Option(name: .customLong("output-format"), help: "normal or json.")
    var outputFormat = "normal"

    mutating func run() throws {
        guard ["normal", "json"].contains(outputFormat) else {
            throw ValidationError("--output-format \(outputFormat): expected normal or json")
        }
        let percent = try Self.parseThreshold(threshold)
        guard alpha > 0, alpha < 1 else {
            throw ValidationError("--alpha \(alpha): expected a probability between 0 and 1, e.g. 0.05")
        }
        let metricList = metrics.map {
            $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        }
        if let metricList {
            let known = CompareMetrics.all.map(\.id)
            for name in metricList where !known.contains(where: { DiffOptions(metrics: [name]).judges($0) }) {
                throw ValidationError(
                    "--metrics: '\(name)' matches no metric (metrics: \(known.joined(separator: ", ")))")
            }
        }
        let pair = try cells.map(Self.parseCells)
        guard candidate != nil || pair != nil else {
            throw ValidationError(
                "give the results to judge as a second argument, or two cells of one compare with --cells A,B")
        }
        if pair != nil, cell != nil { throw ValidationError("--cell and --cells: give one of them") }
        let result: DiffResult
        do {
            let b = try ResultLoader.load(baseline, baselinesDirectory: baselinesDirectory)
            let c = try ResultLoader.load(candidate ?? baseline, baselinesDirectory: baselinesDirectory)
            result = try DiffReport.diff(
                baseline: b, candidate: c, cell: cell, cells: pair,
                options: DiffOptions(thresholdPercent: percent, alpha: alpha, metrics: metricList))
        } catch {
            throw UsageFailure(message: "diobench diff: \(error.description)")
        }
        let text = outputFormat == "json" ? try result.json() : DiffReport.text(result)
        FileHandle.standardOutput.write(Data(text.utf8))
        if !result.regressions.isEmpty {
            if outputFormat == "json" {
                for row in result.regressions {
                    standardError("diobench diff: regression: job '\(row.job)' \(row.metric)")
                }
            }
            throw ExitCode(1)
        }
    }

    /// "A,B" (or "A|B" when a label holds a comma): the baseline's cell and the candidate's.
    static func parseCells(_ text: String) throws -> (baseline: String, candidate: String) {
        let parts = text.split(separator: text.contains("|") ? "|" : ",", omittingEmptySubsequences: false)
            .map { $0.trimmingCharacters(in: .whitespaces) }
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
            throw ValidationError(
                "--cells \(text): expected two cell labels, BASELINE,CANDIDATE (e.g. 'lab_image=zfs-2.3.0,lab_image=zfs-2.3.0+fix')"
            )
        }
        return (parts[0], parts[1])
    }

    /// "5%", "5" or "2.5%": percent of the baseline, 0 or more.
    static func parseThreshold(_ text: String) throws -> Double {
        let trimmed = text.hasSuffix("%") ? String(text.dropLast()) : text
        guard let value = Double(trimmed.trimmingCharacters(in: .whitespaces)), value.isFinite, value >= 0 else {
            throw ValidationError("--threshold \(text): expected a percentage such as 5% or 2.5")
        }
        return value
    }
}
