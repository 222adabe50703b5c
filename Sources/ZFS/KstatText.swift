// The SPL kstat text format of /proc/spl/kstat/<module>/<...>/<name>, for named kstats:
//
//   577 1 0x01 26 7072 356479252216 406651461130      <- kid type flags ndata data_size crtime snaptime
//   name                            type data          <- column line
//   arc_read_count                  4    130           <- one row per value: name, data type, value
//   dataset_name                    7    tank/my data  <- strings may hold spaces
//
// Names are printed left-aligned in 32 columns and the type in 5, so the column line gives where
// each field starts; a name that overflows its column shifts the row and falls back to tokens.

/// One value of a named kstat. SPL data types: 0 char, 1 int32, 2 uint32, 3 int64, 4 uint64,
/// 5 long, 6 ulong, 7 string.
public enum KstatValue: Sendable, Equatable, Codable {
    case signed(Int64)
    case unsigned(UInt64)
    case text(String)

    /// The value as a counter, when it is a non-negative number.
    public var counter: UInt64? {
        switch self {
        case .unsigned(let v): return v
        case .signed(let v): return v >= 0 ? UInt64(v) : nil
        case .text: return nil
        }
    }

    public var string: String? {
        if case .text(let s) = self { return s }
        return nil
    }
}

/// The header line of a kstat file.
public struct KstatHeader: Sendable, Equatable, Codable {
    public var kid: UInt64
    public var type: Int
    public var flags: String
    public var ndata: UInt64
    public var dataSize: UInt64
    /// Creation time in ns since boot: it changes when the kstat is re-created (pool export/import).
    public var crtime: UInt64
    public var snaptime: UInt64
}

/// A parsed named kstat: header plus rows in file order.
public struct KstatFile: Sendable, Equatable {
    public var header: KstatHeader
    public var rows: [(name: String, value: KstatValue)]

    public subscript(_ name: String) -> KstatValue? {
        rows.first { $0.name == name }?.value
    }

    /// All numeric rows by name.
    public var counters: [String: UInt64] {
        var out: [String: UInt64] = [:]
        for row in rows { if let v = row.value.counter { out[row.name] = v } }
        return out
    }

    public static func == (a: KstatFile, b: KstatFile) -> Bool {
        a.header == b.header && a.rows.map(\.name) == b.rows.map(\.name) && a.rows.map(\.value) == b.rows.map(\.value)
    }
}

public struct KstatParseError: Error, CustomStringConvertible, Equatable {
    public var source: String
    public var line: Int
    public var reason: String
    public var description: String { "\(source):\(line): \(reason)" }
}

public enum KstatParser {
    /// Parses the text of one named kstat file. `source` names it in errors.
    public static func parse(_ text: String, source: String) throws -> KstatFile {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard let headerLine = lines.first, !headerLine.isEmpty else {
            throw KstatParseError(source: source, line: 1, reason: "empty file, expected a kstat header line")
        }
        let header = try parseHeader(headerLine, source: source)
        guard lines.count > 1, let columns = columnStarts(lines[1]) else {
            throw KstatParseError(
                source: source, line: 2,
                reason: "expected the column line 'name type data', found '\(lines.count > 1 ? lines[1] : "")'")
        }
        var rows: [(name: String, value: KstatValue)] = []
        for (index, line) in lines.enumerated().dropFirst(2) where !line.trimmingSpaces.isEmpty {
            rows.append(try parseRow(line, columns: columns, source: source, lineNumber: index + 1))
        }
        return KstatFile(header: header, rows: rows)
    }

    private static func parseHeader(_ line: String, source: String) throws -> KstatHeader {
        let f = line.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
        guard f.count == 7, let kid = UInt64(f[0]), let type = Int(f[1]), let ndata = UInt64(f[3]),
            let size = UInt64(f[4]), let crtime = UInt64(f[5]), let snaptime = UInt64(f[6])
        else {
            throw KstatParseError(
                source: source, line: 1,
                reason: "expected 'kid type flags ndata data_size crtime snaptime', found '\(line)'")
        }
        return KstatHeader(
            kid: kid, type: type, flags: f[2], ndata: ndata, dataSize: size, crtime: crtime, snaptime: snaptime)
    }

    /// Character offsets of the `type` and `data` columns in the column line.
    private static func columnStarts(_ line: String) -> (type: Int, data: Int)? {
        let chars = Array(line)
        let tokens = tokenize(chars)
        guard tokens.count == 3, String(chars[tokens[0]]) == "name", String(chars[tokens[1]]) == "type",
            String(chars[tokens[2]]) == "data"
        else { return nil }
        return (tokens[1].lowerBound, tokens[2].lowerBound)
    }

    private static func parseRow(
        _ line: String, columns: (type: Int, data: Int), source: String,
        lineNumber: Int
    ) throws -> (name: String, value: KstatValue) {
        let chars = Array(line)
        // Column layout first: it keeps spaces inside names ("1 ns") and string values.
        if chars.count > columns.data, chars[columns.type - 1] == " ",
            let type = Int(String(chars[columns.type..<columns.data]).trimmingSpaces), (0...7).contains(type)
        {
            let name = String(chars[0..<columns.type]).trimmingSpaces
            let data = String(chars[columns.data...])
            if !name.isEmpty, let value = value(of: data, type: type) { return (name, value) }
        }
        // A long name shifted the row: name, type, then the rest of the line.
        let tokens = tokenize(chars)
        guard tokens.count >= 3, let type = Int(String(chars[tokens[1]])), (0...7).contains(type),
            let value = value(of: String(chars[tokens[2].lowerBound...]), type: type)
        else {
            throw KstatParseError(
                source: source, line: lineNumber,
                reason: "expected 'name type data' with type 0...7, found '\(line)'")
        }
        return (String(chars[tokens[0]]), value)
    }

    private static func value(of data: String, type: Int) -> KstatValue? {
        switch type {
        case 7: return .text(data.trimmingTrailingSpaces)
        case 0: return .text(data.trimmingSpaces)
        case 1, 3, 5: return Int64(data.trimmingSpaces).map(KstatValue.signed)
        default: return UInt64(data.trimmingSpaces).map(KstatValue.unsigned)
        }
    }

    /// Ranges of the space-separated tokens of a line.
    private static func tokenize(_ chars: [Character]) -> [Range<Int>] {
        var out: [Range<Int>] = []
        var start: Int?
        for (i, c) in chars.enumerated() {
            if c == " " || c == "\t" {
                if let s = start { out.append(s..<i); start = nil }
            } else if start == nil {
                start = i
            }
        }
        if let s = start { out.append(s..<chars.count) }
        return out
    }
}

extension String {
    var trimmingSpaces: String {
        var s = Substring(self)
        while let c = s.first, c == " " || c == "\t" || c == "\n" || c == "\r" { s.removeFirst() }
        while let c = s.last, c == " " || c == "\t" || c == "\n" || c == "\r" { s.removeLast() }
        return String(s)
    }

    var trimmingTrailingSpaces: String {
        var s = Substring(self)
        while let c = s.last, c == " " || c == "\t" || c == "\n" || c == "\r" { s.removeLast() }
        return String(s)
    }
}
