import DiobenchTestSupport
import Foundation
import Testing

/// Issue 8, verification in the I/O path, on regular files through the CLI: write jobs read back what
/// they wrote (after the pass, or every verify_backlog writes), read-only jobs check what a job with the
/// same identity wrote, and damage is reported with its offset, its kind, and expected against found.
@Suite struct VerifyJobTests {
    static let engines = ["psync", "sync", "io_uring", "io_uring fixedbufs registerfiles"]

    func verify(_ entry: [String: Any]) -> [String: Any] { entry.object("diobench").object("verify") }

    @Test(arguments: engines, [false, true])
    func writeThenReadBackFindsEveryBlockGood(_ engine: String, _ direct: Bool) async throws {
        let dir = try TemporaryDirectory("runner")
        let words = engine.split(separator: " ").map(String.init)
        let job = """
            [vw]
            directory=\(dir.path)
            size=2m
            bs=8k
            rw=randwrite
            verify=crc32c
            direct=\(direct ? 1 : 0)
            ioengine=\(words[0])
            iodepth=8
            \(words.dropFirst().map { "\($0)\n" }.joined())
            """
        let out = try await diobench(["run", "--output-format=json", try dir.write("j.fio", job)], timeout: 60)
        try #require(out.status == 0, "\(engine) direct=\(direct): \(out.stderr)")
        let entry = try #require(try jsonObject(out.stdout).jobs.first)
        let v = verify(entry)
        #expect(v["method"] as? String == "crc32c")
        #expect(v["mode"] as? String == "write")
        #expect(v["read_back"] as? Bool == true)
        #expect(v.number("blocks_checked") == 256, "every block written is read back once")
        #expect(v.number("bytes_checked") == 2_097_152)
        #expect(v.number("blocks_failed") == 0)
        // As in fio, the read-back is accounted as reads.
        #expect(entry.object("read").number("io_bytes") == 2_097_152)
        #expect(entry.object("write").number("io_bytes") == 2_097_152)
    }

    @Test(arguments: ["crc32c", "sha256", "pattern"])
    func everyMethodReadsBackClean(_ method: String) async throws {
        let dir = try TemporaryDirectory("runner")
        let pattern = method == "pattern" ? "verify_pattern=0xdeadbeef\n" : ""
        let job = "[m]\ndirectory=\(dir.path)\nsize=1m\nbs=4k\nrw=write\nverify=\(method)\n\(pattern)loops=2\n"
        let out = try await diobench(["run", "--output-format=json", try dir.write("j.fio", job)], timeout: 60)
        try #require(out.status == 0, "\(out.stderr)")
        let entry = try #require(try jsonObject(out.stdout).jobs.first)
        #expect(verify(entry).number("blocks_checked") == 512, "two passes, each read back after it ends")
        #expect(verify(entry).number("blocks_failed") == 0)
    }

    @Test func backlogReadsBackWhileTheWritePhaseRuns() async throws {
        // time_based: the pass never ends within the runtime (rate-limited to ~500 of 16384 writes), so
        // the only read-backs are verify_backlog's, every 32 writes. In tmpfs: on a slow disk the read-backs
        // (after each backlog's cache drop) kept the writes from reaching the rate.
        let dir = try TemporaryDirectory("runner", under: TemporaryDirectory.memory)
        let base =
            "[b]\ndirectory=\(dir.path)\nsize=64m\nbs=4k\nrw=randwrite\nverify=crc32c\ntime_based\nruntime=1\nrate_iops=500\n"
        let withBacklog = try await diobench(
            ["run", "--output-format=json", try dir.write("a.fio", base + "verify_backlog=32\n")], timeout: 30)
        try #require(withBacklog.status == 0, "\(withBacklog.stderr)")
        let v = verify(try #require(try jsonObject(withBacklog.stdout).jobs.first))
        let checked = Int(v.number("blocks_checked"))
        #expect(checked >= 320, "about 500 writes, read back 32 at a time: \(checked)")
        #expect(checked % 32 == 0, "read back in whole backlogs: \(checked)")
        #expect(v.number("blocks_failed") == 0)

        // Without a backlog, fio's rule: a time_based write job never reaches its verify phase.
        let without = try await diobench(["run", "--output-format=json", try dir.write("b.fio", base)], timeout: 30)
        try #require(without.status == 0, "\(without.stderr)")
        let w = verify(try #require(try jsonObject(without.stdout).jobs.first))
        #expect(w["read_back"] as? Bool == false)
        #expect(w.number("blocks_checked") == 0)
    }

    @Test("verify_backlog with a submit batch not yet full: the batch goes out before the read-back waits (it hung)")
    func backlogWithAPartialSubmitBatch() async throws {
        let dir = try TemporaryDirectory("runner")
        let job =
            "[vb]\nioengine=io_uring\ndirectory=\(dir.path)\nsize=4m\nbs=4k\nrw=write\niodepth=8\n"
            + "iodepth_batch_submit=4\niodepth_batch_complete_min=0\nverify=crc32c\nverify_backlog=16\n"
        let out = try await diobench(["run", "--output-format=json", try dir.write("vb.fio", job)], timeout: 30)
        try #require(out.status == 0, "status \(out.status): \(out.stderr)")
        let v = verify(try #require(try jsonObject(out.stdout).jobs.first))
        #expect(v.number("blocks_checked") == 1024)
        #expect(v.number("blocks_failed") == 0)
    }

    /// A write job that leaves its blocks for later (do_verify=0), and the read-only job that checks them.
    func writeThenCorrupt(
        _ dir: TemporaryDirectory, name: String = "data", bs: Int = 4096, blocks: Int = 256,
        _ corrupt: (Int32) throws -> Void
    ) async throws -> String {
        let common = "directory=\(dir.path)\nfilename=data.bin\nsize=\(bs * blocks)\nbs=\(bs)\nverify=crc32c\n"
        let write = try await diobench(
            ["run", try dir.write("w.fio", "[\(name)]\n\(common)rw=randwrite\ndo_verify=0\n")], timeout: 30)
        try #require(write.status == 0, "\(write.stderr)")
        let fd = open(dir.path + "/data.bin", O_RDWR)
        try #require(fd >= 0)
        try corrupt(fd)
        #expect(fsync(fd) == 0)
        close(fd)
        return common
    }

    @Test func readOnlyJobReportsTornMisdirectedAndUnwrittenBlocks() async throws {
        let dir = try TemporaryDirectory("runner")
        var flipped: (offset: Int, was: UInt8, now: UInt8) = (0, 0, 0)
        let common = try await writeThenCorrupt(dir) { fd in
            flipped.offset = 37 * 4096 + 1234
            var byte: UInt8 = 0
            #expect(pread(fd, &byte, 1, off_t(flipped.offset)) == 1)
            flipped.was = byte
            flipped.now = byte ^ 0x10
            #expect(pwrite(fd, &flipped.now, 1, off_t(flipped.offset)) == 1)
            var block = [UInt8](repeating: 0, count: 4096)
            #expect(pread(fd, &block, 4096, 10 * 4096) == 4096)
            #expect(pwrite(fd, block, 4096, 20 * 4096) == 4096)  // block 10's bytes land on block 20
            let zeros = [UInt8](repeating: 0, count: 4096)
            #expect(pwrite(fd, zeros, 4096, 30 * 4096) == 4096)  // block 30 lost
        }
        let out = try await diobench(
            ["run", "--output-format=json", try dir.write("r.fio", "[data]\n\(common)rw=read\n")], timeout: 30)
        #expect(out.status == 1, "failed blocks make the run fail: \(out.stderr)")
        let entry = try #require(try jsonObject(out.stdout).jobs.first)
        #expect(entry.number("error") == 84, "EILSEQ, as fio reports verify failures")
        let v = verify(entry)
        #expect(v["mode"] as? String == "read")
        #expect(v.number("blocks_checked") == 256)
        #expect(v.number("blocks_failed") == 3)
        #expect(v.object("by_kind").number("torn") == 1)
        #expect(v.object("by_kind").number("misdirected") == 1)
        #expect(v.object("by_kind").number("not-written") == 1)
        let failures = v["failures"] as? [[String: Any]] ?? []
        let torn = try #require(failures.first { $0["kind"] as? String == "torn" })
        #expect(torn.number("offset") == Double(37 * 4096))
        #expect(torn.number("first_bad_offset") == Double(flipped.offset), "the exact byte")
        #expect(torn.number("bad_bytes") == 1)
        #expect((torn["expected"] as? String)?.hasPrefix(hexByte(flipped.was)) == true, "\(torn)")
        #expect((torn["found"] as? String)?.hasPrefix(hexByte(flipped.now)) == true, "\(torn)")
        #expect((torn["file"] as? String) == dir.path + "/data.bin")
        let misdirected = try #require(failures.first { $0["kind"] as? String == "misdirected" })
        #expect(misdirected.number("offset") == Double(20 * 4096))
        #expect(misdirected.number("written_for") == Double(10 * 4096))
        #expect(failures.first { $0["kind"] as? String == "not-written" }?.number("offset") == Double(30 * 4096))
        #expect(out.stderr.contains("first bad byte at offset \(flipped.offset)"), "\(out.stderr)")
        #expect(out.stderr.contains("verify: 3 of 256 blocks checked failed"), "\(out.stderr)")

        // verify_fatal: the first failure ends the job.
        let fatal = try await diobench(
            ["run", "--output-format=json", try dir.write("f.fio", "[data]\n\(common)rw=read\nverify_fatal=1\n")],
            timeout: 30)
        #expect(fatal.status == 1)
        let fv = verify(try #require(try jsonObject(fatal.stdout).jobs.first))
        #expect(fv.number("blocks_failed") == 1)
        #expect(fv["stopped_at_first_failure"] as? Bool == true)
        #expect(fv.number("blocks_checked") < 256, "stopped before reading everything")

        // The normal report shows the same.
        let text = try await diobench(["run", try dir.write("t.fio", "[data]\n\(common)rw=read\n")], timeout: 30)
        #expect(
            text.stdout.contains("verify       : crc32c (every read), 256 blocks (1024KiB) checked, 3 failed"),
            "\(text.stdout)")
        #expect(text.stdout.contains("first bad byte at offset \(flipped.offset)"))
    }

    @Test func anotherNameOrSeedIsAnotherJob() async throws {
        let dir = try TemporaryDirectory("runner")
        let common = try await writeThenCorrupt(dir, blocks: 16) { _ in }
        let same = try await diobench(["run", try dir.write("a.fio", "[data]\n\(common)rw=randread\n")], timeout: 30)
        #expect(same.status == 0, "same name and randseed: \(same.stderr)")
        for (file, section) in [
            ("b.fio", "[other]\n\(common)rw=read\n"), ("c.fio", "[data]\n\(common)rw=read\nrandseed=7\n"),
        ] {
            let out = try await diobench(["run", "--output-format=json", try dir.write(file, section)], timeout: 30)
            #expect(out.status == 1)
            let v = verify(try #require(try jsonObject(out.stdout).jobs.first))
            #expect(v.object("by_kind").number("foreign") == 16, "\(section): \(v)")
        }
    }

    @Test func verifyThatCannotWorkIsRefusedWithTheReason() async throws {
        let dir = try TemporaryDirectory("runner")
        let null = try await diobench(
            [
                "run",
                try dir.write("a.fio", "[n]\nfilename=/dev/null\nioengine=null\nsize=1m\nrw=write\nverify=crc32c\n"),
            ], timeout: 30)
        #expect(null.status == 1)
        #expect(null.stderr.contains("ioengine=null discards writes"), "\(null.stderr)")
        let small = try await diobench(
            ["run", try dir.write("b.fio", "[s]\ndirectory=\(dir.path)\nsize=64k\nbs=64\nrw=write\nverify=sha256\n")],
            timeout: 30)
        #expect(small.status == 1)
        #expect(small.stderr.contains("verify=sha256 needs blocks of at least 80 bytes"), "\(small.stderr)")
    }
}

func hexByte(_ b: UInt8) -> String { (b < 16 ? "0" : "") + String(b, radix: 16) }

/// Several block sizes, a pass that wraps, norandommap: a later write overlaps an earlier one, whose bytes
/// are then gone. Those are counted as overwritten, not reported as torn.
@Suite struct VerifyOverlapTests {
    @Test(arguments: [
        "rw=randwrite\nbsrange=4k-16k", "rw=write\nbsrange=4k-16k", "rw=randwrite\nbssplit=4k/50:64k/50",
        "rw=randwrite\nnorandommap", "rw=randwrite\nbsrange=4k-16k\nverify_backlog=7\nloops=2",
    ])
    func overlappedBlocksAreSkippedNotFailed(_ options: String) async throws {
        let dir = try TemporaryDirectory("runner")
        let job =
            "[o]\ndirectory=\(dir.path)\nsize=2m\nbs=4k\nverify=crc32c\nioengine=io_uring\niodepth=8\n\(options)\n"
        let out = try await diobench(["run", "--output-format=json", try dir.write("j.fio", job)], timeout: 60)
        try #require(out.status == 0, "\(options): \(out.stderr)")
        let entry = try #require(try jsonObject(out.stdout).jobs.first)
        let v = entry.object("diobench").object("verify")
        #expect(v.number("blocks_failed") == 0, "\(options): \(v)")
        let overwritten = max(v.number("blocks_overwritten"), 0)
        if options.hasPrefix("rw=randwrite") {
            #expect(overwritten > 0, "\(options): these patterns overlap some writes")
        }
        #expect(
            v.number("blocks_checked") + overwritten == entry.object("write").number("total_ios"),
            "\(options): every write is either checked or counted as overwritten")
    }

    /// blockalign equal to the block size keeps fio's random map (the parser leaves norandommap off):
    /// each pass writes every block exactly once, so no write is overwritten and every one is checked.
    @Test func blockalignEqualToTheBlockSizeVisitsEachBlockOncePerLoop() async throws {
        let dir = try TemporaryDirectory("runner")
        let job =
            "[o]\ndirectory=\(dir.path)\nsize=2m\nbs=4k\nba=4k\nrw=randwrite\nloops=2\nverify=crc32c\nioengine=io_uring\niodepth=8\n"
        let out = try await diobench(["run", "--output-format=json", try dir.write("j.fio", job)], timeout: 60)
        try #require(out.status == 0, "\(out.stderr)")
        let entry = try #require(try jsonObject(out.stdout).jobs.first)
        let v = entry.object("diobench").object("verify")
        #expect(entry.object("write").number("total_ios") == 2 * 512, "size-bound: 512 blocks of 4k per 2m loop")
        #expect(v.number("blocks_overwritten") <= 0, "no block written twice in a pass: \(v)")
        #expect(v.number("blocks_checked") == 2 * 512, "every write read back: \(v)")
    }
}
