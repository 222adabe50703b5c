import Foundation

/// The package root, found from this file's path (tests may run from any directory).
public let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().path

/// The diobench binary `swift test` built next to the test bundle (the test targets that run it depend
/// on it); the bundle may be a directory, so the search walks up a few levels.
public let diobenchBinary: String = {
    let exe = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
    var dir = URL(fileURLWithPath: exe).deletingLastPathComponent()
    for _ in 0..<4 {
        let candidate = dir.appendingPathComponent("diobench").path
        if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        dir = dir.deletingLastPathComponent()
    }
    return packageRoot + "/.build/debug/diobench"
}()

public struct ProcessOutput: Sendable {
    public var status: Int32
    public var stdout: String
    public var stderr: String
    public var timedOut: Bool
}

/// Runs a program to completion (or interrupts, then kills, it after `timeout` seconds) with pipes for
/// stdout and stderr, so neither is a terminal; `input` (if any) is its standard input, else /dev/null.
/// A `program` without a slash is looked up on PATH.
public func runProgram(_ program: String, _ arguments: [String], directory: String = packageRoot, timeout: Double = 120,
                       environment: [String: String]? = nil, input: String? = nil) throws -> ProcessOutput {
    let process = Process()
    if program.contains("/") {
        process.executableURL = URL(fileURLWithPath: program)
        process.arguments = arguments
    } else {
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [program] + arguments
    }
    process.currentDirectoryURL = URL(fileURLWithPath: directory)
    if let environment { process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 } }
    let out = Pipe(), err = Pipe()
    process.standardOutput = out
    process.standardError = err
    let stdin = Pipe()
    process.standardInput = input == nil ? FileHandle.nullDevice : stdin
    try process.run()
    if let input {
        // A child that exits without reading must not take the test process down with SIGPIPE.
        _ = ignoreSIGPIPE
        // A writer thread, so an input bigger than the pipe cannot block us while the child blocks on output.
        let handle = stdin.fileHandleForWriting
        DispatchQueue.global().async { try? handle.write(contentsOf: Data(input.utf8)); try? handle.close() }
    }
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
        if Date() > deadline {
            timedOut = true
            process.interrupt()
            usleep(500_000)
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        }
        usleep(10_000)
    }
    group.wait()
    return ProcessOutput(status: process.terminationStatus, stdout: String(decoding: outData.data, as: UTF8.self),
                         stderr: String(decoding: errData.data, as: UTF8.self), timedOut: timedOut)
}

/// Runs the diobench under test.
public func diobench(_ arguments: [String], directory: String = packageRoot, timeout: Double = 120,
                     input: String? = nil) throws -> ProcessOutput {
    try runProgram(diobenchBinary, arguments, directory: directory, timeout: timeout, input: input)
}

/// Set once: writes to a closed pipe fail with EPIPE instead of killing the process.
private let ignoreSIGPIPE: Void = { signal(SIGPIPE, SIG_IGN) }()

/// Filled by one reader thread, read after `group.wait()`.
private final class DataBox: @unchecked Sendable {
    var data = Data()
}
