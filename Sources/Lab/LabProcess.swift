import Foundation
import SystemCalls
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

    /// The pid of the streaming child running now, so a signal to diobench can be passed on to it.
    nonisolated(unsafe) public static var currentChild: pid_t = 0

    /// Runs `arguments[0]` (a path, or a name looked up on PATH) with the terminal's stdout/stderr.
    /// Spawned with an empty signal mask and default handlers: diobench blocks SIGINT and SIGTERM in
    /// all its threads (SignalWatcher), and a child inheriting that mask could not be stopped with
    /// Ctrl-C (Foundation's Process passes the mask on). Returns the exit status, or 128+N for signal N.
    @discardableResult
    public static func stream(_ arguments: [String], environment: [String: String] = [:]) throws -> Int32 {
        let path = try resolve(arguments)
        var env = ProcessInfo.processInfo.environment
        for (k, v) in environment { env[k] = v }

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var none = sigset_t()
        sigemptyset(&none)
        posix_spawnattr_setsigmask(&attributes, &none)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGINT, SIGTERM, SIGUSR1, SIGPIPE] { sigaddset(&defaults, signal) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)

        let argv = ([path] + arguments.dropFirst()).map { strdup($0) } + [nil]
        let envp = env.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            for p in argv { free(p) }
            for p in envp { free(p) }
        }
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, path, &actions, &attributes, argv, envp)
        guard rc == 0 else {
            throw LabError.commandFailed(
                command: "\(path) (posix_spawn: \(String(cString: strerror(rc))))", status: 127)
        }
        currentChild = pid
        defer { currentChild = 0 }
        var status: Int32 = 0
        guard retryingInterrupted({ waitpid(pid, &status, 0) }) >= 0 else {
            throw LabError.commandFailed(command: "waitpid \(path)", status: 127)
        }
        // WIFEXITED / WEXITSTATUS / WTERMSIG are macros: the wait status layout, spelled out.
        let termSignal = status & 0x7f
        return termSignal == 0 ? (status >> 8) & 0xff : 128 + termSignal
    }

    /// Runs it with stdout and stderr captured together.
    public static func capture(_ arguments: [String]) throws -> Captured {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try resolve(arguments))
        process.arguments = Array(arguments.dropFirst())
        process.standardInput = FileHandle.nullDevice
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Captured(status: process.terminationStatus, output: String(decoding: data, as: UTF8.self))
    }

    /// The full path of a program on PATH (or nil).
    public static func which(_ name: String) -> String? {
        if name.contains("/") { return FileManager.default.isExecutableFile(atPath: name) ? name : nil }
        let dirs =
            (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":").map(String.init) + [
                "/usr/sbin", "/sbin",
            ]
        return dirs.map { $0 + "/" + name }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// The program `arguments[0]` names, as a path; a clear error when there is none.
    private static func resolve(_ arguments: [String]) throws -> String {
        guard let first = arguments.first else { throw LabError.commandFailed(command: "(empty command)", status: 127) }
        guard let path = which(first) else {
            throw LabError.toolMissing(tool: first, fix: "install it, or put it on PATH")
        }
        return path
    }
}
