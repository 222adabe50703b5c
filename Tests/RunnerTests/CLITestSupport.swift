import Foundation
import Testing

/// The package root, found from this file's path (tests may run from any directory).
let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

/// The diobench binary built next to the test bundle (`swift test` builds it with the tests).
let diobenchBinary: String = {
    let bundleDir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().path
    for candidate in [bundleDir + "/diobench", bundleDir + "/../diobench"] where FileManager.default.isExecutableFile(atPath: candidate) {
        return candidate
    }
    return packageRoot + "/.build/debug/diobench"
}()

let fioPath = "/usr/bin/fio"
let fioAvailable = FileManager.default.isExecutableFile(atPath: fioPath)

struct ProcessOutput {
    var status: Int32
    var stdout: String
    var stderr: String
    var timedOut: Bool
}

/// Runs a program to completion (or kills it after `timeout` seconds) and collects its output.
func runProgram(_ path: String, _ arguments: [String], directory: String? = nil, timeout: Double = 120,
                environment: [String: String]? = nil) throws -> ProcessOutput {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: path)
    process.arguments = arguments
    if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
    if let environment { process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 } }
    let out = Pipe(), err = Pipe()
    process.standardOutput = out
    process.standardError = err
    process.standardInput = FileHandle.nullDevice
    try process.run()
    // Drain both pipes while waiting, so a chatty child never blocks on a full pipe.
    let outData = DataBox(), errData = DataBox()
    let group = DispatchGroup()
    group.enter()
    DispatchQueue.global().async { outData.data = out.fileHandleForReading.readDataToEndOfFile(); group.leave() }
    group.enter()
    DispatchQueue.global().async { errData.data = err.fileHandleForReading.readDataToEndOfFile(); group.leave() }
    let deadline = Date().addingTimeInterval(timeout)
    var timedOut = false
    while process.isRunning {
        if Date() > deadline { timedOut = true; process.interrupt(); usleep(500_000); if process.isRunning { kill(process.processIdentifier, SIGKILL) } }
        usleep(10_000)
    }
    group.wait()
    return ProcessOutput(status: process.terminationStatus, stdout: String(decoding: outData.data, as: UTF8.self),
                         stderr: String(decoding: errData.data, as: UTF8.self), timedOut: timedOut)
}

/// Filled by one reader thread, read after `group.wait()`.
private final class DataBox: @unchecked Sendable {
    var data = Data()
}

func diobench(_ arguments: [String], directory: String? = nil, timeout: Double = 120) throws -> ProcessOutput {
    try runProgram(diobenchBinary, arguments, directory: directory, timeout: timeout)
}

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

/// Parses a JSON document printed by fio or diobench (fio may print notes before it).
func jsonObject(_ text: String) throws -> [String: Any] {
    guard let start = text.firstIndex(of: "{") else { throw JSONFailure(text: text) }
    let data = Data(text[start...].utf8)
    guard let object = try JSONSerialization.jsonObject(with: data) as? [String: Any] else { throw JSONFailure(text: text) }
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
