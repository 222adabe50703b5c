// Internal imports in a resilient module (Package.swift): the test targets do not load Subprocess, whose
// SystemPackage declares io_uring_sqe as linux/io_uring.h does, which clashes with CLiburing's in EnginesTests.
internal import Foundation
internal import Subprocess

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
    /// The exit status; when `signaled`, the number of the signal that ended the child (as Foundation's
    /// Process reported it).
    public var status: Int32
    public var stdout: String
    public var stderr: String
    public var timedOut: Bool
    /// The child died of a signal rather than exiting.
    public var signaled: Bool
    /// The child's pid (reaped by now: no process has it, until the kernel hands it out again).
    public var processIdentifier: Int32
}

/// A child started by `runProgram(…, whileRunning:)`, while its body runs: the child has not been reaped
/// yet (it may have exited), so its pid names it and nothing else.
public struct RunningChild: Sendable {
    public let processIdentifier: Int32
    fileprivate let sendSignal: @Sendable (Int32) throws -> Void

    /// Sends `signal` (SIGINT, SIGTERM, SIGKILL…) to the child.
    public func send(_ signal: Int32) throws { try sendSignal(signal) }
}

/// The child outran `timeout` while the body given to `runProgram(…, whileRunning:)` still ran (so there
/// is no output to return): it was interrupted, then killed.
public struct ChildProcessTimeout: Error, CustomStringConvertible {
    public var program: String
    public var seconds: Double
    public var description: String { "\(program) did not finish within \(seconds) s: interrupted, then killed" }
}

/// Each of stdout and stderr is collected up to this many bytes (more is an error, not a silent cut).
private let outputLimit = 64 << 20

/// Runs a program to completion (or interrupts, then kills, it after `timeout` seconds) with pipes for
/// stdout and stderr, so neither is a terminal; `input` (if any) is its standard input, else /dev/null.
/// A `program` without a slash is looked up on PATH. `environment` is merged into this process's, or is
/// the whole environment with `inheritEnvironment: false`. Awaits the child without holding a thread.
public func runProgram(
    _ program: String, _ arguments: [String], directory: String = packageRoot, timeout: Double = 120,
    environment: [String: String]? = nil, inheritEnvironment: Bool = true,
    input: String? = nil
) async throws -> ProcessOutput {
    try await runProgram(
        program, arguments, directory: directory, timeout: timeout, environment: environment,
        inheritEnvironment: inheritEnvironment, input: input, whileRunning: { _ in }
    ).output
}

/// `runProgram`, with `body` running beside the child (to signal it, or watch it in /proc) once it has
/// started; the child is awaited after `body` returns. If `body` throws, the child is interrupted, then
/// killed, and the error is rethrown.
public func runProgram<R: Sendable>(
    _ program: String, _ arguments: [String], directory: String = packageRoot, timeout: Double = 120,
    environment: [String: String]? = nil, inheritEnvironment: Bool = true, input: String? = nil,
    whileRunning body: @escaping @Sendable (RunningChild) async throws -> R
) async throws -> (output: ProcessOutput, result: R) {
    let executable: Executable = program.contains("/") ? .path(.init(program)) : .name(program)
    var childEnvironment: Subprocess.Environment = .inherit
    if let environment {
        let pairs = environment.compactMap { key, value in Subprocess.Environment.Key(rawValue: key).map { ($0, value) }
        }
        childEnvironment =
            inheritEnvironment
            ? .inherit.updating(Dictionary(pairs.map { ($0.0, Optional($0.1)) }, uniquingKeysWith: { $1 }))
            : .custom(Dictionary(pairs, uniquingKeysWith: { $1 }))
    }
    let configuration = Configuration(
        executable: executable, arguments: Arguments(arguments), environment: childEnvironment,
        workingDirectory: .init(directory), platformOptions: teardownOptions)
    // The timeout cancels the task awaiting the child: Subprocess then runs the teardown sequence
    // (SIGINT, then SIGKILL half a second later) and returns what the child wrote before it. Its clock
    // starts once the child has a slot.
    return try await WorkSlots.withSlot {
        try await withThrowingTaskGroup(of: (output: ProcessOutput, result: R)?.self) { group in
            group.addTask { try await launch(configuration, input: input, body) }
            group.addTask {
                try await Task.sleep(for: .seconds(timeout))
                return nil
            }
            let first = try await group.next()!
            group.cancelAll()
            if let first { return first }
            do {
                guard var outcome = try await group.next()! else {
                    throw ChildProcessTimeout(program: program, seconds: timeout)
                }
                outcome.output.timedOut = true
                return outcome
            } catch is CancellationError {
                throw ChildProcessTimeout(program: program, seconds: timeout)
            }
        }
    }
}

/// Runs the diobench under test.
public func diobench(
    _ arguments: [String], directory: String = packageRoot, timeout: Double = 120,
    input: String? = nil
) async throws -> ProcessOutput {
    try await runProgram(diobenchBinary, arguments, directory: directory, timeout: timeout, input: input)
}

/// What `defer` does, for a cleanup that must await a child (`losetup --detach`, `umount`), which a `defer`
/// body cannot: runs `body`, then `cleanup` whether `body` returned or threw, and returns or rethrows what
/// `body` did.
public func withCleanup<T>(_ body: () async throws -> T, cleanup: () async -> Void) async rethrows -> T {
    let value: T
    do {
        value = try await body()
    } catch {
        await cleanup()
        throw error
    }
    await cleanup()
    return value
}

/// SIGINT first (diobench cleans up and writes partial results on it), SIGKILL half a second later.
private let teardownOptions: PlatformOptions = {
    var options = PlatformOptions()
    options.teardownSequence = [.send(signal: .interrupt, allowedDurationToNextStep: .milliseconds(500))]
    return options
}()

private func launch<R: Sendable>(
    _ configuration: Configuration, input: String?, _ body: @escaping @Sendable (RunningChild) async throws -> R
) async throws -> (output: ProcessOutput, result: R) {
    func child<Input, Output, Error>(_ execution: Execution<Input, Output, Error>) -> RunningChild {
        RunningChild(processIdentifier: execution.processIdentifier.value) { signal in
            try execution.send(signal: Signal(rawValue: signal))
        }
    }
    let result: ExecutionResult<R, StringOutput<UTF8>, StringOutput<UTF8>>
    if let input {
        // A child that exits without reading must not take the test process down with SIGPIPE.
        _ = ignoreSIGPIPE
        // Written here rather than as `.string(input)`: Subprocess 1.0.2 does not close the pipe when that
        // write fails (the child exited without reading it all) and traps on the open descriptor.
        result = try await Subprocess.run(
            configuration, input: .inputWriter, output: .string(limit: outputLimit),
            error: .string(limit: outputLimit)
        ) { execution in
            let writer = execution.standardInputWriter
            async let written: Void = {
                _ = try? await writer.write(Array(input.utf8))
                try? await writer.finish()
            }()
            let value = try await body(child(execution))
            await written
            return value
        }
    } else {
        result = try await Subprocess.run(
            configuration, input: .none, output: .string(limit: outputLimit),
            error: .string(limit: outputLimit)
        ) { execution in
            try await body(child(execution))
        }
    }
    let (status, signaled): (Int32, Bool) =
        switch result.terminationStatus {
        case .exited(let code): (code, false)
        case .signaled(let signal): (signal, true)
        }
    let output = ProcessOutput(
        status: status, stdout: result.standardOutput, stderr: result.standardError,
        timedOut: false, signaled: signaled, processIdentifier: result.processIdentifier.value)
    return (output, result.closureResult)
}

/// Set once: writes to a closed pipe fail with EPIPE instead of killing the process.
private let ignoreSIGPIPE: Void = { signal(SIGPIPE, SIG_IGN) }()
