import Foundation

/// A coding key for any string, for fio's free-form maps ("job options", "percentile", "bins").
public struct AnyKey: CodingKey, Hashable, Sendable {
    public var stringValue: String
    public var intValue: Int? { nil }
    public init(_ s: String) { stringValue = s }
    public init(stringValue: String) { self.stringValue = stringValue }
    public init?(intValue: Int) { stringValue = String(intValue) }
}

extension CodingUserInfoKey {
    /// Set to `false` to leave out json+ `bins` when encoding (fio's plain `json`). Default: included.
    public static let fioIncludeBins = CodingUserInfoKey(rawValue: "diobench.fio.includeBins")!
}

extension Encoder {
    var includesBins: Bool { (userInfo[.fioIncludeBins] as? Bool) ?? true }
}

/// Lenient reads: fio versions differ in which keys they write and whether a number is written
/// as an integer or a float; a missing or oddly typed number must not stop decoding.
extension KeyedDecodingContainer {
    func uint(_ key: Key, default d: UInt64 = 0) -> UInt64 {
        if let v = try? decodeIfPresent(UInt64.self, forKey: key) { return v }
        if let v = try? decodeIfPresent(Int64.self, forKey: key) { return v < 0 ? 0 : UInt64(v) }
        if let v = try? decodeIfPresent(Double.self, forKey: key), v.isFinite, v >= 0 { return UInt64(v.rounded()) }
        return d
    }

    func int(_ key: Key, default d: Int64 = 0) -> Int64 {
        if let v = try? decodeIfPresent(Int64.self, forKey: key) { return v }
        if let v = try? decodeIfPresent(Double.self, forKey: key), v.isFinite { return Int64(v.rounded()) }
        return d
    }

    func optionalInt(_ key: Key) -> Int64? {
        contains(key) ? int(key) : nil
    }

    func optionalUInt(_ key: Key) -> UInt64? {
        contains(key) ? uint(key) : nil
    }

    func double(_ key: Key, default d: Double = 0) -> Double {
        if let v = try? decodeIfPresent(Double.self, forKey: key) { return v }
        if let s = try? decodeIfPresent(String.self, forKey: key), let v = Double(s) { return v }
        return d
    }

    func optionalDouble(_ key: Key) -> Double? {
        contains(key) ? double(key) : nil
    }

    func string(_ key: Key) -> String? {
        if let s = try? decodeIfPresent(String.self, forKey: key) { return s }
        if let v = try? decodeIfPresent(Int64.self, forKey: key) { return String(v) }
        if let v = try? decodeIfPresent(Double.self, forKey: key) { return String(v) }
        return nil
    }
}

/// fio's "%f" rendering of a percentile key ("99.000000", "99.990000").
public func fioPercentileKey(_ p: Double) -> String {
    String(format: "%f", p)
}

/// An ordered string → string map: fio's "global options" and "job options" (values as written
/// in the job file). Encodes as a JSON object in insertion order (with an order-keeping encoder).
public struct FioOptionList: Sendable, Equatable, Codable, ExpressibleByDictionaryLiteral {
    public var entries: [(name: String, value: String)]

    public init(_ entries: [(name: String, value: String)] = []) { self.entries = entries }
    public init(dictionaryLiteral elements: (String, String)...) { entries = elements.map { ($0.0, $0.1) } }

    public subscript(_ name: String) -> String? {
        get { entries.first { $0.name == name }?.value }
        set {
            if let i = entries.firstIndex(where: { $0.name == name }) {
                if let v = newValue { entries[i].value = v } else { entries.remove(at: i) }
            } else if let v = newValue {
                entries.append((name, v))
            }
        }
    }

    public var isEmpty: Bool { entries.isEmpty }

    public static func == (a: FioOptionList, b: FioOptionList) -> Bool {
        a.entries.count == b.entries.count
            && zip(a.entries, b.entries).allSatisfy { $0.name == $1.name && $0.value == $1.value }
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: AnyKey.self)
        // JSON objects come back unordered; sort by name for a stable result.
        entries = c.allKeys.compactMap { k in c.string(k).map { (k.stringValue, $0) } }.sorted { $0.name < $1.name }
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: AnyKey.self)
        for e in entries { try c.encode(e.value, forKey: AnyKey(e.name)) }
    }
}

/// Latency percentiles: (percent, ns) ascending by percent. JSON: `{"99.000000" : 12345, …}`.
public struct PercentileMap: Sendable, Equatable, Codable {
    public var entries: [(percent: Double, valueNs: UInt64)]

    public init(_ entries: [(percent: Double, valueNs: UInt64)]) {
        self.entries = entries.sorted { $0.percent < $1.percent }
    }

    /// The value for `percent` (matched to 1e-6, as fio's keys have 6 decimals).
    public subscript(_ percent: Double) -> UInt64? {
        entries.first { abs($0.percent - percent) < 1e-6 }?.valueNs
    }

    public static func == (a: PercentileMap, b: PercentileMap) -> Bool {
        a.entries.count == b.entries.count
            && zip(a.entries, b.entries).allSatisfy { $0.percent == $1.percent && $0.valueNs == $1.valueNs }
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: AnyKey.self)
        self.init(c.allKeys.compactMap { k in Double(k.stringValue).map { ($0, c.uint(k)) } })
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: AnyKey.self)
        for e in entries { try c.encode(e.valueNs, forKey: AnyKey(fioPercentileKey(e.percent))) }
    }

    /// Same map with every value multiplied (old fio wrote µs).
    func scaled(by factor: UInt64) -> PercentileMap {
        PercentileMap(entries.map { ($0.percent, $0.valueNs &* factor) })
    }
}

/// json+ latency bins: (representative ns, count) ascending. JSON: `{"87552" : 1, …}`.
public struct LatencyBins: Sendable, Equatable, Codable {
    public var entries: [(valueNs: UInt64, count: UInt64)]

    public init(_ entries: [(valueNs: UInt64, count: UInt64)]) {
        self.entries = entries.sorted { $0.valueNs < $1.valueNs }
    }

    public var totalCount: UInt64 { entries.reduce(0) { $0 &+ $1.count } }

    /// Nearest-rank percentile from the bins (to get percentiles a file did not list, e.g.
    /// from fio's json+ output): the representative value of the bin holding rank ⌈p·N/100⌉.
    public func value(atPercentile p: Double) -> UInt64 {
        let total = totalCount
        guard total > 0 else { return 0 }
        let rank = Swift.max(
            1, Swift.min(total, UInt64((Swift.min(Swift.max(p, 0), 100) / 100 * Double(total)).rounded(.up))))
        var seen: UInt64 = 0
        for e in entries {
            seen &+= e.count
            if seen >= rank { return e.valueNs }
        }
        return entries.last?.valueNs ?? 0
    }

    public static func == (a: LatencyBins, b: LatencyBins) -> Bool {
        a.entries.count == b.entries.count
            && zip(a.entries, b.entries).allSatisfy { $0.valueNs == $1.valueNs && $0.count == $1.count }
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: AnyKey.self)
        self.init(c.allKeys.compactMap { k in UInt64(k.stringValue).map { ($0, c.uint(k)) } })
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: AnyKey.self)
        for e in entries { try c.encode(e.count, forKey: AnyKey(String(e.valueNs))) }
    }
}

/// A fio percentage distribution with fixed keys in fio's order ("iodepth_level", "latency_us", …).
public struct FioDistribution: Sendable, Equatable, Codable {
    public var entries: [(key: String, percent: Double)]

    public init(_ entries: [(key: String, percent: Double)]) { self.entries = entries }

    public init(keys: [String], percents: [Double]) {
        entries = zip(keys, percents).map { ($0, $1) }
    }

    public subscript(_ key: String) -> Double? { entries.first { $0.key == key }?.percent }

    public static func == (a: FioDistribution, b: FioDistribution) -> Bool {
        a.entries.count == b.entries.count
            && zip(a.entries, b.entries).allSatisfy { $0.key == $1.key && $0.percent == $1.percent }
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: AnyKey.self)
        // Restore fio's order: numeric keys ascending, ">=N" last.
        func rank(_ k: String) -> Double {
            k.hasPrefix(">=") ? (Double(k.dropFirst(2)) ?? 0) + 0.5 : Double(k) ?? .infinity
        }
        entries = c.allKeys.map { ($0.stringValue, c.double($0)) }.sorted { rank($0.key) < rank($1.key) }
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: AnyKey.self)
        for e in entries { try c.encode(e.percent, forKey: AnyKey(e.key)) }
    }
}
