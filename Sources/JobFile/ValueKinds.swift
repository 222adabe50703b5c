// How an option's text becomes a typed value. The option table pairs each option with one kind; the kind does
// the parsing and also describes itself for `--cmdhelp`, the docs and error messages, so the three can't disagree.

/// What a value may depend on besides its own text.
struct ValueContext: Sendable {
    /// The job's `kb_base` (applied before every other option of the same section, as fio does).
    var kbBase: UInt64
    var system: SystemValues
}

/// One allowed value of an enumerated option, with its meaning.
public struct OptionChoice: Sendable, Equatable {
    public let value: String
    public let help: String
    /// Accepted but not listed first (fio's backward-compatible spellings such as `0` for `none`).
    public let isAlias: Bool
    public init(_ value: String, _ help: String, isAlias: Bool = false) {
        self.value = value
        self.help = help
        self.isAlias = isAlias
    }
}

protocol ValueKind: Sendable {
    associatedtype Value
    /// The type as `--cmdhelp` shows it.
    var typeName: String { get }
    /// What a valid value looks like, for errors ("expected …").
    var expected: String { get }
    var choices: [OptionChoice] { get }
    /// Bounds as text ("1 to 100"), when the kind has them.
    var rangeText: String? { get }
    /// The value of the option written bare (`direct` alone); nil when it needs `=value`.
    var bareValue: Value? { get }
    func parse(_ text: String, _ context: ValueContext) throws(ValueProblem) -> Value
}

extension ValueKind {
    var choices: [OptionChoice] { [] }
    var rangeText: String? { nil }
    var bareValue: Value? { nil }
}

struct BoolKind: ValueKind {
    var typeName: String { "bool" }
    var expected: String { "expected 0 or 1, or the option name alone for 1" }
    var bareValue: Bool? { true }
    func parse(_ text: String, _ context: ValueContext) throws(ValueProblem) -> Bool {
        switch text {
        case "1": return true
        case "0": return false
        default: throw ValueProblem("'\(text)' is not 0 or 1", valid: expected)
        }
    }
}

struct IntKind: ValueKind {
    var range: ClosedRange<UInt64>
    init(_ range: ClosedRange<UInt64> = 0...UInt64(Int32.max)) { self.range = range }
    var typeName: String { "integer" }
    var expected: String { NumberUnit.count(kbBase: 1024).expected }
    var rangeText: String? { Self.describe(range) }
    func parse(_ text: String, _ context: ValueContext) throws(ValueProblem) -> UInt64 {
        let v = try Numbers.parse(text, unit: .count(kbBase: context.kbBase), system: context.system)
        guard range.contains(v) else { throw ValueProblem("\(v) is out of range", valid: "expected \(rangeText!)") }
        return v
    }

    static func describe(_ range: ClosedRange<UInt64>) -> String {
        if range.upperBound >= UInt64(Int32.max) { return "\(range.lowerBound) or more" }
        return "\(range.lowerBound) to \(range.upperBound)"
    }
}

struct SizeKind: ValueKind {
    var minimum: UInt64 = 0
    var typeName: String { "size" }
    var expected: String { NumberUnit.bytes(kbBase: 1024).expected }
    var rangeText: String? { minimum > 0 ? "at least \(minimum)" : nil }
    func parse(_ text: String, _ context: ValueContext) throws(ValueProblem) -> UInt64 {
        let v = try Numbers.parse(text, unit: .bytes(kbBase: context.kbBase), system: context.system)
        guard v >= minimum else {
            throw ValueProblem("'\(text)' is too small", valid: "expected at least \(minimum) bytes")
        }
        return v
    }
}

enum SizeOrPercent: Sendable, Equatable {
    case bytes(UInt64)
    case percent(Double)
}

/// `size=`, `offset=`: bytes, or a percentage of the file or device.
struct SizeOrPercentKind: ValueKind {
    var percentRange: ClosedRange<Double>
    var typeName: String { "size or percentage" }
    var expected: String { "expected a size such as 1g, or a percentage such as 50%" }
    var rangeText: String? {
        "\(ValueFormat.decimal(percentRange.lowerBound))% to \(ValueFormat.decimal(percentRange.upperBound))% as a percentage"
    }
    func parse(_ text: String, _ context: ValueContext) throws(ValueProblem) -> SizeOrPercent {
        if let p = try Numbers.percent(text) {
            guard percentRange.contains(p) else {
                throw ValueProblem("'\(text)' is out of range", valid: "expected \(rangeText!)")
            }
            return .percent(p)
        }
        return .bytes(try SizeKind().parse(text, context))
    }
}

struct TimeKind: ValueKind {
    /// The unit of a plain number (fio: seconds for runtime, ramp_time and startdelay).
    var defaultNs: UInt64 = Numbers.nsPerSecond
    var typeName: String { "time" }
    var expected: String { NumberUnit.time(defaultNs: defaultNs).expected }
    func parse(_ text: String, _ context: ValueContext) throws(ValueProblem) -> UInt64 {
        try Numbers.parse(text, unit: .time(defaultNs: defaultNs), system: context.system)
    }
}

/// `startdelay=2s` or `startdelay=1s-5s`: a time or a range of times.
struct TimeRangeKind: ValueKind {
    var defaultNs: UInt64 = Numbers.nsPerSecond
    var typeName: String { "time or time range" }
    var expected: String { "expected a time such as 10s, or a range such as 1s-5s (a plain number is in seconds)" }
    func parse(_ text: String, _ context: ValueContext) throws(ValueProblem) -> (min: UInt64, max: UInt64?) {
        let time = TimeKind(defaultNs: defaultNs)
        guard let (low, high) = RangeSplit.split(text) else { return (try time.parse(text, context), nil) }
        let a = try time.parse(low, context), b = try time.parse(high, context)
        guard a <= b else {
            throw ValueProblem(
                "range '\(text)' has its minimum above its maximum",
                valid: "write the smaller value first, e.g. \(high)-\(low)")
        }
        return (a, b)
    }
}

struct ChoiceKind<T: Sendable>: ValueKind {
    var entries: [(choice: OptionChoice, value: T)]
    var noun = "value"
    init(_ entries: [(OptionChoice, T)], noun: String = "value") {
        self.entries = entries.map { (choice: $0.0, value: $0.1) }
        self.noun = noun
    }
    var typeName: String { "choice" }
    var choices: [OptionChoice] { entries.map(\.choice) }
    var listed: [String] { entries.filter { !$0.choice.isAlias }.map(\.choice.value) }
    var expected: String { "expected one of: " + listed.joined(separator: ", ") }
    func parse(_ text: String, _ context: ValueContext) throws(ValueProblem) -> T {
        if let hit = entries.first(where: { $0.choice.value == text }) { return hit.value }
        throw ValueProblem(
            "'\(text)' is not a valid \(noun)", valid: expected,
            suggestion: Suggestions.nearest(to: text, in: entries.map(\.choice.value)))
    }
}

struct StringKind: ValueKind {
    var typeName: String { "string" }
    var expected: String { "expected some text" }
    func parse(_ text: String, _ context: ValueContext) throws(ValueProblem) -> String {
        guard !text.isEmpty else { throw ValueProblem("empty value", valid: expected) }
        return Keywords.substitute(text, context.system).text
    }
}

/// `filename=a:b\:c`: entries separated by `:`, with `\:` for a colon inside an entry.
struct ColonListKind: ValueKind {
    var typeName: String { "list of paths separated by ':'" }
    var expected: String { "expected one or more paths separated by ':' (write \\: for a ':' inside a path)" }
    func parse(_ text: String, _ context: ValueContext) throws(ValueProblem) -> [String] {
        // Scalar by scalar, as the lexer reads: a combining mark after ':' must not hide it.
        var items: [String] = []
        var current = String.UnicodeScalarView()
        var chars = Keywords.substitute(text, context.system).text.unicodeScalars[...]
        while let c = chars.popFirst() {
            if c == "\\", chars.first == ":" {
                current.append(":")
                chars.removeFirst()
            } else if c == ":" {
                items.append(String(current))
                current = String.UnicodeScalarView()
            } else {
                current.append(c)
            }
        }
        items.append(String(current))
        guard !items.contains(where: { $0.trimmingWhitespace().isEmpty }) else {
            throw ValueProblem("'\(text)' has an empty entry", valid: expected)
        }
        // fio would keep spaces at the ends of a path and quotes in it as part of the name; both are nearly
        // always a mistake (`a: b`, `"/mnt/my disk"`), and such a path could not be written back unchanged.
        if let padded = items.first(where: { $0.trimmingWhitespace() != $0 }) {
            throw ValueProblem(
                "the path '\(padded)' begins or ends with white space",
                valid: "write the paths without spaces around ':'; fio would keep them in the name")
        }
        if let quoted = items.first(where: { $0.contains("\"") }) {
            throw ValueProblem(
                "the path '\(quoted)' holds a double quote",
                valid: "write the path without quotes: a space in it needs none, and fio would keep them in the name")
        }
        return items
    }
}

/// `percentile_list=99:99.9:99.99`.
struct FloatListKind: ValueKind {
    var maxCount = 20
    var typeName: String { "list of numbers separated by ':'" }
    var expected: String { "expected up to \(maxCount) numbers in (0, 100] separated by ':', e.g. 50:99:99.9" }
    var rangeText: String? { "each in (0, 100], at most \(maxCount)" }
    func parse(_ text: String, _ context: ValueContext) throws(ValueProblem) -> [Double] {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false).map { String($0).trimmingWhitespace() }
        guard parts.count <= maxCount else {
            throw ValueProblem("\(parts.count) percentiles are too many", valid: expected)
        }
        var out: [Double] = []
        for p in parts {
            guard let v = Double(p), v.isFinite else { throw ValueProblem("'\(p)' is not a number", valid: expected) }
            guard v > 0, v <= 100 else { throw ValueProblem("\(p) is out of range", valid: expected) }
            out.append(v)
        }
        return out
    }
}

/// Splits `low-high` or `low:high` at the separator that is not inside parentheses (so `(4k-512)-64k` works).
enum RangeSplit {
    static func split(_ text: String) -> (String, String)? {
        let chars = Array(text)
        var depth = 0
        for (i, c) in chars.enumerated() {
            if c == "(" { depth += 1 } else if c == ")" { depth -= 1 }
            if depth == 0, i > 0, c == "-" || c == ":" {
                // A '-' right after an operator or 'e' of an exponent is a sign, not a separator.
                let before = chars[i - 1]
                if "+-*/%^(".contains(before) { continue }
                return (String(chars[..<i]).trimmingWhitespace(), String(chars[(i + 1)...]).trimmingWhitespace())
            }
        }
        return nil
    }
}

/// `cpus_allowed=0,5,8-15`: CPU numbers and ranges, each a CPU this machine has.
struct CPUListKind: ValueKind {
    var typeName: String { "list of CPUs separated by ','" }
    var expected: String { "expected CPU numbers or ranges separated by ',', e.g. 0,5,8-15" }

    func parse(_ text: String, _ context: ValueContext) throws(ValueProblem) -> [Int] {
        var cpus = Set<Int>()
        for raw in text.split(separator: ",", omittingEmptySubsequences: false) {
            let item = String(raw).trimmingWhitespace()
            let ends = item.split(separator: "-", omittingEmptySubsequences: false).map(String.init)
            guard (1...2).contains(ends.count), let first = Int(ends[0]), let last = Int(ends[ends.count - 1]),
                first >= 0, first <= last
            else {
                throw ValueProblem("'\(item)' is not a CPU number or range", valid: expected)
            }
            try Self.check(last, context)
            cpus.formUnion(first...last)
        }
        return cpus.sorted()
    }

    /// fio refuses a CPU the machine doesn't have; so do we, at parse time, with what it has.
    static func check(_ cpu: Int, _ context: ValueContext) throws(ValueProblem) {
        let count = Int(context.system.onlineCPUs)
        guard cpu < count else {
            throw ValueProblem(
                "CPU \(cpu) does not exist", valid: "this machine has \(count) CPU(s), numbered 0 to \(count - 1)")
        }
    }

    /// The shortest text for a CPU list: runs of two or more become ranges.
    static func render(_ cpus: [Int]) -> String {
        var parts: [String] = []
        var index = 0
        while index < cpus.count {
            var end = index
            while end + 1 < cpus.count && cpus[end + 1] == cpus[end] + 1 { end += 1 }
            parts.append(end > index ? "\(cpus[index])-\(cpus[end])" : "\(cpus[index])")
            index = end + 1
        }
        return parts.joined(separator: ",")
    }
}

/// `cpumask=34` or `0x22`: bit N allows CPU N.
struct CPUMaskKind: ValueKind {
    var typeName: String { "CPU bit mask" }
    var expected: String { "expected a non-zero bit mask, decimal or 0x-hex (bit N allows CPU N), e.g. 0x3" }

    func parse(_ text: String, _ context: ValueContext) throws(ValueProblem) -> [Int] {
        let trimmed = text.trimmingWhitespace()
        let hex = trimmed.lowercased().hasPrefix("0x")
        guard let mask = hex ? UInt64(trimmed.dropFirst(2), radix: 16) : UInt64(trimmed), mask != 0 else {
            throw ValueProblem("'\(text)' is not a non-zero bit mask", valid: expected)
        }
        let cpus = (0..<64).filter { mask & (1 << UInt64($0)) != 0 }
        try CPUListKind.check(cpus.last!, context)
        return cpus
    }
}
