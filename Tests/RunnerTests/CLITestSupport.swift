import DiobenchTestSupport
import Foundation
import Testing

let fioPath = "/usr/bin/fio"
let fioAvailable = FileManager.default.isExecutableFile(atPath: fioPath)

/// `diobench compare JOBS… --matrix bs=4k,8k --repeat 1` into `dir`/cmp: its exit status and stderr, and the
/// compare.json cells it printed.
func compareTwoBlockSizes(_ jobs: [String], in dir: TemporaryDirectory, input: String? = nil) async throws -> (
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
