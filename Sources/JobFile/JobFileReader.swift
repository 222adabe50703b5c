// Reads job files and inlines their includes, giving the parser one flat list of sections and options, each
// still carrying the file and line it came from. Expands `${NAME}` in values and include names.

import Foundation

/// An option or section header after includes and `${NAME}` expansion.
struct SourceLine {
    enum Kind: Equatable {
        case section(String)
        case option(name: String, value: String?)
    }
    var kind: Kind
    var location: JobFileLocation
    /// Position in reading order across all files, to tell which of two options came later.
    var sequence: Int
}

struct JobFileReader {
    let environment: [String: String]
    private(set) var lines: [SourceLine] = []
    private(set) var warnings: [JobFileWarning] = []
    /// `${NAME}`s that expanded to nothing, by line: an error on such a line says why its value is empty.
    private var unsetVariables: [JobFileLocation: [String]] = [:]
    /// Every file read, in order (the top file first).
    private(set) var files: [String] = []
    private var sequence = 0

    init(environment: [String: String], sequenceStart: Int = 0) {
        self.environment = environment
        self.sequence = sequenceStart
    }

    var nextSequence: Int { sequence }

    /// Reads the job file at `path`, or standard input for `-`.
    mutating func read(path: String) throws(JobFileError) {
        let text =
            path == JobFileInput.standardInputArgument
            ? try JobFileInput.standardInputText()
            : try JobFileInput.text(of: path, location: JobFileLocation(file: path, line: 0), isInclude: false)
        try read(text: text, fileName: JobFileInput.sourceName(of: path))
    }

    mutating func read(text: String, fileName: String) throws(JobFileError) {
        files.append(fileName)
        var stack: [String] = []
        if FileManager.default.fileExists(atPath: fileName) { stack.append(Self.canonical(fileName)) }
        try add(text: text, file: fileName, includeStack: stack, insideSection: false, isIncluded: false)
    }

    private mutating func add(
        text: String, file: String, includeStack: [String], insideSection: Bool,
        isIncluded: Bool
    ) throws(JobFileError) {
        var inSection = insideSection
        for line in try JobFileLexer.lex(text, file: file) {
            switch line.statement {
            case .section(let name):
                if isIncluded {
                    throw JobFileError(
                        kind: .include, location: line.location,
                        message: "included files may not contain sections ([\(name)])",
                        valid: "put only options in an included file; its options join the section that includes it")
                }
                inSection = true
                append(.section(name), at: line.location)
            case .option(let name, let value):
                guard inSection else {
                    throw JobFileError(
                        kind: .syntax, location: line.location, option: name,
                        message: "option outside of any section",
                        valid: "put options under a [global] or [job] header")
                }
                try appendOption(name: name, value: value, at: line.location)
            case .include(let rawPath):
                guard inSection else {
                    throw JobFileError(
                        kind: .include, location: line.location,
                        message: "include outside of any section",
                        valid: "put include lines under a [global] or [job] header, as fio requires")
                }
                let path = Self.resolve(expand(rawPath, at: line.location, option: nil), relativeTo: file)
                let canonical = Self.canonical(path)
                if let loopStart = includeStack.firstIndex(of: canonical) {
                    let cycle = (includeStack[loopStart...] + [canonical]).map { ($0 as NSString).lastPathComponent }
                    throw JobFileError(
                        kind: .include, location: line.location,
                        message: "include cycle: " + cycle.joined(separator: " -> "),
                        valid: "remove one of the includes")
                }
                let included = try JobFileInput.text(of: path, location: line.location, isInclude: true)
                files.append(path)
                try add(
                    text: included, file: path, includeStack: includeStack + [canonical], insideSection: true,
                    isIncluded: true)
            }
        }
    }

    mutating func appendSection(_ name: String, at location: JobFileLocation) {
        append(.section(name), at: location)
    }

    /// An option line; `${NAME}` in its value is expanded as in a file unless `expanding` is false.
    mutating func appendOption(
        name: String, value: String?, at location: JobFileLocation,
        expanding: Bool = true
    ) throws(JobFileError) {
        // Trimmed as a job-file line's value is, whatever a variable or the command line brought.
        let value = (expanding ? value.map { expand($0, at: location, option: name) } : value)?.trimmingWhitespace()
        if let value, let problem = Self.unwritable(value, expanded: expanding, option: name) {
            throw explainingUnsetVariables(
                JobFileError(
                    kind: .badValue, location: location, option: name,
                    message: problem.message, valid: problem.valid))
        }
        append(.option(name: name, value: value), at: location)
    }

    /// `error` with a note on each `${NAME}` its line expanded to nothing: the warning that says so is never
    /// printed when the run stops on an error.
    func explainingUnsetVariables(_ error: JobFileError) -> JobFileError {
        guard let names = unsetVariables[error.location] else { return error }
        var explained = error
        let note = names.map { "${\($0)} is not set in the environment and expanded to nothing" }.joined(
            separator: "; ")
        explained.valid = explained.valid.map { "\($0); \(note)" } ?? note
        return explained
    }

    /// Why `value` would not read back as itself from a job-file line, or nil. Resolved jobs are written back as
    /// job files (--parse-only, saved runs), so such a value is refused; fio, which writes nothing back, would
    /// take it as it is (it expands once, and not on its command line).
    /// A job's name is written back as its `[name]` header, where nothing is expanded.
    static func unwritable(_ value: String, expanded: Bool, option: String) -> (message: String, valid: String)? {
        let subject = expanded ? "after expanding variables the value" : "the value"
        let readBack =
            "which the job would not keep when diobench writes it back as a job file (--parse-only, saved runs)"
        if option != "name", let reference = VariableExpansion.firstReference(in: value) {
            return (
                "\(subject) holds '\(reference)', \(readBack): it would be expanded again",
                "write the value without '${…}'; to use a variable, let the job file or the shell expand it once"
            )
        }
        if value.unicodeScalars.contains("\n") {
            return ("\(subject) holds a line break, \(readBack)", "a value on one line")
        }
        if JobFileLexer.stripComment(value) != value {
            return (
                "\(subject) holds a ';' or '#' outside double quotes, \(readBack): it would start a comment",
                "leave out the ';' or '#', or put it in double quotes in a value that is not a path"
            )
        }
        return nil
    }

    private mutating func append(_ kind: SourceLine.Kind, at location: JobFileLocation) {
        lines.append(SourceLine(kind: kind, location: location, sequence: sequence))
        sequence += 1
    }

    private mutating func expand(_ text: String, at location: JobFileLocation, option: String?) -> String {
        let (expanded, undefined) = VariableExpansion.expand(text, environment: environment)
        if !undefined.isEmpty { unsetVariables[location, default: []] += undefined }
        for name in undefined {
            warnings.append(
                JobFileWarning(
                    location: location, option: option,
                    message: "environment variable \(name) is not set; ${\(name)} expands to nothing"))
        }
        return expanded
    }

    /// An include path as fio resolves it: relative to the directory of the file that includes it.
    static func resolve(_ path: String, relativeTo file: String) -> String {
        if path.hasPrefix("/") { return path }
        let directory = (file as NSString).deletingLastPathComponent
        return directory.isEmpty ? path : (directory as NSString).appendingPathComponent(path)
    }

    private static func canonical(_ path: String) -> String {
        URL(fileURLWithPath: path).standardizedFileURL.resolvingSymlinksInPath().path
    }
}
