import Vocabulary
// Kinds built from the basic ones: fio's read,write,trim triples, block-size ranges and splits, `rw=` with its
// `:N` suffix, verify patterns and ZFS names.

/// fio's `read,write,trim` form. A missing entry leaves that direction as it was (inherited or default), and
/// the last entry, unless followed by a comma, also covers the directions after it:
/// `4k` → all three; `4k,64k` → 4k, 64k, 64k; `4k,64k,` → trim unchanged; `,8k` → read unchanged.
struct PerDirectionKind<Inner: ValueKind>: ValueKind {
    var inner: Inner
    /// irange options also take `/` between directions (`1k-4k/8k-32k`).
    var slashSeparates = false
    var typeName: String { "\(inner.typeName) per direction (read,write,trim)" }
    var expected: String { inner.expected + "; or read,write[,trim] values, e.g. 4k,64k" }
    var rangeText: String? { inner.rangeText }
    var choices: [OptionChoice] { inner.choices }

    func parse(_ text: String, _ context: ValueContext) throws(ValueProblem) -> [Inner.Value?] {
        let separator: Character = slashSeparates && !text.contains(",") && text.contains("/") ? "/" : ","
        let parts = text.split(separator: separator, omittingEmptySubsequences: false).map {
            String($0).trimmingWhitespace()
        }
        guard parts.count <= 3 else {
            throw ValueProblem("'\(text)' has \(parts.count) values", valid: "expected at most three: read,write,trim")
        }
        guard parts.contains(where: { !$0.isEmpty }) else { throw ValueProblem("no value given", valid: expected) }
        var out: [Inner.Value?] = [nil, nil, nil]
        for (i, part) in parts.enumerated() where !part.isEmpty { out[i] = try inner.parse(part, context) }
        if let last = parts.last, !last.isEmpty {
            for i in parts.count..<3 { out[i] = out[parts.count - 1] }
        }
        return out
    }
}

extension PerDirection {
    /// Applies a parsed `read,write,trim` triple; nil entries keep the current value.
    mutating func merge(_ values: [T?]) {
        if let v = values[0] { read = v }
        if let v = values[1] { write = v }
        if let v = values[2] { trim = v }
    }

    /// A triple that starts from `base` for directions the job left out.
    static func from(_ values: [T?], base: PerDirection<T>) -> PerDirection<T> {
        var p = base
        p.merge(values)
        return p
    }
}

/// `bsrange=4k-64k`.
struct SizeRangeKind: ValueKind {
    var typeName: String { "size range" }
    var expected: String { "expected MIN-MAX sizes, e.g. 4k-64k" }
    func parse(_ text: String, _ context: ValueContext) throws(ValueProblem) -> SizeRange {
        guard let (low, high) = RangeSplit.split(text) else {
            throw ValueProblem("'\(text)' is not a range", valid: expected)
        }
        let size = SizeKind(minimum: 1)
        let a = try size.parse(low, context), b = try size.parse(high, context)
        guard a <= b else {
            throw ValueProblem(
                "range '\(text)' has its minimum above its maximum",
                valid: "write the smaller size first, e.g. \(high)-\(low)")
        }
        return SizeRange(min: a, max: b)
    }
}

/// `filesize=64k` or `filesize=16k-64k`: one size, or a range to draw each file's size from.
struct FileSizeKind: ValueKind {
    var typeName: String { "size or size range" }
    var expected: String { "expected a size such as 64m, or a range such as 16m-64m" }
    func parse(_ text: String, _ context: ValueContext) throws(ValueProblem) -> SizeRange {
        guard RangeSplit.split(text) != nil else {
            let size = try SizeKind(minimum: 1).parse(text, context)
            return SizeRange(min: size, max: size)
        }
        return try SizeRangeKind().parse(text, context)
    }
}

/// `bssplit=4k/10:64k/50:32k/40` for one direction. Entries without a percent share what is left equally.
struct BlockSplitKind: ValueKind {
    static let maxEntries = 64
    var typeName: String { "block size split" }
    var expected: String { "expected SIZE/PERCENT entries separated by ':', e.g. 4k/10:64k/50:32k/40" }

    func parse(_ text: String, _ context: ValueContext) throws(ValueProblem) -> [BlockSizeShare] {
        let entries = text.split(separator: ":", omittingEmptySubsequences: false).map {
            String($0).trimmingWhitespace()
        }
        guard entries.count <= Self.maxEntries else {
            throw ValueProblem(
                "\(entries.count) block sizes are too many", valid: "expected at most \(Self.maxEntries) per direction")
        }
        var sizes: [(size: UInt64, percent: UInt32?)] = []
        for entry in entries {
            guard !entry.isEmpty else { throw ValueProblem("'\(text)' has an empty entry", valid: expected) }
            let pieces = entry.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
            let size = try SizeKind(minimum: 1).parse(pieces[0], context)
            var percent: UInt32?
            if pieces.count == 2, !pieces[1].trimmingWhitespace().isEmpty {
                guard let p = UInt32(pieces[1].trimmingWhitespace()), p <= 100 else {
                    throw ValueProblem(
                        "'\(pieces[1])' in '\(entry)' is not a percentage from 0 to 100", valid: expected)
                }
                percent = p
            }
            sizes.append((size, percent))
        }
        let given = sizes.compactMap(\.percent).reduce(0, +)
        guard given <= 100 else {
            throw ValueProblem("percentages add up to \(given)%", valid: "expected a total of at most 100%")
        }
        let missing = UInt32(sizes.filter { $0.percent == nil }.count)
        let share = missing > 0 ? (100 - given) / missing : 0
        var shares = sizes.map { BlockSizeShare(size: $0.size, percent: $0.percent ?? share) }
        // fio sorts by size and lets its selection loop give whatever is left to the last entry.
        shares.sort { $0.size < $1.size }
        let total = shares.reduce(0) { $0 + $1.percent }
        if total < 100 { shares[shares.count - 1].percent += 100 - total }
        return shares
    }
}

/// `rw=randread:8` (eight I/Os per random offset) or `rw=write:4k` (a 4 KiB hole after each write).
struct RWKind: ValueKind {
    static let patterns = ChoiceKind<RWPattern>(
        [
            (OptionChoice("read", "Sequential reads"), .read),
            (OptionChoice("write", "Sequential writes"), .write),
            (OptionChoice("trim", "Sequential trims (block devices)"), .trim),
            (OptionChoice("randread", "Random reads"), .randread),
            (OptionChoice("randwrite", "Random writes"), .randwrite),
            (OptionChoice("randtrim", "Random trims (block devices)"), .randtrim),
            (OptionChoice("rw", "Sequential mixed reads and writes"), .readwrite),
            (OptionChoice("readwrite", "Same as rw", isAlias: true), .readwrite),
            (OptionChoice("randrw", "Random mixed reads and writes"), .randrw),
            (OptionChoice("trimwrite", "Trim then write the same blocks, sequentially"), .trimwrite),
        ], noun: "I/O pattern")

    var typeName: String { "choice, with an optional :N suffix" }
    var expected: String { Self.patterns.expected + ", optionally followed by :N (sequential ones also :-N)" }
    var choices: [OptionChoice] { Self.patterns.choices }

    /// The pattern, the suffix, and whether a sequential suffix steps backwards (`rw=read:-8k`).
    func parse(_ text: String, _ context: ValueContext) throws(ValueProblem) -> (RWPattern, UInt64, Bool) {
        let pieces = text.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
        let pattern = try Self.patterns.parse(pieces[0].trimmingWhitespace(), context)
        guard pieces.count == 2 else { return (pattern, 0, false) }
        let suffix = pieces[1].trimmingWhitespace()
        if pattern.isRandom {
            // fio reads the random form with atoi: a plain count of I/Os per offset.
            guard let n = UInt64(suffix), n >= 1 else {
                throw ValueProblem(
                    "':\(suffix)' is not a count of I/Os per random offset",
                    valid: "expected a whole number of 1 or more, e.g. \(pieces[0]):8")
            }
            return (pattern, n, false)
        }
        // fio reads a sequential suffix as a signed size: negative ones walk the file backwards.
        if suffix.hasPrefix("-") {
            let step = try SizeKind(minimum: 1).parse(String(suffix.dropFirst()), context)
            return (pattern, step, true)
        }
        let hole = try SizeKind(minimum: 1).parse(suffix, context)
        return (pattern, hole, false)
    }
}

/// `verify_pattern=0xdeadbeef` or `"text"`, or several of those back to back.
struct PatternKind: ValueKind {
    static let maxBytes = 512
    var typeName: String { "byte pattern" }
    var expected: String { "expected hex such as 0xdeadbeef or a quoted string such as \"abcd\" (or several in a row)" }

    func parse(_ text: String, _ context: ValueContext) throws(ValueProblem) -> [UInt8] {
        var bytes: [UInt8] = []
        var rest = Substring(text.trimmingWhitespace())
        while !rest.isEmpty {
            if rest.hasPrefix("0x") || rest.hasPrefix("0X") {
                rest = rest.dropFirst(2)
                let digits = rest.prefix { $0.isHexDigit }
                guard !digits.isEmpty else {
                    throw ValueProblem("'\(text)' has 0x without hex digits", valid: expected)
                }
                rest = rest.dropFirst(digits.count)
                // An odd count is read as if it had a leading zero, so 0xabc is 0a bc.
                let padded = digits.count % 2 == 1 ? "0" + digits : String(digits)
                var i = padded.startIndex
                while i < padded.endIndex {
                    let j = padded.index(i, offsetBy: 2)
                    bytes.append(UInt8(padded[i..<j], radix: 16)!)
                    i = j
                }
            } else if rest.first == "\"" {
                rest = rest.dropFirst()
                guard let end = rest.firstIndex(of: "\"") else {
                    throw ValueProblem("'\(text)' has an unterminated string", valid: expected)
                }
                bytes.append(contentsOf: Array(rest[..<end].utf8))
                rest = rest[rest.index(after: end)...]
            } else {
                let bad = rest.prefix(8)
                throw ValueProblem("'\(text)' is not a pattern (at '\(bad)')", valid: expected)
            }
            while rest.first == " " { rest = rest.dropFirst() }
        }
        guard !bytes.isEmpty else { throw ValueProblem("empty pattern", valid: expected) }
        guard bytes.count <= Self.maxBytes else {
            throw ValueProblem(
                "pattern of \(bytes.count) bytes is too long", valid: "expected at most \(Self.maxBytes) bytes")
        }
        return bytes
    }
}

/// `zfs_recordsize=128k`: a power of two from 512 bytes to 16 MiB, as ZFS allows.
struct RecordSizeKind: ValueKind {
    static let range: ClosedRange<UInt64> = 512...(16 << 20)
    var typeName: String { "size (power of two)" }
    var expected: String { "expected a power of two from 512 to 16m, e.g. 128k" }
    var rangeText: String? { "512 to 16m, a power of two" }
    func parse(_ text: String, _ context: ValueContext) throws(ValueProblem) -> UInt64 {
        let v = try SizeKind().parse(text, context)
        guard Self.range.contains(v), v & (v - 1) == 0 else {
            throw ValueProblem("\(v) bytes is not a valid recordsize", valid: expected)
        }
        return v
    }
}

/// ZFS dataset and pool names, checked early so the error points at the job file rather than at `zfs create`.
struct ZFSNameKind: ValueKind {
    var isPool: Bool
    var typeName: String { isPool ? "pool name" : "dataset name" }
    var expected: String {
        isPool
            ? "expected a name that starts with a letter and has only letters, digits, '_', '-', '.' and ':'"
            : "expected POOL/PATH made of letters, digits, '_', '-', '.', ':' and ' ' (no leading or trailing '/')"
    }

    func parse(_ text: String, _ context: ValueContext) throws(ValueProblem) -> String {
        let bad = ValueProblem("'\(text)' is not a valid ZFS \(isPool ? "pool" : "dataset") name", valid: expected)
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-.: ")
        let components = text.split(separator: "/", omittingEmptySubsequences: false)
        guard !text.isEmpty, !components.contains(where: \.isEmpty) else { throw bad }
        if isPool, components.count != 1 { throw bad }
        for c in components where !c.allSatisfy({ allowed.contains($0) }) || c == "." || c == ".." { throw bad }
        guard let first = text.first, first.isLetter else { throw bad }
        if isPool {
            let reserved = ["mirror", "raidz", "draid", "spare", "log", "cache", "special", "dedup"]
            if reserved.contains(where: { text.hasPrefix($0) }) {
                throw ValueProblem(
                    "'\(text)' is reserved by zpool",
                    valid: "expected a pool name that does not start with \(reserved.joined(separator: ", "))")
            }
        }
        return text
    }
}

/// `zfs_scratch_vdevs=file:1g,file:1g` or `/dev/sdb`: file vdevs (made for the job) or devices.
struct VdevListKind: ValueKind {
    /// ZFS refuses vdevs under 64 MiB (SPA_MINDEVSIZE).
    static let minimumFileSize: UInt64 = 64 << 20
    var typeName: String { "list of vdevs separated by ','" }
    var expected: String {
        "expected file:SIZE (at least 64m) or an absolute device path, separated by ',', e.g. file:1g,file:1g"
    }

    func parse(_ text: String, _ context: ValueContext) throws(ValueProblem) -> [String] {
        var out: [String] = []
        for raw in text.split(separator: ",", omittingEmptySubsequences: false) {
            let spec = String(raw).trimmingWhitespace()
            if spec.hasPrefix("file:") {
                let size = try SizeKind().parse(String(spec.dropFirst(5)), context)
                guard size >= Self.minimumFileSize else {
                    throw ValueProblem(
                        "'\(spec)' is smaller than ZFS allows for a vdev", valid: "expected file:SIZE of at least 64m")
                }
                out.append("file:\(size)")
            } else if spec.hasPrefix("/"), spec.count > 1 {
                out.append(spec)
            } else {
                throw ValueProblem("'\(spec)' is not a vdev", valid: expected)
            }
        }
        return out
    }
}

/// `steadystate=iops_slope:0.01%`, `iops:5%`, `bw:2m` (bytes/s), `bw_slope:10%`.
struct SteadyStateKind: ValueKind {
    var typeName: String { "steady-state criterion" }
    var expected: String {
        "expected iops, iops_slope, bw or bw_slope, a colon and a limit: a percentage (iops:5%), or for bw a rate (bw:2m)"
    }
    var choices: [OptionChoice] {
        [
            OptionChoice("iops", "largest deviation of IOPS samples from their mean"),
            OptionChoice("iops_slope", "slope of the IOPS samples"),
            OptionChoice("bw", "largest deviation of bandwidth samples from their mean"),
            OptionChoice("bw_slope", "slope of the bandwidth samples"),
        ]
    }
    func parse(_ text: String, _ context: ValueContext) throws(ValueProblem) -> SteadyStateCriterion {
        let parts = text.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 2, let kind = choices.first(where: { $0.value == parts[0] }) else {
            throw ValueProblem("'\(text)' is not a steady-state criterion", valid: expected)
        }
        let series: SteadyStateCriterion.Series = kind.value.hasPrefix("iops") ? .iops : .bw
        var limitText = parts[1]
        let percent = limitText.hasSuffix("%")
        if percent { limitText.removeLast() }
        let limit: Double
        if percent || series == .iops {
            guard let value = Double(limitText), value >= 0, value.isFinite else {
                throw ValueProblem("'\(parts[1])' is not a limit", valid: expected)
            }
            limit = value
        } else {
            limit = Double(try SizeKind().parse(limitText, context))
        }
        return SteadyStateCriterion(
            series: series, slope: kind.value.hasSuffix("_slope"), limit: limit, percent: percent)
    }

    /// The criterion as a job file writes it (reads back as itself).
    static func text(_ c: SteadyStateCriterion) -> String {
        let limit = c.percent || c.series == .iops ? ValueFormat.decimal(c.limit) : String(UInt64(c.limit))
        return "\(c.name):\(limit)\(c.percent ? "%" : "")"
    }
}
