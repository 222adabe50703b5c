import DiobenchTestSupport
import Foundation
import Testing

let fioPath = "/usr/bin/fio"
let fioAvailable = FileManager.default.isExecutableFile(atPath: fioPath)

/// A fresh directory on the work disk (not tmpfs: O_DIRECT tests need a real file system), removed afterwards.
final class WorkDirectory {
    let path: String
    init() throws {
        let base = packageRoot + "/.build/runner-tests"
        try FileManager.default.createDirectory(atPath: base, withIntermediateDirectories: true)
        path = base + "/run-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }
    func write(_ name: String, _ text: String) throws -> String {
        let file = path + "/" + name
        try text.write(toFile: file, atomically: true, encoding: .utf8)
        return file
    }
    deinit { try? FileManager.default.removeItem(atPath: path) }
}

/// `diobench compare JOBS… --matrix bs=4k,8k --repeat 1` into `dir`/cmp: its exit status and stderr, and the
/// compare.json cells it printed.
func compareTwoBlockSizes(_ jobs: [String], in dir: WorkDirectory, input: String? = nil) async throws -> (
    ProcessOutput, [[String: Any]]
) {
    let out = try await diobench(
        ["compare"] + jobs + [
            "--matrix", "bs=4k,8k", "--repeat", "1", "--output-format", "json",
            "--output-dir", dir.path + "/cmp",
        ], directory: dir.path, input: input)
    let cells = out.status == 0 ? try jsonObject(out.stdout)["cells"] as? [[String: Any]] ?? [] : []
    return (out, cells)
}

/// Parses a JSON document printed by fio or diobench (fio may print notes before it).
func jsonObject(_ text: String) throws -> [String: Any] {
    guard let start = text.firstIndex(of: "{") else { throw JSONFailure(text: text) }
    let data = Data(text[start...].utf8)
    guard let object = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
        throw JSONFailure(text: text)
    }
    return object
}

struct JSONFailure: Error, CustomStringConvertible {
    var text: String
    var description: String { "not a JSON object: \(text.prefix(400))" }
}

extension Dictionary where Key == String, Value == Any {
    func object(_ key: String) -> [String: Any] { self[key] as? [String: Any] ?? [:] }
    func number(_ key: String) -> Double { (self[key] as? NSNumber)?.doubleValue ?? -1 }
    var jobs: [[String: Any]] { self["jobs"] as? [[String: Any]] ?? [] }
}
