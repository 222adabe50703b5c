import ArgumentParser
import JobFile

/// fio's job options on the command line (`diobench --name=a --rw=randread --bs=4k --size=1g`). main.swift
/// takes them out of the arguments before the argument parser sees them and hands them to `run` and
/// `compare` through this hidden option, one `name=value` (or a bare `name`) each, in order.
struct CommandLineJobs: ParsableArguments {
    @Option(name: .customLong("job-option"), parsing: .unconditionalSingleValue, help: .hidden)
    var encoded: [String] = []

    var options: [CommandLineJobOption] { encoded.map { CommandLineJobOption(assignment: $0) } }

    /// Subcommands whose arguments are never job options (`lab run` takes them; the rest of `lab` does not).
    static let otherSubcommands: Set<String> = ["diff", "baseline", "cleanup", "lab"]
    /// `lab run`'s own flags, besides the ones it shares with `run`.
    static let labRunFlags: Set<String> = [
        "image-dir", "package-dir", "pool", "no-pool", "disk", "memory", "cpus", "timeout",
        "accel", "console-log", "image", "boots-per-image",
    ]
    /// diobench's own long flags: never read as job options.
    static let ownFlags: Set<String> = [
        "output-format", "output", "section", "parse-only", "cmdhelp", "save", "results-dir",
        "no-progress", "journal-dir", "matrix", "repeat", "boots-per-image", "output-dir", "from", "help",
        "version", "job-option", "eta", "eta-newline", "minimal", "readonly", "warnings-fatal", "showcmd",
    ]

    /// The arguments with every job option moved into `--job-option` pairs (before any `--`).
    static func rewrite(_ arguments: [String]) -> [String] {
        if arguments.starts(with: ["lab", "run"]) || arguments.starts(with: ["lab", "compare"]) {
            return Array(arguments.prefix(2))
                + rewrite(Array(arguments.dropFirst(2)), reserved: ownFlags.union(labRunFlags))
        }
        if let first = arguments.first, otherSubcommands.contains(first) { return arguments }
        return rewrite(arguments, reserved: ownFlags)
    }

    private static func rewrite(_ arguments: [String], reserved: Set<String>) -> [String] {
        let (options, rest) = CommandLineJobOption.extract(from: arguments, reserved: reserved)
        let pairs = options.flatMap { ["--job-option", $0.assignment] }
        var rewritten = rest
        rewritten.insert(contentsOf: pairs, at: rest.firstIndex(of: "--") ?? rest.count)
        return rewritten
    }
}
