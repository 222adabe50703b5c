// What a program did to the files under a directory, as strace saw it: page-cache drops, syncs and opens per
// file. Tests run fio and diobench on the same job text and compare these (issue 15 item 5).
internal import Foundation

/// strace, where it is installed (`apt-get install strace`); tracing needs root or ptrace rights over the child.
public let straceAvailable = FileManager.default.isExecutableFile(atPath: "/usr/bin/strace")

/// The effects on one file.
public struct FileEffects: Equatable, Sendable, CustomStringConvertible {
    /// posix_fadvise(POSIX_FADV_DONTNEED) calls: page-cache drops.
    public var cacheDrops = 0
    public var fsyncs = 0
    public var fdatasyncs = 0
    /// Successful opens.
    public var opens = 0
    /// The flags of its opens, each set written as "O_CREAT|O_RDWR" (sorted; O_CLOEXEC and O_LARGEFILE left out).
    public var openFlags: Set<String> = []
    /// Other posix_fadvise advice given ("POSIX_FADV_RANDOM", …).
    public var hints: Set<String> = []

    public init() {}

    public var description: String {
        "drops \(cacheDrops), fsync \(fsyncs), fdatasync \(fdatasyncs), opens \(opens) "
            + openFlags.sorted().description + " hints " + hints.sorted().description
    }
}

/// Runs `program` under `strace -f` and returns its output and the effects on every file under `directory`,
/// keyed by the path relative to it. Each process and thread is traced into its own file (`-ff`), so no
/// system call is split across lines by another thread's.
public func runTraced(
    _ program: String, _ arguments: [String], filesUnder directory: String, timeout: Double = 120
) async throws -> (output: ProcessOutput, effects: [String: FileEffects]) {
    // strace shows a descriptor's path as the kernel resolves it: compare with the resolved directory.
    let directory = URL(fileURLWithPath: directory).resolvingSymlinksInPath().path
    let traceDirectory = try TemporaryDirectory("strace", under: "/tmp")
    let prefix = traceDirectory.file("trace")
    let output = try await runProgram(
        "/usr/bin/strace",
        ["-f", "-ff", "-qq", "-y", "-o", prefix, "-e", "trace=openat,fadvise64,fsync,fdatasync,ftruncate,fallocate"]
            + [program] + arguments, timeout: timeout)
    var effects: [String: FileEffects] = [:]
    for name in try FileManager.default.contentsOfDirectory(atPath: traceDirectory.path) where name.hasPrefix("trace") {
        let text = try String(contentsOfFile: traceDirectory.file(name), encoding: .utf8)
        for line in text.split(separator: "\n") {
            guard let call = TracedCall(line), let relative = call.path.relative(to: directory) else { continue }
            call.apply(to: &effects[relative, default: FileEffects()])
        }
    }
    return (output, effects)
}

/// One line of strace's output with `-y` (descriptors shown with their paths).
struct TracedCall {
    var name: String
    var path: String
    var arguments: [String]

    init?(_ line: Substring) {
        guard let open = line.firstIndex(of: "("), let end = line.range(of: ") = ", options: .backwards) else {
            return nil
        }
        // A failed call ("= -1 ENOENT …") changed nothing.
        guard !line[end.upperBound...].hasPrefix("-") else { return nil }
        name = String(line[..<open])
        arguments = line[line.index(after: open)..<end.lowerBound].components(separatedBy: ", ")
        guard let first = arguments.first else { return nil }
        if name == "openat" {
            // openat(AT_FDCWD</cwd>, "/path", FLAGS[, MODE]) = N</path>: the path the descriptor names.
            let result = line[end.upperBound...]
            guard let lt = result.firstIndex(of: "<"), let gt = result.lastIndex(of: ">") else { return nil }
            path = String(result[result.index(after: lt)..<gt])
        } else {
            // fsync(3</path>): the path in the first argument.
            guard let lt = first.firstIndex(of: "<"), let gt = first.lastIndex(of: ">") else { return nil }
            path = String(first[first.index(after: lt)..<gt])
        }
    }

    func apply(to effects: inout FileEffects) {
        switch name {
        case "openat":
            effects.opens += 1
            let flags = arguments.count > 2 ? arguments[2].split(separator: "|").map(String.init) : []
            effects.openFlags.insert(
                flags.filter { $0 != "O_CLOEXEC" && $0 != "O_LARGEFILE" }.sorted().joined(separator: "|"))
        case "fadvise64":
            let advice = arguments.last ?? ""
            if advice == "POSIX_FADV_DONTNEED" { effects.cacheDrops += 1 } else { effects.hints.insert(advice) }
        case "fsync": effects.fsyncs += 1
        case "fdatasync": effects.fdatasyncs += 1
        default: break
        }
    }
}

extension String {
    /// The path below `directory`, or nil when it is not under it.
    fileprivate func relative(to directory: String) -> String? {
        let base = directory.hasSuffix("/") ? directory : directory + "/"
        return hasPrefix(base) ? String(dropFirst(base.count)) : nil
    }
}
