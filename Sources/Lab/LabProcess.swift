import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Runs the lab's helper programs (scripts, swift build, ldd). Output either goes straight to the
/// terminal (image builds and VM runs show their progress) or is captured.
public enum LabProcess {
    public struct Captured: Sendable {
        public var status: Int32
        public var output: String
    }

    /// The pid of the child running now, so a signal to diobench can be passed on to it.
    nonisolated(unsafe) public static var currentChild: pid_t = 0

    /// Runs `arguments[0]` (a path, or a name looked up on PATH) with the terminal's stdout/stderr.
    @discardableResult
    public static func stream(_ arguments: [String], environment: [String: String] = [:], directory: String? = nil) throws -> Int32 {
        let process = try make(arguments, environment: environment, directory: directory)
        try process.run()
        currentChild = process.processIdentifier
        process.waitUntilExit()
        currentChild = 0
        return process.terminationReason == .uncaughtSignal ? 128 + process.terminationStatus : process.terminationStatus
    }

    /// Runs it with stdout and stderr captured together.
    public static func capture(_ arguments: [String], environment: [String: String] = [:], directory: String? = nil) throws -> Captured {
        let process = try make(arguments, environment: environment, directory: directory)
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Captured(status: process.terminationStatus, output: String(decoding: data, as: UTF8.self))
    }

    /// The full path of a program on PATH (or nil).
    public static func which(_ name: String, environment: [String: String] = ProcessInfo.processInfo.environment) -> String? {
        if name.contains("/") { return FileManager.default.isExecutableFile(atPath: name) ? name : nil }
        let dirs = (environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":").map(String.init) + ["/usr/sbin", "/sbin"]
        return dirs.map { $0 + "/" + name }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    private static func make(_ arguments: [String], environment: [String: String], directory: String?) throws -> Process {
        guard let first = arguments.first else { throw LabError.commandFailed(command: "(empty command)", status: 127) }
        guard let path = which(first) else {
            throw LabError.toolMissing(tool: first, fix: "install it, or put it on PATH")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = Array(arguments.dropFirst())
        var env = ProcessInfo.processInfo.environment
        for (k, v) in environment { env[k] = v }
        process.environment = env
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        process.standardInput = FileHandle.nullDevice
        return process
    }
}
