// One row of the option table: everything about an option in one place (name, aliases, type, default, range,
// help, category, engine), plus how its text lands in a JobSpec and how the JobSpec's value is written back.
import Engines

public enum OptionCategory: String, Sendable, CaseIterable {
    case description = "Job description"
    case files = "Files and sizes"
    case pattern = "I/O pattern"
    case blockSize = "Block size"
    case buffers = "Buffers and memory"
    case engine = "I/O engine"
    case depth = "I/O depth"
    case engineOptions = "Engine options"
    case time = "Time"
    case workers = "Threads and processes"
    case sync = "Syncing"
    case random = "Random offsets"
    case layout = "File layout"
    case rate = "Rate and errors"
    case reporting = "Reporting"
    case logs = "Log files"
    case verify = "Verification"
    case safety = "Safety"
    case loop = "Loop devices (diobench)"
    case zfs = "ZFS (diobench)"
    case fioProfiles = "fio profile options (accepted, no effect)"
}

/// How `--parse-only` shows an option of a resolved job.
enum RenderedValue: Equatable {
    case value(String)
    /// The option on several lines, for a list that adds up over its lines (filename).
    case lines([String])
    /// The option has no value (e.g. `size` when the file's own size is used).
    case unset
    /// Not shown: it doesn't apply to this job (io_uring options for psync) or another option shows it.
    case hidden
}

public struct OptionDefinition: Sendable {
    public let name: String
    public let aliases: [String]
    public let category: OptionCategory
    /// The value type as `--cmdhelp` shows it ("size", "bool", "choice", …).
    public let typeName: String
    /// The default as a job file would write it; empty when there is none.
    public let defaultText: String
    public let rangeText: String?
    public let choices: [OptionChoice]
    /// One line.
    public let help: String
    /// The engines this option belongs to (fio's engine options are errors under any other engine); empty for a
    /// job option. `hipri` belongs to io_uring and pvsync2, as in fio.
    public let engines: [EngineKind]
    /// The first of `engines`: a job with this engine takes the option.
    public var engine: EngineKind? { engines.first }
    /// Another option this one only makes sense with (diobench's loop options need `loop_backing`).
    public let requires: String?
    /// The option whose value this one writes (`buffered` writes `direct`, `rwmixwrite` writes `rwmixread`).
    let writes: String?
    /// What a valid value looks like, for error messages.
    let expected: String
    public let acceptsBare: Bool
    let apply: @Sendable (inout JobSpec, String?, ValueContext) throws(ValueProblem) -> Void
    let render: @Sendable (JobSpec) -> RenderedValue

    /// diobench's own option, not fio's (loop devices, ZFS, the data-overwrite override).
    public var isDiobenchOwn: Bool { category == .loop || category == .zfs || name == "allow_data_overwrite" }

    /// The name `writes` points to, or this option's own.
    var effectiveName: String { writes ?? name }

    /// Builds a row from a value kind and a setter, so that parsing always goes through the declared type.
    static func make<K: ValueKind>(
        _ name: String, aliases: [String] = [], _ kind: K, default defaultText: String,
        _ category: OptionCategory, engines: [EngineKind] = [], requires: String? = nil, writes: String? = nil,
        help: String,
        set: @escaping @Sendable (inout JobSpec, K.Value) -> Void,
        render: @escaping @Sendable (JobSpec) -> RenderedValue
    ) -> OptionDefinition {
        OptionDefinition(
            name: name, aliases: aliases, category: category, typeName: kind.typeName, defaultText: defaultText,
            rangeText: kind.rangeText, choices: kind.choices, help: help, engines: engines, requires: requires,
            writes: writes, expected: kind.expected, acceptsBare: kind.bareValue != nil,
            apply: { (spec: inout JobSpec, text: String?, context: ValueContext) throws(ValueProblem) -> Void in
                if let text {
                    set(&spec, try kind.parse(text, context))
                } else if let bare = kind.bareValue {
                    set(&spec, bare)
                } else {
                    throw ValueProblem("needs a value", valid: kind.expected)
                }
            },
            render: render)
    }
}
