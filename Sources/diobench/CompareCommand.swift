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
            A lab_image axis runs the comparison in the lab VM (as `diobench lab compare`), booting each image in turn:
              diobench compare job.fio --matrix lab_image=zfs-2.3.0,zfs-2.3.0+fix --repeat 6
            """)

    @OptionGroup var options: CompareOptions

    @Option(
        name: .customLong("from"), help: "Re-render the table and report.html of an earlier compare.json; nothing runs."
    )
    var from: String?

    mutating func run() throws {
        if let from { return try rerender(from) }
        try options.check(command: "compare")
        let axes = try options.axes()
        // A lab_image axis: the images are booted in turn and the guest runs the rest (`lab compare`).
        if axes.contains(where: { $0.option == CompareLabPlan.imageAxis }) {
            return try LabCompareRun(
                compare: options, location: try LabLocation.parse([]), vm: try LabVMOptions.parse([]), image: nil
            ).run()
        }
        let cells = try CompareMatrix.cells(axes)
        let parsedCells = try options.parse(cells)
        let repetitions = options.repetitions
        let jobFiles = options.jobFiles

        let showProgress = progressWanted(noProgress: options.noProgress)
        let schedule = CompareMatrix.schedule(cells: cells.count, repeat: repetitions)
        var result = CompareResult(
            info: CompareInfo(
                version: diobenchVersion, jobFiles: jobFiles, matrix: axes, repetitions: repetitions,
                order: [], environment: RunEnvironment.current(), commandLine: CommandLine.arguments,
                started: BaselineStore.isoNow()),
            cells: cells.map { CompareCell(label: $0.label, settings: $0.settings) })

        // Named now: the folder's time stamp is when the comparison started, as the runs' own folders are.
        let folder = try options.outputFolder()
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
            var runOptions = RunOptions()
            runOptions.showProgress = showProgress
            let outcome = RunSession(parsed: parsedCells[slot.cell], options: runOptions).run()
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

        try options.write(result, to: folder, jobFilesRead: parsedCells.first?.files ?? [])
        if exitStatus != 0 { throw ExitCode(exitStatus) }
    }

    /// `--from`: the table on stdout and report.html in --output-dir (default: next to the file).
    private func rerender(_ path: String) throws {
        let result: CompareResult
        do { result = try ResultLoader.readCompare(path) } catch { throw UsageFailure(message: error.description) }
        let folder = options.outputDirectory ?? (path as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(
            atPath: folder.isEmpty ? "." : folder, withIntermediateDirectories: true)
        let html = (folder.isEmpty ? "." : folder) + "/report.html"
        try Data(HTMLReport.render(result).utf8).write(to: URL(fileURLWithPath: html))
        FileHandle.standardOutput.write(
            Data((options.outputFormat == "json" ? try result.json() : CompareTable.render(result)).utf8))
        standardError("diobench: wrote \(html)")
    }
}
