// Options of fio's built-in profiles. fio adds them to its option table at start-up, so any job file may set
// them, and without `profile=` they do nothing (fio's steadystate example sets `threads=1`). diobench has no
// profiles: it accepts them the same way, and the resolver warns that they have no effect.

extension OptionTable {
    static let fioProfiles: [OptionDefinition] = FioProfileOptions.names.sorted { $0.key < $1.key }.map {
        name, profile in
        .make(
            name, AnyTextKind(), default: "", .fioProfiles,
            help: "fio's \(profile) profile option; no effect without profile=\(profile), in fio too",
            set: { _, _ in }, render: { _ in .hidden })
    }
}

/// Any text, or nothing: the value of an option that is read and then ignored.
struct AnyTextKind: ValueKind {
    var typeName: String { "any" }
    var expected: String { "any value" }
    var bareValue: String? { "" }
    func parse(_ text: String, _ context: ValueContext) throws(ValueProblem) -> String { text }
}
