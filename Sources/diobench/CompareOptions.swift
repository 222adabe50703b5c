import ArgumentParser
import Foundation
import JobFile
import Report

/// The options `compare` and `lab compare` share: the job files, the matrix, the repetitions and where the
/// results go. One group, so the two commands take exactly the same ones.
struct CompareOptions: ParsableArguments {
    @Argument(help: "Job files, in fio's format; - reads one from standard input (not in the lab).")
    var jobFiles: [String] = []

    @Option(
        name: .customLong("matrix"),
        help: ArgumentHelp(
            "OPTION=v1,v2,…: values of one job option to compare (repeatable; use | between values that contain commas). lab_image=A,B boots lab images.",
            valueName: "option=values"))
    var matrix: [String] = []

    @Option(name: .customLong("repeat"), help: "Runs of each combination (6 or more give 95% intervals).")
    var repetitions = 3

    @Option(
        name: .customLong("boots-per-image"),
        help:
            "Lab compares: boots of each image, the repetitions shared out among them (default 2 with --repeat 2 or more)."
    )
    var bootsPerImage: Int?

    @Option(name: .customLong("section"), help: "Run only this job section (repeatable).")
    var sections: [String] = []

    @Option(name: .customLong("output-dir"), help: "Where compare.json, report.html and table.txt go.")
    var outputDirectory: String?

    @Option(name: .customLong("results-dir"), help: "Parent of the default output folder.")
    var resultsDirectory = "Results/compare"

    @Option(name: .customLong("output-format"), help: "normal (the table) or json (compare.json on stdout).")
    var outputFormat = "normal"

    @OptionGroup var commandLineJobs: CommandLineJobs

    @Flag(
        name: .customLong("no-progress"),
        help: "No live status lines (they are off anyway when stdout is not a terminal).")
    var noProgress = false

    /// Checks what needs no parsing of job files; `command` names the command in the hint.
    func check(command: String) throws {
        guard !jobFiles.isEmpty || !commandLineJobs.encoded.isEmpty else {
            throw ValidationError(
                "no job file given (try `diobench \(command) Jobs/compare-direct.fio --matrix direct=0,1`)")
        }
        guard repetitions >= 1 else { throw ValidationError("--repeat must be at least 1") }
        if let bootsPerImage, bootsPerImage < 1 { throw ValidationError("--boots-per-image must be at least 1") }
        guard ["normal", "json"].contains(outputFormat) else {
            throw ValidationError("--output-format \(outputFormat): expected normal or json")
        }
    }

    /// The `--matrix` axes, in the order given.
    func axes() throws -> [MatrixAxis] {
        do {
            let axes = try matrix.map { text throws(CompareInputError) in try MatrixAxis(parsing: text) }
            _ = try CompareMatrix.cells(axes)
            return axes
        } catch {
            throw UsageFailure(message: error.description)
        }
    }

    /// Every cell parsed before anything runs: a bad value fails now, not after an hour of runs.
    /// Prints each distinct warning once.
    func parse(_ cells: [MatrixCell]) throws -> [ParsedJobFile] {
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
        return parsedCells
    }

    /// `--output-dir`, or a new `<results-dir>/<UTC time>-<job>` folder.
    func outputFolder() throws -> String {
        if let outputDirectory { return outputDirectory }
        let stem: String
        switch jobFiles.first {
        case nil: stem = commandLineJobs.options.first { $0.name == "name" }?.value ?? "command-line"
        case JobFileInput.standardInputArgument?: stem = "stdin"
        case let file?: stem = ((file as NSString).lastPathComponent as NSString).deletingPathExtension
        }
        return SavedRun.newFolderPath(under: resultsDirectory, name: stem)
    }

    /// compare.json, table.txt, report.html and the job files into `folder`; the table (or the JSON) on stdout.
    func write(_ result: CompareResult, to folder: String, jobFilesRead: [String]) throws {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let json = try result.json()
        let table = CompareTable.render(result)
        try Data(json.utf8).write(to: URL(fileURLWithPath: folder + "/compare.json"))
        try Data(table.utf8).write(to: URL(fileURLWithPath: folder + "/table.txt"))
        try Data(HTMLReport.render(result).utf8).write(to: URL(fileURLWithPath: folder + "/report.html"))
        SavedRun.copyJobFiles(jobFilesRead, into: folder)
        FileHandle.standardOutput.write(Data((outputFormat == "json" ? json : table).utf8))
        standardError("diobench: wrote \(folder)/compare.json, report.html, table.txt")
    }

    /// The `--matrix` argument that gives `axis` back, `|`-separated when a value holds a comma.
    static func argument(_ axis: MatrixAxis) -> String {
        axis.option + "=" + axis.values.joined(separator: axis.values.contains { $0.contains(",") } ? "|" : ",")
    }
}
