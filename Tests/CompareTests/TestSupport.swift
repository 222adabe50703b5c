import DiobenchTestSupport
import Foundation

/// The first python3 on PATH (a pyenv shim may carry scipy where /usr/bin/python3 does not).
let python3: String = {
    let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
    for dir in path.split(separator: ":") where FileManager.default.isExecutableFile(atPath: "\(dir)/python3") {
        return "\(dir)/python3"
    }
    return "/usr/bin/python3"
}()
let fioPath = "/usr/bin/fio"
let chromiumPath = "/usr/bin/chromium"

/// True when python3 can import every module named.
func pythonHas(_ modules: [String]) async -> Bool {
    guard FileManager.default.isExecutableFile(atPath: python3) else { return false }
    let out = try? await runProgram(python3, ["-c", modules.map { "import \($0)" }.joined(separator: "; ")])
    return out?.status == 0
}

/// Runs a python3 script with arguments and returns its stdout (throws on a non-zero exit).
func python(_ script: String, _ arguments: [String] = []) async throws -> String {
    let out = try await runProgram(python3, ["-c", script] + arguments)
    guard out.status == 0 else { throw ScriptFailure(message: out.stderr) }
    return out.stdout
}

struct ScriptFailure: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}

/// Writes a job file with `${DIR}` replaced by `directory` and returns its path.
func writeJob(_ text: String, named name: String, in directory: String) throws -> String {
    let path = directory + "/" + name
    try text.replacingOccurrences(of: "${DIR}", with: directory).write(toFile: path, atomically: true, encoding: .utf8)
    return path
}
