import ArgumentParser
import Foundation
import JobFile
import Report
import Runner
import Stats

/// `diobench compare JOBFILE --matrix OPTION=v1,v2 … --repeat N`: every combination of the matrix values,
/// N times each, interleaved; prints a table of medians with intervals and writes compare.json and report.html.
struct CompareCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compare",
        abstract: "Run a job file under every combination of option values, repeated, and compare them.",
        discussion: """
            Each --matrix value is applied to every job of the file as if written last in its section, and is \
            checked like the file's own options. Runs are interleaved (A B C A B C …) so drift hits every cell \
            alike. Writes compare.json (every run's full result) and report.html into --output-dir \
            (default: Results/compare/<UTC time>-<job file>/). Example:
              diobench compare Jobs/compare-direct.fio --matrix direct=0,1 --repeat 5
              diobench compare job.fio --matrix zfs_direct=disabled,standard,always --matrix ioengine=psync,io_uring
            """)

    @Argument(help: "Job files, in fio's format; - reads one from standard input.")
    var jobFiles: [String] = []

    @Option(
        name: .customLong("matrix"),
        help: ArgumentHelp(
            "OPTION=v1,v2,…: values of one job option to compare (repeatable; use | between values that contain commas).",
            valueName: "option=values"))
    var matrix: [String] = []

    @Option(name: .customLong("repeat"), help: "Runs of each combination (6 or more give 95% intervals).")
    var repetitions = 3

    @Option(name: .customLong("section"), help: "Run only this job section (repeatable).")
    var sections: [String] = []

    @Option(name: .customLong("output-dir"), help: "Where compare.json, report.html and table.txt go.")
    var outputDirectory: String?

    @Option(name: .customLong("results-dir"), help: "Parent of the default output folder.")
    var resultsDirectory = "Results/compare"

    @Option(name: .customLong("output-format"), help: "normal (the table) or json (compare.json on stdout).")
    var outputFormat = "normal"

    @Option(
        name: .customLong("from"), help: "Re-render the table and report.html of an earlier compare.json; nothing runs."
    )
    var from: String?

    @OptionGroup var commandLineJobs: CommandLineJobs

    @Flag(
        name: .customLong("no-progress"),
        help: "No live status lines (they are off anyway when stdout is not a terminal).")
    var noProgress = false

    mutating func run() throws {
        if let from { return try rerender(from) }
        guard !jobFiles.isEmpty || !commandLineJobs.encoded.isEmpty else {
            throw ValidationError(
                "no job file given (try `diobench compare Jobs/compare-direct.fio --matrix direct=0,1`)")
        }
        guard repetitions >= 1 else { throw ValidationError("--repeat must be at least 1") }
        guard ["normal", "json"].contains(outputFormat) else {
            throw ValidationError("--output-format \(outputFormat): expected normal or json")
        }
        let axes: [MatrixAxis]
        let cells: [MatrixCell]
        do {
            axes = try matrix.map { text throws(CompareInputError) in try MatrixAxis(parsing: text) }
            cells = try CompareMatrix.cells(axes)
        } catch {
            throw UsageFailure(message: error.description)
        }

        // Every cell is parsed before anything runs: a bad value fails now, not after an hour of runs.
        var parsedCells: [ParsedJobFile] = []
        var warnings: [String] = []
        for cell in cells {
            let overrides = cell.settings.map {
                JobOptionOverride(name: $0.option, value: $0.value, origin: "--matrix \($0.option)=\($0.value)")
            }
            let parsed = try parseJobFiles(
                jobFiles, commandLine: commandLineJobs.options, sections: sections, overrides: overrides)
            for w in parsed.warnings where !warnings.contains(w.description) { warnings.append(w.description) }
            parsedCells.append(parsed)
        }
        for warning in warnings { standardError("diobench: warning: \(warning)") }

        let showProgress = progressWanted(noProgress: noProgress)
        let schedule = CompareMatrix.schedule(cells: cells.count, repeat: repetitions)
        var result = CompareResult(
            info: CompareInfo(
                version: diobenchVersion, jobFiles: jobFiles, matrix: axes, repetitions: repetitions,
                order: [], environment: RunEnvironment.current(), commandLine: CommandLine.arguments,
                started: BaselineStore.isoNow()),
            cells: cells.map { CompareCell(label: $0.label, settings: $0.settings) })

        // Named now: the folder's time stamp is when the comparison started, as the runs' own folders are.
        let folder = try outputFolder()
        var exitStatus: Int32 = 0
        let start = Date()
        for (index, slot) in schedule.enumerated() {
            if SignalWatcher.shared.firstSignal != 0 { break }
            if showProgress {
                var line =
                    "compare: run \(index + 1)/\(schedule.count): \(cells[slot.cell].label), repetition \(slot.repetition + 1) of \(repetitions)"
                if index > 0 {
                    let eta = Date().timeIntervalSince(start) / Double(index) * Double(schedule.count - index)
                    line += String(format: " (compare eta %dm:%02ds)", Int(eta) / 60, Int(eta) % 60)
                }
                standardError(line)
            }
            var options = RunOptions()
            options.showProgress = showProgress
            let outcome = RunSession(parsed: parsedCells[slot.cell], options: options).run()
            result.cells[slot.cell].runs.append(outcome.result)
            result.info.order.append(slot)
            if outcome.interrupted {
                result.info.interrupted = true
                exitStatus = outcome.exitStatus
                break
            }
            if outcome.exitStatus != 0 {
                standardError(
                    "diobench: compare: run \(index + 1) (\(cells[slot.cell].label)) had errors; its failed jobs are left out of the statistics"
                )
                exitStatus = 1
            }
        }
        result.summarize()

        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let json = try result.json()
        let table = CompareTable.render(result)
        try Data(json.utf8).write(to: URL(fileURLWithPath: folder + "/compare.json"))
        try Data(table.utf8).write(to: URL(fileURLWithPath: folder + "/table.txt"))
        try Data(HTMLReport.render(result).utf8).write(to: URL(fileURLWithPath: folder + "/report.html"))
        SavedRun.copyJobFiles(parsedCells.first?.files ?? [], into: folder)

        FileHandle.standardOutput.write(Data((outputFormat == "json" ? json : table).utf8))
        standardError("diobench: wrote \(folder)/compare.json, report.html, table.txt")
        if exitStatus != 0 { throw ExitCode(exitStatus) }
    }

    /// `--from`: the table on stdout and report.html in --output-dir (default: next to the file).
    private func rerender(_ path: String) throws {
        let result: CompareResult
        do { result = try ResultLoader.readCompare(path) } catch { throw UsageFailure(message: error.description) }
        let folder = outputDirectory ?? (path as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(
            atPath: folder.isEmpty ? "." : folder, withIntermediateDirectories: true)
        let html = (folder.isEmpty ? "." : folder) + "/report.html"
        try Data(HTMLReport.render(result).utf8).write(to: URL(fileURLWithPath: html))
        FileHandle.standardOutput.write(
            Data((outputFormat == "json" ? try result.json() : CompareTable.render(result)).utf8))
        standardError("diobench: wrote \(html)")
    }

    private func outputFolder() throws -> String {
        if let outputDirectory { return outputDirectory }
        let stem: String
        switch jobFiles.first {
        case nil: stem = commandLineJobs.options.first { $0.name == "name" }?.value ?? "command-line"
        case JobFileInput.standardInputArgument?: stem = "stdin"
        case let file?: stem = ((file as NSString).lastPathComponent as NSString).deletingPathExtension
        }
        return SavedRun.newFolderPath(under: resultsDirectory, name: stem)
    }
}
