// Verify end to end through a real loop device with O_DIRECT: write verified blocks, corrupt the
// backing file behind the device's back, read back, and check that the exact file offset is reported;
// then redirect a write to the wrong offset and check it is reported as misdirected (and the block
// it should have replaced as stale).
//
// It lives here, under LoopDeviceSuite, rather than in VerifyTests: all tests that attach loop devices
// must run one at a time, because the loop tests compare `losetup -a` before and after.
import DiobenchTestSupport
import Foundation
import Glibc
import Testing
@testable import Targets
import Verify

extension LoopDeviceSuite {
    @Suite struct LoopVerifyTests {
        let blockLength = 65536
        let blocks = 64
        let job: UInt32 = 1
        let seed: UInt64 = 0xD10B

        func write(
            _ fd: Int32, _ verifier: BlockVerifier, blockFor offset: UInt64, at target: UInt64, generation: UInt64
        ) throws {
            let buffer = AlignedBuffer(count: blockLength)
            verifier.fill(
                block: buffer.pointer, length: blockLength, offset: offset, job: job, generation: generation, seed: seed
            )
            let n = pwrite(fd, buffer.pointer, blockLength, off_t(target))
            try #require(n == blockLength, "pwrite at \(target): \(n < 0 ? String(cString: strerror(errno)) : "short")")
        }

        func readAndCheck(_ fd: Int32, _ verifier: BlockVerifier, generation: (Int) -> UInt64) throws -> [Int:
            VerifyOutcome]
        {
            var failures: [Int: VerifyOutcome] = [:]
            let buffer = AlignedBuffer(count: blockLength)
            for index in 0..<blocks {
                let offset = UInt64(index * blockLength)
                let n = pread(fd, buffer.pointer, blockLength, off_t(offset))
                try #require(n == blockLength)
                let outcome = verifier.check(
                    block: buffer.pointer, length: blockLength, expectedOffset: offset, job: job,
                    generation: generation(index), seed: seed)
                if !outcome.isOK { failures[index] = outcome }
            }
            return failures
        }

        @Test(arguments: [VerifyChecksum.crc32c, .sha256])
        func aFlippedByteInTheBackingFileIsReportedAtItsOffset(_ kind: VerifyChecksum) async throws {
            let scratch = try TemporaryDirectory("targets-verify-loop", under: "/tmp")
            try await expectingLoopDevicesUnchanged(scratch) {
                try flipAndRedirect(kind, backing: scratch.file("backing.img"))
            }
        }

        func flipAndRedirect(_ kind: VerifyChecksum, backing: String) throws {
            let loop = try LoopDevice.attach(
                LoopDeviceRequest(backingFile: backing, size: UInt64(blocks * blockLength), directIO: true))
            defer { try? loop.detach() }
            let verifier = BlockVerifier(checksum: kind)

            let fd = open(loop.path, O_RDWR | O_CLOEXEC | testODirect)
            try #require(fd >= 0, "open \(loop.path) with O_DIRECT: \(String(cString: strerror(errno)))")
            defer { close(fd) }
            for index in 0..<blocks {
                try write(
                    fd, verifier, blockFor: UInt64(index * blockLength), at: UInt64(index * blockLength), generation: 1)
            }
            #expect(fsync(fd) == 0)
            #expect(try readAndCheck(fd, verifier, generation: { _ in 1 }).isEmpty, "a clean pass finds nothing")

            // Flip one byte of block 37 in the backing file, behind the loop device.
            let corrupted = 37 * blockLength + 12_345
            let file = open(backing, O_RDWR | O_CLOEXEC)
            try #require(file >= 0)
            var byte: UInt8 = 0
            #expect(pread(file, &byte, 1, off_t(corrupted)) == 1)
            var flipped = byte ^ 0x40
            #expect(pwrite(file, &flipped, 1, off_t(corrupted)) == 1)
            #expect(fsync(file) == 0)
            close(file)

            let failures = try readAndCheck(fd, verifier, generation: { _ in 1 })
            #expect(failures.count == 1)
            guard case let .torn(m)? = failures[37] else {
                Issue.record("expected block 37 torn, got \(failures)")
                return
            }
            #expect(m.firstBadOffset == UInt64(corrupted) && m.lastBadOffset == UInt64(corrupted) && m.badBytes == 1)
            #expect(m.expected[0] == byte && m.found[0] == flipped)

            // Second pass (generation 2). The write meant for block 10 lands on block 20.
            for index in 0..<blocks where index != 10 && index != 20 {
                try write(
                    fd, verifier, blockFor: UInt64(index * blockLength), at: UInt64(index * blockLength), generation: 2)
            }
            try write(fd, verifier, blockFor: UInt64(10 * blockLength), at: UInt64(20 * blockLength), generation: 2)
            #expect(fsync(fd) == 0)
            let second = try readAndCheck(fd, verifier, generation: { _ in 2 })
            #expect(second.count == 2, "\(second)")
            #expect(
                second[20]
                    == .misdirected(
                        writtenFor: UInt64(10 * blockLength), foundAt: UInt64(20 * blockLength), generation: 2))
            #expect(second[10] == .stale(foundGeneration: 1, expectedGeneration: 2, payloadIntact: true))
        }
    }
}
