/// A job option written on the command line, as fio takes them (`fio --name=a --rw=randread --bs=4k`):
/// `--name=X` starts job X (`--name=global` a [global] section), any other option joins the section begun
/// last, and options before the first `--name` are global. Like fio, the command line reads as a job file
/// read just before the first file: its jobs come first, in the same group, and its global options are
/// defaults for the first file's jobs too (fio starts each later file from fresh defaults).
public struct CommandLineJobOption: Sendable, Equatable {
    public var name: String
    /// nil for a bare `--flag`.
    public var value: String?

    public init(name: String, value: String?) {
        self.name = name
        self.value = value
    }

    /// From `name=value`, or a bare `name`; split at the first `=` scalar, as the job-file lexer splits.
    public init(assignment: some StringProtocol) {
        let scalars = String(assignment).unicodeScalars
        if let equals = scalars.firstIndex(of: "=") {
            self.init(
                name: String(Substring(scalars[..<equals])),
                value: String(Substring(scalars[scalars.index(after: equals)...])))
        } else {
            self.init(name: String(assignment), value: nil)
        }
    }

    /// Where the option came from, in messages: the file part of its location.
    public static let sourceName = "<command line>"

    /// `name=value`, or `name` for a bare flag.
    public var assignment: String { value.map { "\(name)=\($0)" } ?? name }

    /// As it was written.
    public var argument: String { "--" + assignment }

    /// fio's options that take no separate value on its command line (its "set" options: `--time_based 1`
    /// reads `1` as a job file); every other option takes the next argument when `=` is missing. Found by
    /// asking fio 3.33 about each option diobench knows.
    static let takesNoSeparateValue: Set<String> = [
        "time_based", "thread", "norandommap", "group_reporting", "stonewall", "new_group", "fixedbufs",
        "registerfiles",
        "sqthread_poll", "hipri", "bs_unaligned", "exitall", "exitall_on_error", "refill_buffers", "verify_only",
        "zero_buffers", "userspace_reap",
    ]

    /// Is `name` a job option (one diobench runs, or one it knows fio has)?
    public static func isJobOption(_ name: String) -> Bool {
        OptionTable.definition(named: name) != nil || FioOnlyOptions.names.contains(name)
    }

    /// Splits command-line arguments into job options and the rest. `--opt=value` is a job option when `opt`
    /// is one and not among `reserved` (the command's own flags); so is `--opt value`, except for fio's set
    /// options (`--time_based`), which stand alone; an option with no value left is taken bare. Nothing after
    /// `--` is taken.
    public static func extract(from arguments: [String], reserved: Set<String>) -> (
        options: [CommandLineJobOption], rest: [String]
    ) {
        var options: [CommandLineJobOption] = []
        var rest: [String] = []
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            index += 1
            if argument == "--" {
                rest += arguments[(index - 1)...]
                break
            }
            guard argument.hasPrefix("--"), argument.count > 2 else {
                rest.append(argument)
                continue
            }
            let body = argument.dropFirst(2)
            let name = CommandLineJobOption(assignment: body).name
            guard !reserved.contains(name), isJobOption(name) else {
                rest.append(argument)
                continue
            }
            let canonical = OptionTable.definition(named: name)?.name ?? name
            if body.unicodeScalars.contains("=") {
                options.append(CommandLineJobOption(assignment: body))
            } else if takesNoSeparateValue.contains(canonical) {
                options.append(CommandLineJobOption(name: name, value: nil))
            } else if index < arguments.count, !arguments[index].hasPrefix("--") {
                options.append(CommandLineJobOption(name: name, value: arguments[index]))
                index += 1
            } else {
                options.append(CommandLineJobOption(name: name, value: nil))
            }
        }
        return (options, rest)
    }
}

extension JobFileReader {
    /// The command line's job options as sections and option lines, each located by how it was written.
    /// `${NAME}` is left alone, as fio leaves it: the shell has already expanded what it was asked to.
    mutating func read(commandLine: [CommandLineJobOption]) throws(JobFileError) {
        for (index, option) in commandLine.enumerated() {
            let location = JobFileLocation(file: CommandLineJobOption.sourceName + " " + option.argument, line: 0)
            if option.name == "name" {
                guard let job = option.value, !job.isEmpty else {
                    throw JobFileError(
                        kind: .syntax, location: location, option: "name",
                        message: "--name needs a job name",
                        valid: "--name=job1 starts a job; --name=global a [global] section")
                }
                appendSection(job, at: location)
                // fio counts --name among the section's options (its JSON lists it); a file's [job] header is not.
                try appendOption(name: "name", value: job, at: location, expanding: false)
            } else {
                if index == 0 { appendSection("global", at: location) }
                try appendOption(name: option.name, value: option.value, at: location, expanding: false)
            }
        }
    }
}

/// Values of fio's own command-line flags, read with the job files' number rules.
public enum CommandLineValue {
    /// A time in nanoseconds (`--eta-newline=2s`; a plain number is in seconds), or why it is not one.
    public static func nanoseconds(_ text: String) -> Result<UInt64, CommandLineValueError> {
        do {
            return .success(try TimeKind().parse(text, ValueContext(kbBase: 1024, system: .current)))
        } catch {
            return .failure(CommandLineValueError(description: error.message + (error.valid.map { " (\($0))" } ?? "")))
        }
    }
}

public struct CommandLineValueError: Error, Sendable, CustomStringConvertible {
    public var description: String
}

extension JobFileParser {
    /// A job file as command-line job options (fio's `--showcmd`): sections become `--name=X`, options
    /// `--opt=value`, includes and `${VAR}`s already resolved. Leading [global] options come first without
    /// a name, as fio prints them; a [global] after a job keeps `--name=global` so it stays global.
    /// The file is read once (it may be a pipe) and checked as a run would check it.
    public func commandLineArguments(path: String) throws(JobFileError) -> [String] {
        var reader = JobFileReader(environment: environment)
        try reader.read(path: path)
        let name = JobFileInput.sourceName(of: path)
        var assembler = JobAssembler(system: system, sections: nil)
        try assembler.add(reader, fileName: name, stonewallFirstJob: false)
        // A `name=` line renames its job; on a command line it would start another, so each job's
        // `--name=` carries its final name and the `name=` lines are left out.
        var jobNames = try assembler.finish(fileNames: [name]).jobs.map(\.name).makeIterator()
        var arguments: [String] = []
        var sawJob = false
        for line in reader.lines {
            switch line.kind {
            case .section(let section):
                if section != "global" {
                    arguments.append("--name=\(jobNames.next() ?? section)")
                    sawJob = true
                } else if sawJob {
                    arguments.append("--name=global")
                }
            case .option(let option, let value):
                if OptionTable.definition(named: option)?.name != "name" {
                    arguments.append(CommandLineJobOption(name: option, value: value).argument)
                }
            }
        }
        return arguments
    }
}
