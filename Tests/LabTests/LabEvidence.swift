import Foundation
import Testing

/// Reading what the guest left: diobench's JSON results, `zfs get` captures, status files.
struct JSONValue {
    let raw: Any?
    subscript(_ key: String) -> JSONValue { JSONValue(raw: (raw as? [String: Any])?[key]) }
    subscript(_ index: Int) -> JSONValue {
        guard let a = raw as? [Any], index < a.count else { return JSONValue(raw: nil) }
        return JSONValue(raw: a[index])
    }
    var int: Int64? { (raw as? NSNumber)?.int64Value }
    var string: String? { raw as? String }
    var bool: Bool? { (raw as? NSNumber)?.boolValue }
    var array: [JSONValue] { ((raw as? [Any]) ?? []).map { JSONValue(raw: $0) } }
    var exists: Bool { raw != nil && !(raw is NSNull) }
}

struct CaseEvidence {
    let directory: String

    init(_ name: String) async throws {
        directory = try await LabSuiteRun.output().cases + "/" + name
    }

    func text(_ file: String) throws -> String {
        try String(contentsOfFile: directory + "/" + file, encoding: .utf8)
    }

    /// The file's text, or "" (for failure messages).
    func read(_ file: String) -> String { (try? text(file)) ?? "" }

    func lines(_ file: String) throws -> [String] {
        try text(file).split(separator: "\n").map(String.init)
    }

    var status: Int32? { (try? text("status")).flatMap { Int32($0.trimmingCharacters(in: .whitespacesAndNewlines)) } }

    func json(_ file: String = "result.json") throws -> JSONValue {
        JSONValue(
            raw: try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: directory + "/" + file))))
    }

    /// The `jobs[]` entry of one job.
    func job(_ name: String, in file: String = "result.json") throws -> JSONValue {
        let jobs = try json(file)["jobs"].array
        return try #require(jobs.first { $0["jobname"].string == name }, "no job \(name) in \(directory)/\(file)")
    }

    /// `zfs get -Hp -o property,value,source` rows: property -> (value, source).
    func zfsGet(_ file: String) throws -> [String: (value: String, source: String)] {
        var out: [String: (String, String)] = [:]
        for line in try lines(file) {
            let f = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            if f.count == 3 { out[f[0]] = (f[1], f[2]) }
        }
        return out
    }
}
