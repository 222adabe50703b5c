// CRC-32C and SHA-256 against published vectors, the hardware paths against the portable ones, and
// SHA-256 against coreutils' sha256sum.
import DiobenchTestSupport
import Foundation
import Testing
@testable import Verify

@Suite struct ChecksumTests {
    func crc(_ bytes: [UInt8]) -> UInt32 {
        bytes.withUnsafeBytes { Checksums.crc32c($0.baseAddress ?? UnsafeRawPointer(bitPattern: 1)!, count: $0.count) }
    }
    func crcPortable(_ bytes: [UInt8]) -> UInt32 {
        bytes.withUnsafeBytes {
            Checksums.crc32cPortable($0.baseAddress ?? UnsafeRawPointer(bitPattern: 1)!, count: $0.count)
        }
    }

    func sha(_ bytes: [UInt8], portable: Bool = false) -> String {
        var digest = [UInt8](repeating: 0, count: 32)
        bytes.withUnsafeBytes { input in
            digest.withUnsafeMutableBytes { out in
                let base = input.baseAddress ?? UnsafeRawPointer(bitPattern: 1)!
                if portable {
                    Checksums.sha256Portable(base, count: input.count, into: out.baseAddress!)
                } else {
                    Checksums.sha256(base, count: input.count, into: out.baseAddress!)
                }
            }
        }
        return digest.map { String(format: "%02x", $0) }.joined()
    }

    @Test func crc32cKnownVectors() {
        // The CRC catalogue's check value, and RFC 3720 (iSCSI) B.4 vectors.
        #expect(crc(Array("123456789".utf8)) == 0xE306_9283)
        #expect(crcPortable(Array("123456789".utf8)) == 0xE306_9283)
        #expect(crc([UInt8](repeating: 0, count: 32)) == 0x8A91_36AA)
        #expect(crc([UInt8](repeating: 0xFF, count: 32)) == 0x62A8_AB43)
        #expect(crc((0..<32).map { UInt8($0) }) == 0x46DD_794E)
        #expect(crc([]) == 0)
    }

    @Test func crc32cContinues() {
        let data = (0..<1000).map { UInt8(truncatingIfNeeded: $0 &* 7) }
        let whole = crc(data)
        let split = data.withUnsafeBytes { raw in
            let first = Checksums.crc32c(raw.baseAddress!, count: 333)
            return Checksums.crc32c(raw.baseAddress! + 333, count: 667, continuing: first)
        }
        #expect(split == whole)
    }

    @Test func crc32cHardwareMatchesPortableAtEveryAlignment() {
        var rng = SeededGenerator(seed: 0xC0FFEE)
        let data = (0..<70_000).map { _ in UInt8.random(in: 0...255, using: &rng) }
        for _ in 0..<300 {
            let start = Int.random(in: 0..<64, using: &rng)
            let length = Int.random(in: 0..<(data.count - start), using: &rng)
            let slice = Array(data[start..<(start + length)])
            data.withUnsafeBytes { raw in
                let a = Checksums.crc32c(raw.baseAddress! + start, count: length)
                let b = Checksums.crc32cPortable(raw.baseAddress! + start, count: length)
                #expect(a == b, "start \(start) length \(length)")
            }
            _ = slice
        }
    }

    @Test func sha256KnownVectors() {
        // FIPS 180-4 examples (and the empty message).
        let vectors: [([UInt8], String)] = [
            ([], "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
            (Array("abc".utf8), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
            (
                Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8),
                "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"
            ),
            (
                [UInt8](repeating: UInt8(ascii: "a"), count: 1_000_000),
                "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"
            ),
        ]
        for (input, expected) in vectors {
            #expect(sha(input) == expected, "\(input.count) bytes")
            #expect(sha(input, portable: true) == expected, "\(input.count) bytes, portable")
        }
    }

    @Test func sha256HardwareMatchesPortableAroundPaddingBoundaries() {
        var rng = SeededGenerator(seed: 0x5EED)
        let data = (0..<4200).map { _ in UInt8.random(in: 0...255, using: &rng) }
        for length in Array(0...200) + [447, 448, 511, 512, 1000, 4095, 4096, 4200] {
            let slice = Array(data[0..<length])
            #expect(sha(slice) == sha(slice, portable: true), "\(length) bytes")
        }
    }

    @Test(
        .enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/sha256sum"), "needs coreutils' sha256sum"))
    func sha256MatchesSha256sum() async throws {
        var rng = SeededGenerator(seed: 99)
        let data = (0..<123_457).map { _ in UInt8.random(in: 0...255, using: &rng) }
        let path = NSTemporaryDirectory() + "diobench-sha-\(getpid()).bin"
        try Data(data).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let output = try await runProgram("/usr/bin/sha256sum", [path]).stdout
        #expect(String(output.prefix(64)) == sha(data))
    }
}
