import DiobenchTestSupport
import Foundation
import Testing

/// Issue 8's "done when" for verification, through the CLI and a loop device diobench builds itself:
/// write with verify through the device with every engine, buffered and O_DIRECT; then damage the backing
/// file behind the device (a flipped byte, one block's bytes written over another's) and check that a
/// read-only verify job with the same identity reports the exact offset of the byte and the misdirected block.
@Suite(.serialized, .loopDevices, .enabled(if: canUseLoopDevices, loopReason))
struct VerifyLoopJobTests {
    static let engines = ["psync", "sync", "io_uring", "io_uring fixedbufs"]

    func run(_ dir: TemporaryDirectory, _ file: String, _ job: String) async throws -> ProcessOutput {
        let before = try await losetupLines()
        let out = try await diobench(
            ["run", "--output-format=json", "--journal-dir", dir.path + "/journal", try dir.write(file, job)],
            timeout: 60)
        #expect(try await losetupLines() == before, "losetup -a changed")
        #expect(
            ((try? FileManager.default.contentsOfDirectory(atPath: dir.path + "/journal")) ?? []).isEmpty,
            "journal left behind")
        return out
    }

    @Test(arguments: engines, [false, true])
    func writeAndReadBackThroughALoopDevice(_ engine: String, _ direct: Bool) async throws {
        let dir = try TemporaryDirectory("runner")
        let words = engine.split(separator: " ").map(String.init)
        let job = """
            [vloop]
            loop_backing=\(dir.path)/backing.img
            loop_dio=\(direct ? 1 : 0)
            size=8m
            bs=16k
            rw=randwrite
            verify=crc32c
            direct=\(direct ? 1 : 0)
            ioengine=\(words[0])
            iodepth=8
            \(words.dropFirst().map { "\($0)\n" }.joined())
            """
        let out = try await run(dir, "j.fio", job)
        try #require(out.status == 0, "\(engine) direct=\(direct): \(out.stderr)")
        let entry = try #require(try jsonObject(out.stdout).jobs.first)
        let v = entry.object("diobench").object("verify")
        #expect(v.number("blocks_checked") == 512)
        #expect(v.number("blocks_failed") == 0)
        #expect(entry.object("diobench").object("loop")["dio_requested"] as? Bool == direct)
    }

    @Test(arguments: [false, true])
    func damageInTheBackingFileIsReportedAtItsOffset(_ direct: Bool) async throws {
        let dir = try TemporaryDirectory("runner")
        let backing = dir.path + "/backing.img"
        let bs = 65536
        let common = """
            loop_backing=\(backing)
            loop_dio=\(direct ? 1 : 0)
            direct=\(direct ? 1 : 0)
            size=4m
            bs=\(bs)
            verify=crc32c
            ioengine=io_uring
            iodepth=4

            """
        let write = try await run(dir, "w.fio", "[blocks]\n" + common + "rw=randwrite\ndo_verify=0\n")
        try #require(write.status == 0, "\(write.stderr)")
        let clean = try await run(dir, "c.fio", "[blocks]\n" + common + "rw=read\n")
        #expect(clean.status == 0, "an undamaged file verifies clean: \(clean.stderr)")

        // Behind the device's back: one byte of block 37 flipped, block 10's bytes written at block 20.
        let flippedAt = 37 * bs + 12_345
        let fd = open(backing, O_RDWR)
        try #require(fd >= 0)
        var byte: UInt8 = 0
        #expect(pread(fd, &byte, 1, off_t(flippedAt)) == 1)
        var flipped = byte ^ 0x40
        #expect(pwrite(fd, &flipped, 1, off_t(flippedAt)) == 1)
        var block = [UInt8](repeating: 0, count: bs)
        #expect(pread(fd, &block, bs, off_t(10 * bs)) == bs)
        #expect(pwrite(fd, block, bs, off_t(20 * bs)) == bs)
        #expect(fsync(fd) == 0)
        close(fd)

        let check = try await run(dir, "r.fio", "[blocks]\n" + common + "rw=randread\n")
        #expect(check.status == 1, "\(check.stderr)")
        let v = try #require(try jsonObject(check.stdout).jobs.first).object("diobench").object("verify")
        #expect(v.number("blocks_checked") == 64)
        #expect(v.number("blocks_failed") == 2)
        let failures = v["failures"] as? [[String: Any]] ?? []
        let torn = try #require(failures.first { $0["kind"] as? String == "torn" }, "\(failures)")
        #expect(torn.number("offset") == Double(37 * bs))
        #expect(torn.number("first_bad_offset") == Double(flippedAt))
        #expect(torn.number("last_bad_offset") == Double(flippedAt))
        #expect((torn["expected"] as? String)?.hasPrefix(hexByte(byte)) == true)
        #expect((torn["found"] as? String)?.hasPrefix(hexByte(flipped)) == true)
        #expect(
            (torn["file"] as? String)?.hasPrefix("/dev/loop") == true,
            "the offset is the device's, which is the backing file's")
        let misdirected = try #require(failures.first { $0["kind"] as? String == "misdirected" }, "\(failures)")
        #expect(misdirected.number("offset") == Double(20 * bs))
        #expect(misdirected.number("written_for") == Double(10 * bs))
        #expect(check.stderr.contains("first bad byte at offset \(flippedAt)"), "\(check.stderr)")
        #expect(check.stderr.contains("misdirected write"), "\(check.stderr)")
    }
}
