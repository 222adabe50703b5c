// The one declarative option table. Parsing, validation, `--cmdhelp`, `--parse-only` and docs/OPTIONS.md all
// read it; each category lives in its own OptionTable+*.swift file.

public enum OptionTable {
    /// Every option, in the order `--cmdhelp` and the docs list them.
    public static let all: [OptionDefinition] =
        description + files + pattern + blockSize + buffers + engine + depth + engineOptions + time + thinkTime
        + latencyTarget + flow + priority + workers + sync + random + layout + rate + reporting + logs + verify + safety
        + loop
        + zfs
        + fioProfiles

    /// Names and aliases to rows.
    static let byName: [String: OptionDefinition] = {
        var map: [String: OptionDefinition] = [:]
        for option in all {
            for name in [option.name] + option.aliases {
                precondition(map[name] == nil, "option name \(name) is declared twice")
                map[name] = option
            }
        }
        return map
    }()

    /// The option called `name` (or aliased so), if diobench knows it.
    public static func definition(named name: String) -> OptionDefinition? { byName[name] }

    /// Every name and alias, for "did you mean".
    static let allNames: [String] = all.flatMap { [$0.name] + $0.aliases }
}

// Shorthands for the tables' render closures.
extension RenderedValue {
    static func size(_ v: UInt64, _ spec: JobSpec) -> RenderedValue { .value(ValueFormat.size(v, kbBase: spec.kbBase)) }
    static func bool(_ b: Bool) -> RenderedValue { .value(ValueFormat.bool(b)) }
    static func int<I: BinaryInteger>(_ i: I) -> RenderedValue { .value(String(i)) }
    static func optional<T>(_ v: T?, _ f: (T) -> String) -> RenderedValue { v.map { .value(f($0)) } ?? .unset }
}
