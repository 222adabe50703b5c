import Foundation

/// The package root, found from this file's path (tests run with any working directory).
let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

/// A fresh folder under .build/compare-tests (on the work disk: O_DIRECT needs a real file system, not tmpfs).
func scratchDirectory(_ name: String = "run") throws -> String {
    let dir = packageRoot + "/.build/compare-tests/\(name)-\(UUID().uuidString.prefix(8))"
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    return dir
}

/// Filled by the thread that drains stderr, read after it finished.
final class DataBox: @unchecked Sendable { var data = Data() }

struct ProcessOutput {
    var status: Int32
    var stdout: String
    var stderr: String
}

/// Runs a program to completion with pipes for stdout and stderr (so neither is a terminal).
func runProcess(_ executable: String, _ arguments: [String], in directory: String = packageRoot) throws -> ProcessOutput {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: executable)
    p.arguments = arguments
    p.currentDirectoryURL = URL(fileURLWithPath: directory)
    let out = Pipe(), err = Pipe()
    p.standardOutput = out
    p.standardError = err
    try p.run()
    // Read both pipes while the process runs, or a full pipe blocks it.
    let errBox = DataBox()
    let errThread = Thread { errBox.data = err.fileHandleForReading.readDataToEndOfFile() }
    errThread.start()
    let outData = out.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    while !errThread.isFinished { usleep(1000) }
    let errData = errBox.data
    return ProcessOutput(status: p.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
                         stderr: String(decoding: errData, as: UTF8.self))
}

/// The diobench binary `swift test` built next to the test bundle (this target depends on it).
let diobenchBinary: String = {
    let exe = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
    var dir = URL(fileURLWithPath: exe).deletingLastPathComponent()
    // The test bundle may be a directory (…/diobenchPackageTests.xctest/…); walk up to the build folder.
    for _ in 0..<4 {
        let candidate = dir.appendingPathComponent("diobench").path
        if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        dir = dir.deletingLastPathComponent()
    }
    return packageRoot + "/.build/debug/diobench"
}()

func diobench(_ arguments: [String], in directory: String = packageRoot) throws -> ProcessOutput {
    try runProcess(diobenchBinary, arguments, in: directory)
}

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
func pythonHas(_ modules: [String]) -> Bool {
    guard FileManager.default.isExecutableFile(atPath: python3) else { return false }
    let out = try? runProcess(python3, ["-c", modules.map { "import \($0)" }.joined(separator: "; ")])
    return out?.status == 0
}

/// Runs a python3 script with arguments and returns its stdout (throws on a non-zero exit).
func python(_ script: String, _ arguments: [String] = []) throws -> String {
    let out = try runProcess(python3, ["-c", script] + arguments)
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
