import Foundation

/// A whole run as fio's JSON writes it (`"fio version"`, `"jobs"`, `"disk_util"`, …) plus the
/// top-level `"diobench"` object. Decodes fio's own output (3.x, and 2.x's older keys).
public struct RunResult: Sendable, Equatable, Codable {
    /// fio writes "fio-3.33"; diobench writes "diobench-<version>".
    public var fioVersion: String
    /// Seconds since the epoch when the results were written.
    public var timestamp: Int64?
    public var timestampMs: Int64?
    /// ctime(3) text of `timestamp`, as fio writes it.
    public var time: String?
    public var globalOptions: FioOptionList?
    public var jobs: [JobResult]
    public var diskUtil: [DiskUtil]?
    public var diobench: RunExtension?

    public init(
        fioVersion: String, jobs: [JobResult], globalOptions: FioOptionList? = nil,
        diskUtil: [DiskUtil]? = nil, diobench: RunExtension? = nil, at date: Date? = Date()
    ) {
        self.fioVersion = fioVersion
        self.jobs = jobs
        self.globalOptions = globalOptions
        self.diskUtil = diskUtil
        self.diobench = diobench
        if let date {
            let ms = Int64((date.timeIntervalSince1970 * 1000).rounded(.down))
            timestamp = ms / 1000
            timestampMs = ms
            time = Self.ctimeText(seconds: ms / 1000)
        }
    }

    /// "Fri Nov 27 03:23:08 2026": ctime(3) without the newline, as fio writes `"time"`.
    public static func ctimeText(seconds: Int64) -> String {
        var t = time_t(seconds)
        var buf = [CChar](repeating: 0, count: 64)
        guard ctime_r(&t, &buf) != nil else { return "" }
        return String(decoding: buf.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            .trimmingCharacters(in: .newlines)
    }

    enum CodingKeys: String, CodingKey {
        case fioVersion = "fio version", timestamp, timestampMs = "timestamp_ms", time
        case globalOptions = "global options", jobs, diskUtil = "disk_util", diobench
        /// fio's client/server mode puts the jobs here.
        case clientStats = "client_stats"
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        fioVersion = c.string(.fioVersion) ?? ""
        timestamp = c.optionalInt(.timestamp)
        timestampMs = c.optionalInt(.timestampMs)
        time = c.string(.time)
        globalOptions = try? c.decodeIfPresent(FioOptionList.self, forKey: .globalOptions)
        if c.contains(.jobs) {
            jobs = try c.decode([JobResult].self, forKey: .jobs)
        } else {
            jobs = (try? c.decodeIfPresent([JobResult].self, forKey: .clientStats)) ?? []
        }
        diskUtil = try? c.decodeIfPresent([DiskUtil].self, forKey: .diskUtil)
        diobench = try? c.decodeIfPresent(RunExtension.self, forKey: .diobench)
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(fioVersion, forKey: .fioVersion)
        try c.encodeIfPresent(timestamp, forKey: .timestamp)
        try c.encodeIfPresent(timestampMs, forKey: .timestampMs)
        try c.encodeIfPresent(time, forKey: .time)
        if let globalOptions, !globalOptions.isEmpty { try c.encode(globalOptions, forKey: .globalOptions) }
        try c.encode(jobs, forKey: .jobs)
        try c.encodeIfPresent(diskUtil, forKey: .diskUtil)
        try c.encodeIfPresent(diobench, forKey: .diobench)
    }

    /// Decodes fio's (or our) JSON output. Text before the JSON object (fio prints job headers
    /// before it with `normal,json`, and warnings to the same file) and after it is skipped.
    public static func decodeFioOutput(_ data: Data) throws -> RunResult {
        guard let range = jsonObjectRange(in: data) else {
            throw DecodingError.dataCorrupted(
                .init(codingPath: [], debugDescription: "no JSON object found in fio output"))
        }
        return try JSONDecoder().decode(RunResult.self, from: sanitizedNonFiniteNumbers(data.subdata(in: range)))
    }

    /// Some fio versions print `nan`, `-nan` or `inf` for a 0/0 (not JSON); read those as 0.
    /// Scans outside of strings only, so a job named "x: nan" keeps its name.
    static func sanitizedNonFiniteNumbers(_ data: Data) -> Data {
        let bytes = [UInt8](data)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var i = 0, inString = false, escaped = false, changed = false
        let words: [[UInt8]] = ["-nan", "nan", "-inf", "inf", "-NaN", "NaN"].map { Array($0.utf8) }
        func isWordByte(_ b: UInt8) -> Bool {
            (b >= 0x30 && b <= 0x39) || (b | 0x20 >= 0x61 && b | 0x20 <= 0x7a) || b == 0x5f
        }
        while i < bytes.count {
            let b = bytes[i]
            if inString {
                if escaped {
                    escaped = false
                } else if b == UInt8(ascii: "\\") {
                    escaped = true
                } else if b == UInt8(ascii: "\"") {
                    inString = false
                }
                out.append(b); i += 1; continue
            }
            if b == UInt8(ascii: "\"") { inString = true; out.append(b); i += 1; continue }
            if let w = words.first(where: { w in
                i + w.count <= bytes.count && Array(bytes[i..<i + w.count]) == w
                    && (i + w.count == bytes.count || !isWordByte(bytes[i + w.count]))
            }) {
                out.append(UInt8(ascii: "0")); i += w.count; changed = true; continue
            }
            out.append(b); i += 1
        }
        return changed ? Data(out) : data
    }

    /// The first top-level `{ … }` that starts a line, matched by brace depth (strings respected).
    static func jsonObjectRange(in data: Data) -> Range<Data.Index>? {
        let bytes = [UInt8](data)
        var start: Int?
        for i in bytes.indices where bytes[i] == UInt8(ascii: "{") && (i == 0 || bytes[i - 1] == UInt8(ascii: "\n")) {
            start = i
            break
        }
        guard let s = start else { return nil }
        var depth = 0, inString = false, escaped = false
        for i in s..<bytes.count {
            let b = bytes[i]
            if inString {
                if escaped {
                    escaped = false
                } else if b == UInt8(ascii: "\\") {
                    escaped = true
                } else if b == UInt8(ascii: "\"") {
                    inString = false
                }
                continue
            }
            switch b {
            case UInt8(ascii: "\""): inString = true
            case UInt8(ascii: "{"): depth += 1
            case UInt8(ascii: "}"):
                depth -= 1
                if depth == 0 { return data.startIndex + s..<data.startIndex + i + 1 }
            default: break
            }
        }
        return nil
    }
}

/// One entry of fio's `disk_util` array (Linux block device counters over the run).
public struct DiskUtil: Sendable, Equatable, Codable {
    public var name: String
    public var readIOs: UInt64 = 0
    public var writeIOs: UInt64 = 0
    public var readSectors: UInt64?
    public var writeSectors: UInt64?
    public var readMerges: UInt64 = 0
    public var writeMerges: UInt64 = 0
    public var readTicks: UInt64 = 0
    public var writeTicks: UInt64 = 0
    public var inQueue: UInt64 = 0
    /// Percent of the run the device was busy.
    public var util: Double = 0

    public init(name: String) { self.name = name }

    enum CodingKeys: String, CodingKey {
        case name, readIOs = "read_ios", writeIOs = "write_ios", readSectors = "read_sectors", writeSectors =
            "write_sectors"
        case readMerges = "read_merges", writeMerges = "write_merges", readTicks = "read_ticks", writeTicks =
            "write_ticks"
        case inQueue = "in_queue", util
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        name = c.string(.name) ?? ""
        readIOs = c.uint(.readIOs); writeIOs = c.uint(.writeIOs)
        readSectors = c.optionalUInt(.readSectors); writeSectors = c.optionalUInt(.writeSectors)
        readMerges = c.uint(.readMerges); writeMerges = c.uint(.writeMerges)
        readTicks = c.uint(.readTicks); writeTicks = c.uint(.writeTicks)
        inQueue = c.uint(.inQueue); util = c.double(.util)
    }
}
