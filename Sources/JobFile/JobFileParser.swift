// The public entry point: job file(s) in, resolved JobSpecs out. It follows fio's model: a [global] section
// edits a template job; each job section starts from a copy of the template as it is at that point, so a
// later [global] does not touch the jobs above it.

import Foundation

/// The result of parsing one or more job files.
public struct ParsedJobFile: Sendable, Equatable {
    /// Resolved jobs in file order, numjobs not expanded (the runner makes the clones).
    public var jobs: [JobSpec]
    public var warnings: [JobFileWarning]
    /// Every `[global]` option as written, in order (fio's JSON "global options" is `globalOptions.fioDictionary`).
    public var globalOptions: [WrittenOption]
    /// Every file read: the job files, then their includes.
    public var files: [String]
}

/// An option applied to every job section as if written last in it (`diobench compare --matrix`), so its
/// value goes through the same table and checks, and errors name `origin` (e.g. "--matrix direct=2").
public struct JobOptionOverride: Sendable, Equatable {
    public var name: String
    public var value: String?
    public var origin: String
    public init(name: String, value: String?, origin: String) {
        self.name = name; self.value = value; self.origin = origin
    }
}

public struct JobFileParser: Sendable {
    public var environment: [String: String]
    public var system: SystemValues

    public init(environment: [String: String] = ProcessInfo.processInfo.environment, system: SystemValues = .current) {
        self.environment = environment
        self.system = system
    }

    /// Parses a job file. `sections` keeps only those job sections, like fio's `--section` ([global] always applies).
    public func parse(path: String, sections: [String]? = nil, overrides: [JobOptionOverride] = []) throws(JobFileError)
        -> ParsedJobFile
    {
        try parse(paths: [path], sections: sections, overrides: overrides)
    }

    /// Parses job-file text; `fileName` names it in messages and anchors relative includes.
    public func parse(
        text: String, fileName: String, sections: [String]? = nil,
        overrides: [JobOptionOverride] = []
    ) throws(JobFileError) -> ParsedJobFile {
        var reader = JobFileReader(environment: environment)
        try reader.read(text: text, fileName: fileName)
        var assembler = JobAssembler(system: system, sections: sections, overrides: overrides)
        try assembler.add(reader, fileName: fileName, stonewallFirstJob: false)
        return try assembler.finish(fileNames: [fileName])
    }

    /// Parses several job files as fio does on one command line: each file has its own [global] sections, and
    /// the first job of every file after the first waits for the ones before it (a stonewall, so a new group).
    /// Job options given on the command line come first, as described at `CommandLineJobOption`.
    public func parse(
        paths: [String], commandLine: [CommandLineJobOption] = [], sections: [String]? = nil,
        overrides: [JobOptionOverride] = []
    ) throws(JobFileError) -> ParsedJobFile {
        var assembler = JobAssembler(system: system, sections: sections, overrides: overrides)
        var reader = JobFileReader(environment: environment)
        var names = paths.map(JobFileInput.sourceName(of:))
        if !commandLine.isEmpty {
            try reader.read(commandLine: commandLine)
            names.insert(CommandLineJobOption.sourceName, at: 0)
            if paths.isEmpty {
                try assembler.add(reader, fileName: CommandLineJobOption.sourceName, stonewallFirstJob: false)
            }
        }
        for (index, path) in paths.enumerated() {
            // The command line's reader goes on into the first file, so its globals reach that file's jobs.
            if index > 0 { reader = JobFileReader(environment: environment, sequenceStart: reader.nextSequence) }
            try reader.read(path: path)
            try assembler.add(
                reader, fileName: names[commandLine.isEmpty ? index : index + 1], stonewallFirstJob: index > 0)
        }
        return try assembler.finish(fileNames: names)
    }
}

/// Where options' current values came from: by the option they set (`buffered` counts as `direct`), and by the
/// option as declared (to tell `rwmixread` from `rwmixwrite`).
struct Origins {
    var effective: [String: Origin] = [:]
    var own: [String: Origin] = [:]
    subscript(name: String) -> Origin? { effective[name] }
}

/// Where an option's current value came from.
struct Origin {
    var location: JobFileLocation
    var sequence: Int
    /// The name the file used (an alias stays an alias, so messages quote the file).
    var writtenName: String
    var value: String?
    /// What `value` was parsed with (kb_base at that point, the system's keywords), to read it again as the option did.
    var context: ValueContext
}

/// Builds jobs section by section and numbers their reporting groups.
struct JobAssembler {
    let system: SystemValues
    let sections: [String]?
    let overrides: [JobOptionOverride]
    private(set) var jobs: [JobSpec] = []
    private var warnings: [JobFileWarning] = []
    private var globalOptions: [WrittenOption] = []
    private var files: [String] = []
    private var sectionNames: [String] = []
    private var group = 0
    private var jobsInGroup = 0

    init(system: SystemValues, sections: [String]?, overrides: [JobOptionOverride] = []) {
        self.system = system
        self.sections = sections
        self.overrides = overrides
    }

    /// The overrides as option lines that come after every line of every file.
    private var overrideLines: [SourceLine] {
        overrides.enumerated().map { index, override in
            SourceLine(
                kind: .option(name: override.name, value: override.value),
                location: JobFileLocation(file: override.origin, line: 0), sequence: Int.max / 2 + index)
        }
    }

    mutating func add(_ reader: JobFileReader, fileName: String, stonewallFirstJob: Bool) throws(JobFileError) {
        do {
            try addSections(reader, fileName: fileName, stonewallFirstJob: stonewallFirstJob)
        } catch {
            throw reader.explainingUnsetVariables(error)
        }
    }

    private mutating func addSections(_ reader: JobFileReader, fileName: String, stonewallFirstJob: Bool)
        throws(JobFileError)
    {
        files += reader.files
        warnings += reader.warnings
        var template = JobSpec(name: "global", sourceFile: fileName, sourceLine: 0)
        var templateOrigins = Origins()
        var pendingStonewall = stonewallFirstJob

        // Sections with their option lines.
        var blocks: [(name: String, header: JobFileLocation, options: [SourceLine])] = []
        for line in reader.lines {
            switch line.kind {
            case .section(let name): blocks.append((name, line.location, []))
            case .option: blocks[blocks.count - 1].options.append(line)
            }
        }

        for block in blocks {
            if block.name == "global" {
                var written = globalOptions
                try OptionApplier(system: system).apply(
                    block.options, to: &template, origins: &templateOrigins, written: &written)
                globalOptions = written
                continue
            }
            sectionNames.append(block.name)
            if block.name.hasPrefix("global") {
                warnings.append(
                    JobFileWarning(
                        location: block.header,
                        message:
                            "[\(block.name)] is a job here, but fio treats any section whose name starts with 'global' as [global]"
                    ))
            }
            if let sections, !sections.contains(block.name) { continue }

            var spec = template
            spec.name = block.name
            spec.sourceFile = block.header.file
            spec.sourceLine = block.header.line
            var origins = templateOrigins
            var written: [WrittenOption] = []
            try OptionApplier(system: system).apply(
                block.options + overrideLines, to: &spec, origins: &origins, written: &written)
            spec.writtenOptions = written
            if pendingStonewall {
                spec.stonewall = true
                pendingStonewall = false
            }

            var resolver = JobResolver(spec: spec, origins: origins, header: block.header, earlierJobs: jobs)
            try resolver.resolve()
            spec = resolver.spec

            // fio's rule: a stonewall or new_group after at least one job opens the next group.
            if (spec.stonewall || spec.newGroup) && jobsInGroup > 0 {
                group += 1
                jobsInGroup = 0
            }
            spec.group = group
            jobsInGroup += 1
            try resolver.checkGroup(spec)
            jobs.append(spec)
            warnings += resolver.warnings
        }
    }

    func finish(fileNames: [String]) throws(JobFileError) -> ParsedJobFile {
        let where_ = JobFileLocation(file: fileNames.joined(separator: ", "), line: 0)
        if let sections {
            for wanted in sections where !sectionNames.contains(wanted) {
                throw JobFileError(
                    kind: .unknownSection, location: where_, message: "no job section named '\(wanted)'",
                    valid: sectionNames.isEmpty
                        ? "the file has no job sections"
                        : "sections: " + sectionNames.joined(separator: ", "),
                    suggestion: Suggestions.nearest(to: wanted, in: sectionNames))
            }
        }
        guard !jobs.isEmpty else {
            throw JobFileError(
                kind: .noJobs, location: where_, message: "no jobs defined",
                valid: "add a job section such as [job1] below [global]")
        }
        var seen = Set<JobFileWarning>()
        let unique = warnings.filter { seen.insert($0).inserted }
        return ParsedJobFile(jobs: jobs, warnings: unique, globalOptions: globalOptions, files: files)
    }
}

/// Applies one section's option lines to a job, through the option table.
struct OptionApplier {
    let system: SystemValues

    func apply(
        _ lines: [SourceLine], to spec: inout JobSpec, origins: inout Origins,
        written: inout [WrittenOption]
    ) throws(JobFileError) {
        var resolved: [(line: SourceLine, name: String, value: String?, definition: OptionDefinition)] = []
        for line in lines {
            guard case .option(let name, let value) = line.kind else { continue }
            resolved.append((line, name, value, try Self.definition(for: name, at: line.location)))
        }
        // fio applies kb_base before the section's other options, wherever it is written.
        let ordered =
            resolved.filter { $0.definition.name == "kb_base" } + resolved.filter { $0.definition.name != "kb_base" }
        for entry in ordered {
            let context = ValueContext(kbBase: spec.kbBase, system: system)
            do {
                try entry.definition.apply(&spec, entry.value, context)
            } catch {
                throw JobFileError(
                    kind: .badValue, location: entry.line.location, option: entry.name,
                    message: error.message, valid: error.valid, suggestion: error.suggestion)
            }
            let origin = Origin(
                location: entry.line.location, sequence: entry.line.sequence,
                writtenName: entry.name, value: entry.value, context: context)
            origins.effective[entry.definition.effectiveName] = origin
            origins.own[entry.definition.name] = origin
        }
        for entry in resolved {
            let option = WrittenOption(
                name: entry.definition.name, value: entry.value.map { Keywords.fioRecorded($0, system) })
            if let i = written.firstIndex(where: { $0.name == option.name }) {
                written[i] = option
            } else {
                written.append(option)
            }
        }
    }

    static func definition(for name: String, at location: JobFileLocation) throws(JobFileError) -> OptionDefinition {
        if let definition = OptionTable.definition(named: name) { return definition }
        if let reason = FioOnlyOptions.reason(for: name) {
            throw JobFileError(
                kind: .unknownOption, location: location, option: name,
                message: "fio 3.33 accepts this option, but diobench does not: it \(reason.rawValue)",
                valid: "remove it; diobench --cmdhelp lists the options it has")
        }
        let suggestion = Suggestions.nearest(to: name, in: OptionTable.allNames)
        throw JobFileError(
            kind: .unknownOption, location: location, option: name,
            message: "unknown option (fio 3.33 has no option of this name either)",
            valid: suggestion == nil ? "diobench --cmdhelp lists every option" : nil, suggestion: suggestion)
    }
}
