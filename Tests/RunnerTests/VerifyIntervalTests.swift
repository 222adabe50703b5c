import DiobenchTestSupport
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Issue 15: verify_interval, verify_offset and verify_dump. Each tool writes a file with a verify header every
/// 1 KiB of its 8 KiB writes (moved 100 bytes into each block), one byte is flipped, and a read-only job finds it:
/// the failed block is the 1 KiB piece, and verify_dump leaves the same two files as fio's
/// (`d.bin.<offset>.received` and `.expected`, one piece long, differing in that byte).
@Suite(.enabled(if: fioAvailable, "fio is not installed (apt-get install fio)"))
struct VerifyIntervalTests {
    static let job = [
        "--name=v", "--size=256k", "--bs=8k", "--verify=crc32c", "--verify_interval=1k", "--verify_offset=100",
    ]
    static let flipped = 5 * 8192 + 3 * 1024 + 500
    static let piece = 5 * 8192 + 3 * 1024

    /// Writes, flips one byte, reads back with verify_dump in `dir`; the read's output.
    func corruptAndDump(_ tool: String, _ dir: TemporaryDirectory) async throws -> ProcessOutput {
        let program = tool == fioPath ? fioPath : diobenchBinary
        let prefix = tool == fioPath ? [] : ["run"]
        let file = ["--filename=\(dir.file("d.bin"))", "--output=/dev/null"]
        let write = try await runProgram(
            program, prefix + Self.job + file + ["--rw=randwrite", "--do_verify=0"], directory: dir.path, timeout: 60)
        try #require(write.status == 0, "\(tool): \(write.stderr)")
        let fd = open(dir.file("d.bin"), O_RDWR)
        try #require(fd >= 0)
        var byte: UInt8 = 0
        #expect(pread(fd, &byte, 1, off_t(Self.flipped)) == 1)
        byte ^= 0x40
        #expect(pwrite(fd, &byte, 1, off_t(Self.flipped)) == 1)
        close(fd)
        return try await runProgram(
            program, prefix + Self.job + file + ["--rw=read", "--verify_dump=1"], directory: dir.path, timeout: 60)
    }

    @Test("a flipped byte: the 1 KiB piece fails, and both tools dump the same two files")
    func dumpsLikeFio() async throws {
        var listings: [[String]] = []
        for tool in [diobenchBinary, fioPath] {
            let dir = try TemporaryDirectory("runner")
            let out = try await corruptAndDump(tool, dir)
            let dumped = "received data dumped as d.bin.\(Self.piece).received"
            #expect(out.stderr.contains(dumped), "\(tool): \(out.stderr)")
            if tool == diobenchBinary { #expect(out.status != 0, "a verify failure fails the run") }
            let dumps = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter {
                $0.hasSuffix(".received") || $0.hasSuffix(".expected")
            }.sorted()
            listings.append(dumps)
            #expect(dumps == ["d.bin.\(Self.piece).expected", "d.bin.\(Self.piece).received"], "\(tool)")
            let received = try Data(contentsOf: URL(fileURLWithPath: dir.file("d.bin.\(Self.piece).received")))
            let expected = try Data(contentsOf: URL(fileURLWithPath: dir.file("d.bin.\(Self.piece).expected")))
            #expect(received.count == 1024 && expected.count == 1024, "\(tool)")
            let differing = zip(received, expected).enumerated().filter { $0.element.0 != $0.element.1 }.map(\.offset)
            // fio's regenerated header differs in its time and I/O number fields; diobench's only in the flip.
            if tool == diobenchBinary {
                #expect(differing == [Self.flipped - Self.piece], "differing bytes \(differing)")
            } else {
                #expect(differing.contains(Self.flipped - Self.piece), "fio: differing bytes \(differing)")
            }
        }
        #expect(listings[0] == listings[1])
    }

    @Test("diobench names the failed piece, not the whole I/O")
    func reportsThePiece() async throws {
        let dir = try TemporaryDirectory("runner")
        _ = try await corruptAndDump(diobenchBinary, dir)
        let out = try await runProgram(
            diobenchBinary,
            ["run", "--output-format=json", "--filename=\(dir.file("d.bin"))", "--rw=read"] + Self.job,
            directory: dir.path, timeout: 60)
        #expect(out.status == 1)
        #expect(out.stderr.contains("first bad byte at offset \(Self.flipped)"), "\(out.stderr)")
        #expect(out.stderr.contains("block 0x\(String(Self.piece, radix: 16))+1024"), "\(out.stderr)")
    }

    @Test("verify_offset must leave room for the header")
    func offsetTooLarge() async throws {
        let dir = try TemporaryDirectory("runner")
        let out = try await runProgram(
            diobenchBinary,
            [
                "run", "--name=v", "--filename=\(dir.file("d.bin"))", "--size=64k", "--bs=4k", "--rw=write",
                "--verify=crc32c", "--verify_interval=512", "--verify_offset=480",
            ],
            directory: dir.path, timeout: 60)
        #expect(out.status != 0)
        #expect(out.stderr.contains("verify_offset=480"), "\(out.stderr)")
        #expect(out.stderr.contains("use at most 432"), "\(out.stderr)")
    }
}
