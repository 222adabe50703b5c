import DiobenchTestSupport
import Foundation
import Testing

/// Issue 15: rw= offset modifiers and rw_sequencer against fio 3.33, by the offsets each tool passes to
/// pread64/pwrite64 (strace). Sequential modifiers are deterministic, so the offsets must be the same; for
/// random runs (`randread:N`) the random draws differ, so the shape is compared: the first N I/Os, and what
/// the I/Os between two new offsets do.
@Suite(
    .enabled(if: fioAvailable, "fio is not installed (apt-get install fio)"),
    .enabled(if: straceAvailable, "strace is not installed (apt-get install strace)"))
struct FioOffsetModifierTests {
    /// The block numbers (4 KiB) of each I/O, in order.
    func blocks(_ tool: String, _ options: [String]) async throws -> [Int] {
        let dir = try TemporaryDirectory("runner", under: "/dev/shm")
        let program = tool == fioPath ? fioPath : diobenchBinary
        let arguments =
            (tool == fioPath ? [] : ["run"])
            + ["--name=m", "--filename=\(dir.file("f"))", "--size=64k", "--bs=4k", "--output=/dev/null"] + options
        let layout = try await runProgram(program, arguments, timeout: 120)
        try #require(layout.status == 0, "\(tool): \(layout.stderr)")
        let out = try await runProgram(
            "/usr/bin/strace",
            ["-f", "-qq", "-e", "trace=pread64,pwrite64", "-o", dir.file("trace"), program] + arguments, timeout: 120)
        try #require(out.status == 0, "\(tool): \(out.stderr)")
        let text = try String(contentsOfFile: dir.file("trace"), encoding: .utf8)
        let regex = try NSRegularExpression(pattern: #"p(?:read|write)64\(\d+, .*, 4096, (\d+)\) = 4096"#)
        return regex.matches(in: text, range: NSRange(text.startIndex..., in: text)).map { match in
            Int(text[Range(match.range(at: 1), in: text)!])! / 4096
        }
    }

    @Test(
        "sequential suffixes: holes and backward steps give fio's offsets",
        arguments: ["read:8k", "read:-8k", "write:-8k", "read:-4k", "read:-12k", "write:4k"])
    func sequentialSuffixLikeFio(_ rw: String) async throws {
        let ours = try await blocks(diobenchBinary, ["--rw=\(rw)"])
        let theirs = try await blocks(fioPath, ["--rw=\(rw)"])
        #expect(!ours.isEmpty)
        #expect(ours == theirs)
    }

    @Test("randread:4 runs: the first four I/Os start at 0, then a new offset every fourth", arguments: [false, true])
    func randomRunsLikeFio(_ identical: Bool) async throws {
        let options = ["--rw=randread:4"] + (identical ? ["--rw_sequencer=identical"] : [])
        for tool in [diobenchBinary, fioPath] {
            let seen = try await blocks(tool, options)
            #expect(seen.count == 16, "\(tool): \(seen)")
            #expect(Array(seen.prefix(4)) == (identical ? [0, 0, 0, 0] : [0, 1, 2, 3]), "\(tool): \(seen)")
            // Within each group of four after the first, the I/Os repeat the group's first offset (identical)
            // or go on from it, unless a run falls off the end of the file (then fio draws anew).
            for group in stride(from: 4, to: seen.count - 3, by: 4) {
                let first = seen[group]
                let expected = identical ? [first, first, first, first] : Array(first..<(first + 4))
                if identical || first + 3 < 16 {
                    #expect(Array(seen[group..<(group + 4)]) == expected, "\(tool): \(seen)")
                }
            }
        }
    }
}
