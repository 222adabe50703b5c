// fio's random_distribution (HOWTO; options.c str_random_distribution_cb and parse_zoned_distribution).
import Vocabulary

/// How random offsets are spread over a file. Any choice but `random` turns the random map off, as in fio.
public enum RandomDistribution: Codable, Sendable, Equatable {
    case random
    /// Zipf with exponent theta (not 1); `center` (0...1) moves the most likely block, else it is random.
    case zipf(theta: Double, center: Double?)
    /// Pareto with power h (0 < h < 1).
    case pareto(h: Double, center: Double?)
    /// fio's "normal": an average of 12 uniform draws, plus a uniform deviation of this percent of the blocks.
    case normal(deviation: Double, center: Double?)
    /// Per direction: shares of the accesses that land in consecutive zones of the file, each a percent of it.
    case zoned(PerDirection<[ZoneShare]>)
    /// As `zoned`, with zone sizes in bytes.
    case zonedAbsolute(PerDirection<[ZoneShare]>)

    public var isUniform: Bool { self == .random }
}

/// One zone of a zoned distribution: `access` percent of the I/Os land in it; `size` is percent of the file
/// (zoned) or bytes (zoned_abs).
public struct ZoneShare: Codable, Sendable, Equatable {
    public var access: UInt32
    public var size: UInt64
    public init(access: UInt32, size: UInt64) {
        self.access = access
        self.size = size
    }
}

/// `random_distribution=zipf:1.2`, `pareto:0.3:0.5`, `normal:5`, `zoned:60/10:30/20:10/70`,
/// `zoned_abs:60/20g:40/100g` (zoned ones per direction: `zoned:50/50:50/50,100/100`).
struct RandomDistributionKind: ValueKind {
    var typeName: String { "distribution" }
    var expected: String {
        "expected random, zipf[:theta[:center]], pareto[:h[:center]], normal[:dev%[:center]], zoned:A/S%:… or zoned_abs:A/SIZE:…"
    }
    var choices: [OptionChoice] {
        [
            OptionChoice("random", "Uniform (the default; keeps the random map)"),
            OptionChoice("zipf", "Zipf with theta (default 1.1), optional center 0-1"),
            OptionChoice("pareto", "Pareto with power h (default 0.2), optional center 0-1"),
            OptionChoice("normal", "fio's normal: deviation in percent of the blocks (default 0), optional center"),
            OptionChoice("zoned", "Access/size percent pairs: zoned:60/10:30/20:10/70"),
            OptionChoice("zoned_abs", "Access percent/size in bytes pairs: zoned_abs:60/20g:40/100g"),
        ]
    }

    func parse(_ text: String, _ context: ValueContext) throws(ValueProblem) -> RandomDistribution {
        let name = String(text.prefix { $0 != ":" })
        let rest = text.count > name.count ? String(text.dropFirst(name.count + 1)) : ""
        switch name {
        case "random":
            return .random
        case "zipf", "pareto", "normal":
            var numbers: [Double] = []
            for part in rest.split(separator: ":", omittingEmptySubsequences: false) where !rest.isEmpty {
                guard let value = Double(part), value.isFinite else {
                    throw ValueProblem("'\(part)' in '\(text)' is not a number", valid: expected)
                }
                numbers.append(value)
            }
            guard numbers.count <= 2 else { throw ValueProblem("'\(text)' has too many values", valid: expected) }
            let center = numbers.count == 2 ? numbers[1] : nil
            if let center, !(0...1).contains(center) {
                throw ValueProblem("center \(center) is out of range", valid: "a center from 0 to 1")
            }
            switch name {
            case "zipf":
                let theta = numbers.first ?? 1.1
                guard theta != 1 else { throw ValueProblem("zipf theta must not be 1.0", valid: "e.g. zipf:1.2") }
                return .zipf(theta: theta, center: center)
            case "pareto":
                let h = numbers.first ?? 0.2
                guard h > 0, h < 1 else { throw ValueProblem("pareto power \(h) is out of range", valid: "0 < h < 1") }
                return .pareto(h: h, center: center)
            default:
                let deviation = numbers.first ?? 0
                guard deviation >= 0, deviation < 100 else {
                    throw ValueProblem("normal deviation \(deviation) is out of range", valid: "0 <= deviation < 100")
                }
                return .normal(deviation: deviation, center: center)
            }
        case "zoned", "zoned_abs":
            let absolute = name == "zoned_abs"
            let sets = rest.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            guard !rest.isEmpty, sets.count <= 3 else {
                throw ValueProblem("'\(text)' needs one to three zone lists (read,write,trim)", valid: expected)
            }
            var parsed: [[ZoneShare]] = []
            for set in sets { parsed.append(try zones(set, absolute: absolute, context)) }
            while parsed.count < 3 { parsed.append(parsed[parsed.count - 1]) }
            let perDirection = PerDirection(read: parsed[0], write: parsed[1], trim: parsed[2])
            return absolute ? .zonedAbsolute(perDirection) : .zoned(perDirection)
        default:
            throw ValueProblem(
                "'\(name)' is not a distribution", valid: expected,
                suggestion: Suggestions.nearest(to: name, in: choices.map(\.value)))
        }
    }

    /// `60/10:30/20:10/70`: access percentages must add up to 100, sizes (percent) to at most 100.
    /// A zone without a size (`20/`) gets an equal share of what the sized ones leave (fio's zone_split_ddir).
    private func zones(_ text: String, absolute: Bool, _ context: ValueContext) throws(ValueProblem) -> [ZoneShare] {
        var out: [ZoneShare] = []
        var unsized: [Int] = []
        for entry in text.split(separator: ":") {
            let pair = entry.split(separator: "/", omittingEmptySubsequences: false)
            guard pair.count == 2, let access = UInt32(pair[0]), access <= 100 else {
                throw ValueProblem(
                    "'\(entry)' is not an access/size pair", valid: "e.g. 60/10 (percent of I/O / of the file)")
            }
            if pair[1].isEmpty && !absolute {
                unsized.append(out.count)
                out.append(ZoneShare(access: access, size: 0))
                continue
            }
            let size =
                absolute
                ? try SizeKind(minimum: 1).parse(String(pair[1]), context)
                : try IntKind(0...100).parse(String(pair[1]), context)
            out.append(ZoneShare(access: access, size: size))
        }
        let sized = out.reduce(0) { $0 + $1.size }
        if !unsized.isEmpty, sized <= 100 {
            for index in unsized { out[index].size = (100 - sized) / UInt64(unsized.count) }
        }
        guard !out.isEmpty, out.count <= 256 else {
            throw ValueProblem("'\(text)' needs 1 to 256 zones", valid: expected)
        }
        let access = out.reduce(0) { $0 + $1.access }
        guard access == 100 else {
            throw ValueProblem("the access percentages of '\(text)' add up to \(access), not 100", valid: expected)
        }
        if !absolute, out.reduce(0, { $0 + $1.size }) > 100 {
            throw ValueProblem("the zone sizes of '\(text)' add up to more than 100%", valid: expected)
        }
        return out
    }

    /// The value as a job file writes it.
    static func text(_ d: RandomDistribution) -> String {
        func number(_ v: Double) -> String { ValueFormat.decimal(v) }
        func withCenter(_ name: String, _ value: Double, _ center: Double?) -> String {
            "\(name):\(number(value))" + (center.map { ":\(number($0))" } ?? "")
        }
        func zones(_ name: String, _ z: PerDirection<[ZoneShare]>) -> String {
            let sets = [z.read, z.write, z.trim].map { $0.map { "\($0.access)/\($0.size)" }.joined(separator: ":") }
            return name + ":" + (sets.allSatisfy { $0 == sets[0] } ? sets[0] : sets.joined(separator: ","))
        }
        switch d {
        case .random: return "random"
        case .zipf(let theta, let center): return withCenter("zipf", theta, center)
        case .pareto(let h, let center): return withCenter("pareto", h, center)
        case .normal(let deviation, let center): return withCenter("normal", deviation, center)
        case .zoned(let z): return zones("zoned", z)
        case .zonedAbsolute(let z): return zones("zoned_abs", z)
        }
    }
}
