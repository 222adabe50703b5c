// What the parser says about bad input: one error that stops the run, and warnings that don't.
// Both name the file and line, and the option when there is one, so a user can go straight to the fix.

/// A place in a job file. `line` is 1-based; 0 means the file as a whole.
public struct JobFileLocation: Sendable, Equatable, Hashable, Codable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public init(file: String, line: Int) { self.file = file; self.line = line }
    public var description: String { line > 0 ? "\(file):\(line)" : file }
}

/// A job file that can't be run. `description` reads like
/// `jobs/a.fio:7: option 'bs': '4q' is not a size (expected a number with an optional k/m/g/t suffix, e.g. 4k)`.
public struct JobFileError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: String, Sendable, Equatable {
        /// A line that is not a section, an option or an include.
        case syntax
        /// An option name nobody knows.
        case unknownOption
        /// A value the option does not accept.
        case badValue
        /// Options that can't go together (the error points at the later one).
        case conflict
        /// An include that can't be read, or that loops.
        case include
        /// The job file itself can't be read.
        case unreadable
        /// `sections:` names a section the file does not have.
        case unknownSection
        /// No job sections at all.
        case noJobs
    }

    public var kind: Kind
    public var location: JobFileLocation
    /// The option concerned, by the name the file used (nil for syntax and file-level errors).
    public var option: String?
    public var message: String
    /// What would be valid, as a phrase ("expected one of: read, write, …").
    public var valid: String?
    /// A near miss of an option name or value: "did you mean 'X'?".
    public var suggestion: String?

    public var file: String { location.file }
    public var line: Int { location.line }

    public init(
        kind: Kind, location: JobFileLocation, option: String? = nil, message: String,
        valid: String? = nil, suggestion: String? = nil
    ) {
        self.kind = kind
        self.location = location
        self.option = option
        self.message = message
        self.valid = valid
        self.suggestion = suggestion
    }

    public var description: String {
        var text = "\(location): "
        if let option { text += "option '\(option)': " }
        text += message
        var tail: [String] = []
        if let valid { tail.append(valid) }
        if let suggestion { tail.append("did you mean '\(suggestion)'?") }
        if !tail.isEmpty { text += " (" + tail.joined(separator: "; ") + ")" }
        return text
    }
}

/// Something fio would accept (and often fix up silently) but the user probably did not mean.
public struct JobFileWarning: Sendable, Equatable, Hashable, CustomStringConvertible {
    public var location: JobFileLocation
    public var option: String?
    /// The job it concerns, when it concerns one.
    public var job: String?
    public var message: String

    public init(location: JobFileLocation, option: String? = nil, job: String? = nil, message: String) {
        self.location = location
        self.option = option
        self.job = job
        self.message = message
    }

    public var description: String {
        var text = "\(location): warning: "
        if let option { text += "option '\(option)': " }
        if let job { text += "job '\(job)': " }
        return text + message
    }
}

/// A problem with one value, before the parser knows where it was written. The parser adds file, line and option.
struct ValueProblem: Error, Sendable {
    var message: String
    var valid: String?
    var suggestion: String?
    init(_ message: String, valid: String? = nil, suggestion: String? = nil) {
        self.message = message
        self.valid = valid
        self.suggestion = suggestion
    }
}
