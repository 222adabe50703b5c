import ArgumentParser
import Foundation
import JobFile
import Report
import Runner
import Stats
import Vocabulary

/// `diobench run JOBFILE…` (and `diobench JOBFILE…`): fio's command line for running job files.
struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run fio job files.")

    @Argument(help: "Job files, in fio's format; - reads one from standard input.")
    var jobFiles: [String] = []

    @Option(
        name: .customLong("output-format"),
        help: "normal, json, json+ or terse; a comma list prints several (JSON alone keeps stdout pure JSON).")
    var outputFormat = "normal"

    @Option(name: .customLong("output"), help: "Write the report to this file instead of stdout.")
    var output: String?

    @Option(name: .customLong("section"), help: "Run only this job section (repeatable).")
    var sections: [String] = []

    @Flag(name: .customLong("parse-only"), help: "Print the resolved jobs and exit.")
    var parseOnly = false

    @Option(name: .customLong("cmdhelp"), help: "Describe a job option, or all of them (`--cmdhelp` alone).")
    var cmdhelp: String?

    @Flag(name: .customLong("save"), help: "Also save the run (result.json and the resolved jobs) under --results-dir.")
    var save = false

    @Option(name: .customLong("results-dir"), help: "Where --save puts runs.")
    var resultsDirectory = "Results/runs"

    @Flag(
        name: .customLong("no-progress"), help: "No live status line (it is off anyway when stdout is not a terminal).")
    var noProgress = false

    /// fio's --eta: when the status line shows.
    enum StatusLine: String, ExpressibleByArgument, CaseIterable {
        case auto, always, never
    }

    @Option(
        name: .customLong("eta"),
        help: "When the status line shows: auto (on a terminal), always or never (fio's --eta).")
    var eta = StatusLine.auto

    @Option(
        name: .customLong("eta-newline"),
        help: "Start a new status line every TIME (e.g. 10s) instead of rewriting one.")
    var etaNewline: String?

    @Flag(name: .customLong("minimal"), help: "Terse output, as --output-format=terse (fio's --minimal).")
    var minimal = false

    @Flag(name: .customLong("readonly"), help: "Refuse to run if any job writes or trims (fio's safety switch).")
    var readOnly = false

    @Flag(
        name: .customLong("showcmd"),
        help: "Print each job file as one diobench (and fio) command line of job options, and exit.")
    var showCommand = false

    @Flag(name: .customLong("warnings-fatal"), help: "Job-file warnings stop the run with exit status 2.")
    var warningsFatal = false

    @OptionGroup var commandLineJobs: CommandLineJobs

    @Option(
        name: .customLong("journal-dir"),
        help: ArgumentHelp("Where changes are journaled for `diobench cleanup`.", visibility: .hidden))
    var journalDirectory = RunDirectories.journal

    mutating func run() throws {
        if let cmdhelp {
            guard let text = OptionTable.cmdhelp(cmdhelp == "all" ? nil : cmdhelp) as String? else { return }
            print(text, terminator: text.hasSuffix("\n") ? "" : "\n")
            return
        }
        guard !jobFiles.isEmpty || !commandLineJobs.encoded.isEmpty else {
            throw ValidationError(
                "no job file given (try `diobench run Jobs/quickstart.fio`, or fio's `--name=job --rw=read --size=1g …`)"
            )
        }
        let formats: [OutputFormat]
        do {
            formats = try OutputFormat.parseList(minimal ? "terse" : outputFormat)
        } catch {
            throw ValidationError("\(error)")
        }
        var newlineNs: UInt64?
        if let etaNewline {
            switch CommandLineValue.nanoseconds(etaNewline) {
            case .success(let ns): newlineNs = ns
            case .failure(let problem): throw ValidationError("--eta-newline=\(etaNewline): \(problem)")
            }
        }
        if showCommand {
            try showCommandLines()
            return
        }
        let parsed = try parseJobFiles(jobFiles, commandLine: commandLineJobs.options, sections: sections)
        for warning in parsed.warnings { standardError("diobench: \(warning)") }
        if warningsFatal && !parsed.warnings.isEmpty {
            throw UsageFailure(message: "--warnings-fatal: \(parsed.warnings.count) job-file warning(s), listed above")
        }
        if readOnly { try refuseWriters(parsed) }
        if parseOnly {
            FileHandle.standardOutput.write(Data(parsed.jobs.map { $0.renderResolved() }.joined(separator: "\n").utf8))
            return
        }

        if formats.contains(.normal) && output == nil {
            FileHandle.standardOutput.write(Data(banner(parsed).utf8))
        }
        var options = RunOptions()
        options.showProgress = eta == .always || (eta == .auto && progressWanted(noProgress: noProgress))
        options.progressNewlineNs = newlineNs
        options.readOnly = readOnly
        options.journalDirectory = journalDirectory
        // For the lab's crash tests only: count crash reports a program wrote to /dev/kmsg as the kernel's.
        if ProcessInfo.processInfo.environment["DIOBENCH_KERNEL_EVENTS_FROM_PROGRAMS"] == "1" {
            options.zfs.kernelEventsFromPrograms = true
        }
        let delivery = Delivery(
            formats: formats, output: output, save: save ? resultsDirectory : nil, parsed: parsed)
        options.onKernelCrash = { outcome in delivery.crashed(outcome) }
        let outcome = RunSession(parsed: parsed, options: options).run()
        try delivery.deliver(outcome)
        if outcome.exitStatus != 0 { throw ExitCode(outcome.exitStatus) }
    }

    /// Where a run's results go: the report (stdout or --output) and the --save folder.
    struct Delivery: Sendable {
        var formats: [OutputFormat]
        var output: String?
        var save: String?
        var parsed: ParsedJobFile

        func deliver(_ outcome: RunOutcome) throws {
            let text = try ReportRenderer.render(outcome.result, formats: formats)
            if let output {
                try Data(text.utf8).write(to: URL(fileURLWithPath: output))
            } else {
                FileHandle.standardOutput.write(Data(text.utf8))
            }
            if let save {
                let folder = try SavedRun.write(outcome.result, jobs: parsed, under: save)
                standardError("diobench: saved \(folder)")
            }
        }

        /// A job crashed the kernel: its workers may sleep in the kernel for good and can never be joined,
        /// so a normal exit would wait forever. Everything is written (stdout is unbuffered), then the process
        /// `_exit`s with status 4. `DIOBENCH_CRASH_MARKER=FILE` (the lab's guest script) gets a JSON line
        /// per crashed job once the results are out: the sign that waiting for diobench is over.
        func crashed(_ outcome: RunOutcome) -> Never {
            var status = outcome.exitStatus
            do {
                try deliver(outcome)
            } catch {
                standardError("diobench: \(error)")
                status = 1
            }
            if let marker = ProcessInfo.processInfo.environment["DIOBENCH_CRASH_MARKER"], !marker.isEmpty {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
                var lines = ""
                for job in outcome.result.jobs {
                    guard let crash = job.diobench?.crash,
                        let data = try? encoder.encode(CrashMarker(job: job.jobname, crash: crash))
                    else { continue }
                    lines += String(decoding: data, as: UTF8.self) + "\n"
                }
                if !(FileManager.default.createFile(atPath: marker, contents: Data(lines.utf8))) {
                    standardError("diobench: cannot write the crash marker \(marker)")
                }
            }
            standardError(
                "diobench: exiting without waiting for the workers stuck in the kernel (exit status \(status))")
            _exit(status)
        }
    }

    /// One line of the crash marker file.
    struct CrashMarker: Encodable {
        var job: String
        var crash: KernelCrash
    }

    /// fio's --readonly, before anything runs: no job may write or trim, nor make a scratch pool (its vdev
    /// files are written). Files a job would create or extend are refused as each job is prepared.
    private func refuseWriters(_ parsed: ParsedJobFile) throws {
        if let writer = parsed.jobs.first(where: { $0.rw.writes || $0.rw.trims }) {
            throw UsageFailure(
                message:
                    "--readonly: job '\(writer.name)' (\(writer.sourceFile)) has rw=\(writer.rw.rawValue), which writes or trims; nothing was run"
            )
        }
        if let pooled = parsed.jobs.first(where: { $0.zfs?.scratchPool != nil }) {
            throw UsageFailure(
                message:
                    "--readonly: job '\(pooled.name)' makes a scratch pool (zfs_scratch_pool), which writes its vdev files; nothing was run"
            )
        }
    }

    /// fio's --showcmd: each file checked, then printed as a command line a shell can run.
    private func showCommandLines() throws {
        for file in jobFiles {
            let arguments: [String]
            do {
                arguments = try JobFileParser().commandLineArguments(path: file)
            } catch {
                throw UsageFailure(message: error.description)
            }
            print((["diobench"] + arguments.map(shellQuoted)).joined(separator: " "))
        }
    }

    private func banner(_ parsed: ParsedJobFile) -> String {
        let jobs = parsed.jobs.map { spec in
            let sizes = IODirection.allCases.map(spec.blockSizeBounds)
            return JobBanner(
                name: spec.name, group: spec.group, rw: spec.rw.rawValue, blockSizes: sizes,
                ioengine: spec.ioengine.rawValue, iodepth: spec.iodepth, numjobs: spec.numjobs)
        }
        return JobBanner.render(jobs, version: "diobench-\(diobenchVersion)", threads: true)
    }
}

/// A job-file or usage problem found after argument parsing: exit status 2, message as given.
struct UsageFailure: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}

/// The job files and command-line jobs (only `sections` when given), with `overrides` applied; a job-file
/// error is a usage error (exit 2).
func parseJobFiles(
    _ files: [String], commandLine: [CommandLineJobOption] = [], sections: [String],
    overrides: [JobOptionOverride] = []
) throws -> ParsedJobFile {
    do {
        return try JobFileParser().parse(
            paths: files, commandLine: commandLine, sections: sections.isEmpty ? nil : sections,
            overrides: overrides)
    } catch {
        throw UsageFailure(message: error.description)
    }
}

/// `argument` as one shell word: as is when no shell treats any of it specially; `--opt="value"` as fio's
/// --showcmd writes it when only the value needs quoting and double quotes keep it literal; else single-quoted.
func shellQuoted(_ argument: String) -> String {
    func plain(_ text: Substring) -> Bool {
        text.unicodeScalars.allSatisfy {
            ($0.properties.isAlphabetic && $0.isASCII) || "0123456789_-+=/.,:%@^".unicodeScalars.contains($0)
        }
    }
    if !argument.isEmpty && plain(argument[...]) { return argument }
    if let equals = argument.firstIndex(of: "="), plain(argument[..<equals]),
        !argument[equals...].contains(where: { "$`\\\"!".contains($0) })
    {
        return argument[...equals] + "\"" + argument[argument.index(after: equals)...] + "\""
    }
    return "'" + argument.replacingOccurrences(of: "'", with: "'\\''") + "'"
}

/// Live progress goes to a terminal only, as fio's does, and never with --no-progress.
func progressWanted(noProgress: Bool) -> Bool {
    !noProgress && isatty(STDOUT_FILENO) == 1 && isatty(STDERR_FILENO) == 1
}

func standardError(_ line: String) {
    FileHandle.standardError.write(Data((line + "\n").utf8))
}
