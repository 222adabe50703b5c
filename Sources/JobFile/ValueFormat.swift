// Values written back in job-file syntax, for `--parse-only` and the docs. Every string here parses back to the
// same value under the same kb_base (a test checks the round trip).

import Vocabulary
import Foundation

enum ValueFormat {
    /// A byte pattern as one hex number, the way a job file writes it (`0xdeadbeef`).
    static func pattern(_ bytes: [UInt8]) -> String {
        "0x" + bytes.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
    }

    /// The shortest exact spelling: `4k`, `1m`, `1536`; with kb_base=1000 powers of 1024 use `kib` forms.
    static func size(_ v: UInt64, kbBase: UInt64) -> String {
        guard v != 0 else { return "0" }
        if let s = exact(v, kbBase: kbBase, suffix: "") { return s }
        if kbBase == 1000, let s = exact(v, kbBase: kbBase, suffix: "ib") { return s }
        return String(v)
    }

    /// `v` in the largest of `k`…`p` + `suffix` that divides it, each worth what the parser makes of it.
    private static func exact(_ v: UInt64, kbBase: UInt64, suffix: String) -> String? {
        for letter in Numbers.sizeLetters.reversed() {
            let spelling = "\(letter)\(suffix)"
            let unit = Numbers.byteMultiplier(spelling, kbBase: kbBase)!  // k… and kib… are all suffixes it knows
            if v % unit == 0 { return "\(v / unit)\(spelling)" }
        }
        return nil
    }

    /// Nanoseconds in the largest unit that is exact: `10s`, `1500ms`, `2m`, `100us`; each unit worth what the
    /// parser makes of it.
    static func time(_ ns: UInt64) -> String {
        guard ns != 0 else { return "0" }
        for name in ["h", "m", "s", "ms", "us"] {
            let unit = Numbers.multiplier(forSuffix: name, unit: .time(defaultNs: Numbers.nsPerSecond))!
            if ns % unit == 0 { return "\(ns / unit)\(name)" }
        }
        return "\(ns / Numbers.nsPerUs)us"
    }

    static func decimal(_ d: Double) -> String {
        if d == d.rounded(), abs(d) < 1e15 { return String(Int64(d)) }
        return String(d)
    }

    static func bool(_ b: Bool) -> String { b ? "1" : "0" }

    /// Per-direction values in fio's `read,write,trim` form, collapsed when they repeat.
    static func perDirection<T>(_ p: PerDirection<T>, _ f: (T) -> String) -> String {
        if p.read == p.write, p.write == p.trim { return f(p.read) }
        if p.write == p.trim { return "\(f(p.read)),\(f(p.write))" }
        return "\(f(p.read)),\(f(p.write)),\(f(p.trim))"
    }

    /// A `:`-separated list with `:` inside entries escaped as `\:` (filename, directory).
    static func colonList(_ items: [String]) -> String {
        items.map { item in
            var escaped = String.UnicodeScalarView()
            for c in item.unicodeScalars {
                if c == ":" { escaped.append("\\") }
                escaped.append(c)
            }
            return String(escaped)
        }.joined(separator: ":")
    }

    /// A list that adds up over its lines, as `colonList` lines: one line, unless joining two entries would put
    /// a `${` and a later `}` on one line (a reading would expand that as a variable) or follow a trailing `\`
    /// with `:` (read as `\:`); the list breaks there.
    static func colonListLines(_ items: [String]) -> [String] {
        var groups: [[String]] = []
        for item in items {
            if let last = groups.last, last.last?.unicodeScalars.last != "\\",
                VariableExpansion.firstReference(in: colonList(last + [item])) == nil
            {
                groups[groups.count - 1].append(item)
            } else {
                groups.append([item])
            }
        }
        return groups.map(colonList)
    }
}
