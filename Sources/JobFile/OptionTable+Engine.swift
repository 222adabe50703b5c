// Engine choice, direct vs buffered, queue depth, and each engine's own options (from its description).
import Engines

extension OptionTable {
    static let engine: [OptionDefinition] = [
        .make(
            "ioengine",
            EngineChoiceKind(),
            default: "psync", .engine,
            help: "How the job issues I/O",
            set: { $0.ioengine = $1 }, render: { .value($0.ioengine.rawValue) }),
        .make(
            "direct", BoolKind(), default: "0", .engine,
            help: "Use O_DIRECT (bypass the page cache)",
            set: { $0.direct = $1 }, render: { .bool($0.direct) }),
        .make(
            "buffered", BoolKind(), default: "1", .engine, writes: "direct",
            help: "The opposite of direct; the later of the two wins",
            set: { $0.direct = !$1 }, render: { _ in .hidden }),
    ]

    static let depth: [OptionDefinition] = [
        .make(
            "iodepth", IntKind(1...65536), default: "1", .depth,
            help: "I/Os kept in flight per job (above 1 only for io_uring, libaio, posixaio and null)",
            set: { $0.iodepth = Int($1) }, render: { .int($0.iodepth) }),
        .make(
            "iodepth_batch_submit", aliases: ["iodepth_batch"], IntKind(0...65536), default: "1", .depth,
            help: "I/Os queued before one submit; 0 means iodepth",
            set: { $0.iodepthBatchSubmit = Int($1) }, render: { .int($0.iodepthBatchSubmit) }),
        .make(
            "iodepth_batch_complete_min", aliases: ["iodepth_batch_complete"], IntKind(0...65536), default: "1", .depth,
            help: "Least completions to wait for at once; 0 polls without waiting",
            set: { $0.iodepthBatchCompleteMin = Int($1) }, render: { .int($0.iodepthBatchCompleteMin) }),
        .make(
            "iodepth_batch_complete_max", IntKind(0...65536), default: "1", .depth,
            help: "Most completions to reap at once (never below iodepth_batch_complete_min, which is its default)",
            set: { $0.iodepthBatchCompleteMax = Int($1) },
            render: { .optional($0.iodepthBatchCompleteMax) { String($0) } }),
        .make(
            "iodepth_low", IntKind(0...65536), default: "1", .depth,
            help: "Refill the queue when it drains to this many (default and maximum: iodepth)",
            set: { $0.iodepthLow = Int($1) }, render: { .optional($0.iodepthLow) { String($0) } }),
    ]

    /// Each engine's own options, from its description: errors under any other engine, as in fio. An option
    /// several engines declare (`hipri`: io_uring and pvsync2) is one row: the same name sets the same field.
    static let engineOptions: [OptionDefinition] = {
        var order: [String] = []
        var owners: [String: [(EngineKind, EngineOption)]] = [:]
        for engine in EngineCatalog.all {
            for option in engine.options {
                if owners[option.name] == nil { order.append(option.name) }
                owners[option.name, default: []].append((engine.kind, option))
            }
        }
        return order.map { row(owners[$0]!) }
    }()

    private static func row(_ owners: [(EngineKind, EngineOption)]) -> OptionDefinition {
        let option = owners[0].1
        let engines = owners.map(\.0)
        // One engine: its help. Several: each engine's, named.
        let help =
            owners.count == 1
            ? option.help : owners.map { "\($0.0.rawValue): \($0.1.help)" }.joined(separator: "; ")
        // Shown for the engines' own jobs only.
        let shown: @Sendable (JobSpec, RenderedValue) -> RenderedValue = {
            engines.contains($0.ioengine) ? $1 : .hidden
        }
        switch option.value {
        case .flag(let field):
            return .make(
                option.name, BoolKind(), default: "0", .engineOptions, engines: engines, help: help,
                set: { $0.engineOptions[keyPath: field] = $1 },
                render: { shown($0, .bool($0.engineOptions[keyPath: field])) })
        case .integer(let field, let range):
            return .make(
                option.name, IntKind(UInt64(range.lowerBound)...UInt64(range.upperBound)), default: "",
                .engineOptions, engines: engines, help: help,
                set: { $0.engineOptions[keyPath: field] = Int($1) },
                render: { shown($0, .optional($0.engineOptions[keyPath: field]) { String($0) }) })
        case .number(let field, let range, let defaultValue):
            return .make(
                option.name, IntKind(UInt64(range.lowerBound)...UInt64(range.upperBound)),
                default: String(defaultValue), .engineOptions, engines: engines, help: help,
                set: { $0.engineOptions[keyPath: field] = Int($1) },
                render: { shown($0, .int($0.engineOptions[keyPath: field])) })
        }
    }
}

/// `ioengine=`: one of the catalog's engines. An engine fio 3.33 has and diobench does not run gets its reason.
struct EngineChoiceKind: ValueKind {
    let choice = ChoiceKind<EngineKind>(
        EngineCatalog.all.map { (OptionChoice($0.kind.rawValue, $0.summary), $0.kind) }, noun: "I/O engine")
    var typeName: String { choice.typeName }
    var expected: String { choice.expected }
    var choices: [OptionChoice] { choice.choices }
    func parse(_ text: String, _ context: ValueContext) throws(ValueProblem) -> EngineKind {
        if let reason = FioOnlyEngines.reasons[text] {
            throw ValueProblem(
                "fio 3.33 has the '\(text)' engine, but diobench does not run it: it \(reason)", valid: expected)
        }
        return try choice.parse(text, context)
    }
}
