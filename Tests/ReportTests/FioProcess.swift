import DiobenchTestSupport
import Foundation

/// Runs the installed fio (the reference) on a job file in a scratch directory.
enum FioProcess {
    static let path = "/usr/bin/fio"
    static var available: Bool { FileManager.default.isExecutableFile(atPath: path) }

    struct Output {
        var stdout: Data
        var status: Int32
        var text: String { String(decoding: stdout, as: UTF8.self) }
    }

    /// Writes `job` (with `${DIR}` replaced by a fresh directory on the work disk: O_DIRECT needs a real file
    /// system, not tmpfs) and runs fio with `arguments`.
    static func run(job: String, arguments: [String]) async throws -> Output {
        let dir = try TemporaryDirectory("report-fio")
        let jobPath = try dir.write("job.fio", job.replacingOccurrences(of: "${DIR}", with: dir.path))
        let out = try await runProgram(path, arguments + [jobPath])
        return Output(stdout: Data(out.stdout.utf8), status: out.status)
    }
}

enum Fixtures {
    static func data(_ name: String) throws -> Data {
        guard let url = Bundle.module.url(forResource: "Fixtures/" + name, withExtension: nil) else {
            throw CocoaError(.fileNoSuchFile, userInfo: [NSFilePathErrorKey: name])
        }
        return try Data(contentsOf: url)
    }

    static func text(_ name: String) throws -> String { String(decoding: try data(name), as: UTF8.self) }
}

/// The key paths of a JSON value, e.g. "read.clat_ns.percentile.99.000000".
func keyPaths(_ value: Any, prefix: String = "") -> Set<String> {
    var out = Set<String>()
    if let dict = value as? [String: Any] {
        for (k, v) in dict {
            let path = prefix.isEmpty ? k : prefix + "." + k
            out.insert(path)
            out.formUnion(keyPaths(v, prefix: path))
        }
    } else if let array = value as? [Any] {
        for v in array { out.formUnion(keyPaths(v, prefix: prefix + "[]")) }
    }
    return out
}

func jsonObject(_ data: Data) throws -> [String: Any] {
    try JSONSerialization.jsonObject(with: data) as? [String: Any] ?? [:]
}
