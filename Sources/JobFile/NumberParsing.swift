// Numbers as fio writes them: `4k`, `1MiB`, `0x1000`, `10s`, `250ms`, and arithmetic in parentheses or with
// the `$pagesize`/`$mb_memory`/`$ncpus` keywords. Stricter than fio where fio silently misreads
// (`4q` is 4 and `1.5k` is 1 in fio; here both are errors).

/// What a plain number means and which suffixes it takes.
enum NumberUnit: Sendable {
    /// Bytes, with k/m/g/t/p suffixes in `kbBase` (and KiB-style suffixes in the other base, as fio does).
    case bytes(kbBase: UInt64)
    /// A count. fio lets counts carry the same k/m suffixes as sizes (`iodepth=1k` is 1024).
    case count(kbBase: UInt64)
    /// A duration, result in nanoseconds; `defaultNs` is the unit of a plain number (seconds for runtime).
    case time(defaultNs: UInt64)

    var noun: String {
        switch self {
        case .bytes: return "a size"
        case .count: return "a whole number"
        case .time: return "a time"
        }
    }

    var expected: String {
        switch self {
        case .bytes: return "expected a number with an optional k/m/g/t suffix, e.g. 4k"
        case .count: return "expected a whole number, e.g. 8"
        case .time(let unit):
            return
                "expected a number with an optional us/ms/s/m/h/d suffix, e.g. 10s (a plain number is in \(Numbers.timeUnitName(unit)))"
        }
    }
}

enum Numbers {
    static let nsPerUs: UInt64 = 1_000
    static let nsPerMs: UInt64 = 1_000_000
    static let nsPerSecond: UInt64 = 1_000_000_000

    static func timeUnitName(_ ns: UInt64) -> String {
        switch ns {
        case nsPerUs: return "microseconds"
        case nsPerMs: return "milliseconds"
        default: return "seconds"
        }
    }

    /// One number: a literal with suffix, or an expression. Errors quote `text` as written.
    static func parse(_ text: String, unit: NumberUnit, system: SystemValues) throws(ValueProblem) -> UInt64 {
        let s = text.trimmingWhitespace()
        let notA = ValueProblem("'\(text)' is not \(unit.noun)", valid: unit.expected)
        guard !s.isEmpty else {
            throw ValueProblem("empty value where \(unit.noun) was expected", valid: unit.expected)
        }
        if s.hasPrefix("(") || s.contains("$") {
            // HOWTO: inside parentheses a plain time is in microseconds; with only keywords (fio hands those to
            // a calculator and parses the result) it keeps the option's own default unit.
            var bare = unit
            if case .time = unit, s.hasPrefix("(") { bare = .time(defaultNs: nsPerUs) }
            var evaluator = ExpressionEvaluator(text: s, unit: bare, system: system)
            let value = try evaluator.evaluate(original: text)
            guard value >= 0 else {
                throw ValueProblem("'\(text)' comes to \(value), which is negative", valid: unit.expected)
            }
            return UInt64(value)
        }
        if s.contains("+") || s.contains("*") || s.contains("/") {
            throw ValueProblem("'\(text)' is not \(unit.noun)", valid: "arithmetic goes in parentheses, e.g. (3*4k)")
        }
        guard let value = try literal(s, unit: unit) else { throw notA }
        return value
    }

    /// A literal: decimal or 0x hex digits, then an optional suffix. Nil when it isn't one at all.
    static func literal(_ s: String, unit: NumberUnit) throws(ValueProblem) -> UInt64? {
        let chars = Array(s)
        if chars.count > 2, chars[0] == "0", chars[1] == "x" || chars[1] == "X" {
            let digits = String(chars[2...])
            guard let v = UInt64(digits, radix: 16) else { return nil }
            return try scaled(v, by: 1, text: s)
        }
        var i = 0
        while i < chars.count, chars[i].isASCII, chars[i].isNumber { i += 1 }
        guard i > 0 else { return nil }
        let digits = String(chars[0..<i])
        let suffix = String(chars[i...])
        if suffix.hasPrefix(".") {
            throw ValueProblem(
                "'\(s)' has a fraction, which fio would silently drop",
                valid: "write a whole number of bytes or a smaller unit, e.g. 1536 instead of 1.5k")
        }
        guard let v = UInt64(digits) else { throw ValueProblem("'\(s)' is too large") }
        guard let multiplier = multiplier(forSuffix: suffix, unit: unit) else { return nil }
        return try scaled(v, by: multiplier, text: s)
    }

    private static func scaled(_ v: UInt64, by m: UInt64, text: String) throws(ValueProblem) -> UInt64 {
        let (r, overflow) = v.multipliedReportingOverflow(by: m)
        if overflow { throw ValueProblem("'\(text)' is too large") }
        return r
    }

    /// The factor a suffix stands for, or nil when the suffix means nothing for this unit.
    static func multiplier(forSuffix raw: String, unit: NumberUnit) -> UInt64? {
        let suffix = raw.lowercased()
        switch unit {
        case .bytes(let base), .count(let base):
            return byteMultiplier(suffix, kbBase: base)
        case .time(let defaultNs):
            switch suffix {
            case "": return defaultNs
            case "us", "usec": return nsPerUs
            case "ms", "msec": return nsPerMs
            case "s", "sec": return nsPerSecond
            case "m", "min": return 60 * nsPerSecond
            case "h": return 3600 * nsPerSecond
            case "d": return 86400 * nsPerSecond
            default: return nil
            }
        }
    }

    /// The size prefixes, each worth kb_base times the one before it.
    static let sizeLetters: [Character] = ["k", "m", "g", "t", "p"]

    /// fio's rule: `k`, `kb`, `ki` are powers of kb_base; `kib` is a power of the other base
    /// (so with the default kb_base=1024, `4KiB` is 4000, and with kb_base=1000 it is 4096).
    static func byteMultiplier(_ suffix: String, kbBase: UInt64) -> UInt64? {
        if suffix.isEmpty || suffix == "b" { return 1 }
        guard let first = suffix.first, let power = sizeLetters.firstIndex(of: first) else { return nil }
        let rest = suffix.dropFirst()
        let base: UInt64
        switch rest {
        case "", "b", "i": base = kbBase
        case "ib": base = kbBase == 1000 ? 1024 : 1000
        default: return nil
        }
        var m: UInt64 = 1
        for _ in 0...power { m *= base }
        return m
    }

    /// A percentage `N%` or `N.N%`, if the text is one.
    static func percent(_ text: String) throws(ValueProblem) -> Double? {
        let s = text.trimmingWhitespace()
        guard s.hasSuffix("%") else { return nil }
        guard let v = Double(s.dropLast()), v.isFinite else {
            throw ValueProblem("'\(text)' is not a percentage", valid: "expected a number followed by %, e.g. 50%")
        }
        return v
    }
}

/// Integer arithmetic for values in parentheses: + - * / % ^ (power), unary minus, and the fio keywords.
/// Division truncates, as fio's calculator does for keyword arithmetic.
struct ExpressionEvaluator {
    private let chars: [Character]
    private var position = 0
    private let unit: NumberUnit
    private let system: SystemValues

    init(text: String, unit: NumberUnit, system: SystemValues) {
        self.chars = Array(text)
        self.unit = unit
        self.system = system
    }

    mutating func evaluate(original: String) throws(ValueProblem) -> Int64 {
        let value = try sum()
        skipSpaces()
        if position < chars.count {
            throw ValueProblem(
                "'\(original)' is not a valid expression: unexpected '\(chars[position])'",
                valid: "use numbers, $pagesize, $mb_memory, $ncpus, + - * / % ^ and parentheses")
        }
        return value
    }

    private mutating func skipSpaces() {
        while position < chars.count, chars[position] == " " || chars[position] == "\t" { position += 1 }
    }

    private mutating func peek() -> Character? {
        skipSpaces()
        return position < chars.count ? chars[position] : nil
    }

    private mutating func sum() throws(ValueProblem) -> Int64 {
        var value = try product()
        while let op = peek(), op == "+" || op == "-" {
            position += 1
            let rhs = try product()
            value = try checked(
                op == "+" ? value.addingReportingOverflow(rhs) : value.subtractingReportingOverflow(rhs))
        }
        return value
    }

    private mutating func product() throws(ValueProblem) -> Int64 {
        var value = try power()
        while let op = peek(), op == "*" || op == "/" || op == "%" {
            position += 1
            let rhs = try power()
            if op == "*" {
                value = try checked(value.multipliedReportingOverflow(by: rhs))
            } else {
                guard rhs != 0 else { throw ValueProblem("division by zero in expression") }
                value = op == "/" ? value / rhs : value % rhs
            }
        }
        return value
    }

    private mutating func power() throws(ValueProblem) -> Int64 {
        let base = try unary()
        guard peek() == "^" else { return base }
        position += 1
        let exponent = try power()  // right-associative
        guard exponent >= 0 else { throw ValueProblem("negative exponent in expression") }
        // By squaring: one multiplication per bit of the exponent, so 0^8001000000000 (bases 0, 1 and -1
        // never overflow) takes 43 steps, not eight trillion (a hang the fuzzer found). Squaring overflows
        // only when the result would too.
        var result: Int64 = 1
        var factor = base
        var remaining = exponent
        while remaining > 0 {
            if remaining & 1 == 1 { result = try checked(result.multipliedReportingOverflow(by: factor)) }
            remaining >>= 1
            if remaining > 0 { factor = try checked(factor.multipliedReportingOverflow(by: factor)) }
        }
        return result
    }

    private mutating func unary() throws(ValueProblem) -> Int64 {
        if peek() == "-" {
            position += 1
            return try checked((0 as Int64).subtractingReportingOverflow(try unary()))
        }
        return try primary()
    }

    private mutating func primary() throws(ValueProblem) -> Int64 {
        guard let c = peek() else { throw ValueProblem("expression ends too early") }
        if c == "(" {
            position += 1
            let value = try sum()
            guard peek() == ")" else { throw ValueProblem("missing ')' in expression") }
            position += 1
            return value
        }
        if c == "$" {
            position += 1
            for keyword in SystemValues.keywords where matches(keyword) {
                position += keyword.count
                return Int64(clamping: system.value(ofKeyword: keyword) ?? 0)
            }
            throw ValueProblem(
                "unknown keyword after '$'",
                valid: "expected $pagesize, $mb_memory or $ncpus (environment variables are written ${NAME})")
        }
        // A number with its suffix runs until an operator, a parenthesis or a space.
        let start = position
        while position < chars.count, !"+-*/%^() \t".contains(chars[position]) { position += 1 }
        let token = String(chars[start..<position])
        guard !token.isEmpty else { throw ValueProblem("expected a number at '\(c)'") }
        guard let value = try Numbers.literal(token, unit: unit) else {
            throw ValueProblem("'\(token)' is not \(unit.noun)", valid: unit.expected)
        }
        guard value <= UInt64(Int64.max) else { throw ValueProblem("'\(token)' is too large") }
        return Int64(value)
    }

    private func matches(_ word: String) -> Bool {
        let w = Array(word)
        guard position + w.count <= chars.count else { return false }
        return Array(chars[position..<(position + w.count)]) == w
    }

    private func checked(_ r: (partialValue: Int64, overflow: Bool)) throws(ValueProblem) -> Int64 {
        if r.overflow { throw ValueProblem("expression overflows 64 bits") }
        return r.partialValue
    }
}

extension String {
    /// Without spaces, tabs, CRs and LFs at either end, matched as Unicode scalars (as the lexer matches).
    func trimmingWhitespace() -> String {
        var s = Substring(self).unicodeScalars
        while let f = s.first, f == " " || f == "\t" || f == "\r" || f == "\n" { s.removeFirst() }
        while let l = s.last, l == " " || l == "\t" || l == "\r" || l == "\n" { s.removeLast() }
        return String(Substring(s))
    }
}
