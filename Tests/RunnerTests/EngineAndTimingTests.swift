import DiobenchTestSupport
import Foundation
import Testing

/// Issue 2 through the CLI: every engine, buffered and O_DIRECT, on a real file; time and pass limits;
/// a misaligned O_DIRECT request ends with an explanation naming what statx requires.
@Suite struct EngineAndTimingTests {
    static let engines = [
        "psync", "sync", "null", "io_uring", "io_uring fixedbufs registerfiles", "io_uring sqthread_poll",
        "pvsync", "pvsync2", "pvsync2 hipri nowait=0", "posixaio", "mmap",
    ]

    @Test(arguments: engines, [false, true])
    func engineReadsAndWritesWholeFile(_ engine: String, _ direct: Bool) async throws {
        let dir = try TemporaryDirectory("runner")
        let words = engine.split(separator: " ").map(String.init)
        let extra = words.dropFirst().map { "\($0)\n" }.joined()
        let job = """
            [global]
            directory=\(dir.path)
            filename=data
            size=2m
            bs=16k
            direct=\(direct ? 1 : 0)
            ioengine=\(words[0])
            iodepth=8
            \(extra)
            [write]
            rw=write
            [read]
            stonewall
            rw=randread
            """
        let out = try await diobench(["run", "--output-format=json", try dir.write("j.fio", job)], timeout: 60)
        try #require(out.status == 0, "\(engine) direct=\(direct): \(out.stderr)")
        let jobs = try jsonObject(out.stdout).jobs
        #expect(jobs.count == 2)
        #expect(jobs[0].object("write").number("io_bytes") == 2_097_152)
        #expect(jobs[1].object("read").number("io_bytes") == 2_097_152)
        #expect(jobs[1].object("read").number("total_ios") == 128)
        if words[0] == "io_uring" {
            // io_uring reports submission latency; synchronous engines have none (fio writes zeros).
            #expect(jobs[1].object("read").object("slat_ns").number("N") == 128)
        }
        if words[0] != "null" {
            let attributes = try FileManager.default.attributesOfItem(atPath: dir.path + "/data")
            #expect((attributes[.size] as? NSNumber)?.intValue == 2_097_152)
        }
    }

    @Test func misalignedBufferNamesStatxAlignment() async throws {
        let dir = try TemporaryDirectory("runner")
        let job = try dir.write(
            "j.fio", "[mis]\ndirectory=\(dir.path)\nsize=1m\nrw=read\nbs=4k\ndirect=1\niomem_align=256\n")
        let out = try await diobench(["run", job], timeout: 30)
        #expect(!out.timedOut)
        #expect(out.status == 1)
        #expect(out.stderr.contains("EINVAL"), "\(out.stderr)")
        #expect(out.stderr.contains("statx(STATX_DIOALIGN) requires dio_mem_align="), "\(out.stderr)")
        #expect(out.stderr.contains("iomem_align"))
    }

    @Test func misalignedSizeNamesStatxAlignment() async throws {
        let dir = try TemporaryDirectory("runner")
        let job = try dir.write("j.fio", "[mis]\ndirectory=\(dir.path)\nsize=1m\nrw=read\nbs=1000\ndirect=1\n")
        let out = try await diobench(["run", "--output-format=json", job], timeout: 30)
        #expect(!out.timedOut)
        #expect(out.status == 1)
        #expect(out.stderr.contains("dio_offset_align="), "\(out.stderr)")
        let entry = try #require(try jsonObject(out.stdout).jobs.first)
        #expect(entry.number("error") == Double(EINVAL))
        #expect((entry.object("diobench")["error_message"] as? String)?.contains("dio_offset_align") == true)
    }

    @Test func continueOnErrorCountsEveryFailure() async throws {
        let dir = try TemporaryDirectory("runner")
        let job = try dir.write(
            "j.fio", "[mis]\ndirectory=\(dir.path)\nsize=64k\nrw=read\nbs=1000\ndirect=1\ncontinue_on_error=all\n")
        let out = try await diobench(["run", "--output-format=json", job], timeout: 30)
        #expect(out.status == 1, "I/O errors make the exit status 1")
        let entry = try #require(try jsonObject(out.stdout).jobs.first)
        // 64k / 1000 bytes: a pass does the 65 whole blocks (fio 3.33 reads 65 of them from the same file
        // buffered; with O_DIRECT it stops at the first error whatever continue_on_error says); every one fails with EINVAL.
        #expect(entry.number("total_err") == 65)
        #expect(entry.number("first_error") == Double(EINVAL))
        let errors = entry.object("diobench").object("io_errors")
        #expect(errors.number("total") == 65)
    }

    @Test func timeBasedRunsForTheRuntime() async throws {
        let dir = try TemporaryDirectory("runner")
        let job = try dir.write(
            "j.fio",
            "[t]\nioengine=null\nrw=randread\nsize=1m\nfilename=/dev/null\ntime_based\nruntime=1500ms\nramp_time=500ms\n"
        )
        let start = Date()
        let out = try await diobench(["run", "--output-format=json", job], timeout: 30)
        let wall = Date().timeIntervalSince(start)
        #expect(out.status == 0, "\(out.stderr)")
        let read = try #require(try jsonObject(out.stdout).jobs.first).object("read")
        // runtime excludes ramp_time, as in fio.
        #expect(abs(read.number("runtime") - 1500) <= 50, "runtime \(read.number("runtime")) ms")
        #expect(wall >= 2.0, "ramp plus runtime take at least 2 s, took \(wall)")
        #expect(read.number("total_ios") > 256, "time_based repeats the 1 MiB pass")
    }

    @Test func rateIOPSCapsTheRate() async throws {
        let dir = try TemporaryDirectory("runner")
        let job = try dir.write(
            "j.fio", "[r]\nioengine=null\nrw=read\nsize=1m\nfilename=/dev/null\ntime_based\nruntime=2\nrate_iops=500\n")
        let out = try await diobench(["run", "--output-format=json", job], timeout: 30)
        let read = try #require(try jsonObject(out.stdout).jobs.first).object("read")
        #expect(read.number("iops") > 450 && read.number("iops") < 550, "iops \(read.number("iops"))")
    }

    /// The trim patterns parse as fio's, but no engine issues trims: the run refuses them (before, the loop
    /// issued writes in their place, and a read-only file answered EBADF).
    @Test(arguments: ["trim", "randtrim", "trimwrite"])
    func trimPatternsAreRefused(_ rw: String) async throws {
        let dir = try TemporaryDirectory("runner")
        let job = try dir.write("t.fio", "[t]\nioengine=psync\nfilename=\(dir.path)/data\nsize=1m\nrw=\(rw)\n")
        #expect(try await diobench(["run", "--parse-only", job]).status == 0, "parses as fio's")
        let out = try await diobench(["run", "--output-format=json", job], timeout: 30)
        #expect(out.status == 2, "stderr: \(out.stderr)")
        #expect(
            out.stderr.contains("t.fio:1: rw=\(rw) is a fio pattern diobench does not run"), "stderr: \(out.stderr)")
        let entry = try #require(try jsonObject(out.stdout).jobs.first)
        #expect(entry.object("write").number("total_ios") == 0)
        #expect(!FileManager.default.fileExists(atPath: dir.path + "/data"), "nothing laid out")
    }

    /// fio caps each direction of a mixed job at its own rate (fio 3.33 gives 200 and 100 IOPS here,
    /// whatever rwmixread says), and a direction without a rate runs free.
    @Test func rateIOPSCapsEachDirectionOfAMixedJob() async throws {
        let dir = try TemporaryDirectory("runner")
        let base = "[m]\nioengine=null\nrw=randrw\nrwmixread=70\nsize=1m\nfilename=/dev/null\ntime_based\nruntime=2\n"
        let capped = try dir.write("capped.fio", base + "rate_iops=200,100\n")
        let job = try #require(
            try jsonObject(try await diobench(["run", "--output-format=json", capped], timeout: 30).stdout).jobs.first)
        let (reads, writes) = (job.object("read").number("iops"), job.object("write").number("iops"))
        #expect(reads > 180 && reads < 220, "read iops \(reads)")
        #expect(writes > 90 && writes < 110, "write iops \(writes)")

        let writesOnly = try dir.write("writes.fio", base + "rate=,200k\nbs=4k\n")
        let free = try #require(
            try jsonObject(try await diobench(["run", "--output-format=json", writesOnly], timeout: 30).stdout).jobs
                .first)
        #expect(abs(free.object("write").number("bw") - 200) < 20, "write KiB/s \(free.object("write").number("bw"))")
        #expect(
            free.object("read").number("iops") > 10_000, "reads have no cap: \(free.object("read").number("iops")) IOPS"
        )
    }

    @Test("create_on_open: a write job lays nothing out; its missing file grows only by what it writes")
    func createOnOpenLaysNothingOut() async throws {
        let dir = try TemporaryDirectory("runner")
        for createOnOpen in [0, 1] {
            let job =
                "[w]\ndirectory=\(dir.path)\nfilename=f\(createOnOpen)\nrw=write\nbs=64k\nsize=8m\nio_size=1m\ncreate_on_open=\(createOnOpen)\n"
            let out = try await diobench(
                ["run", "--output-format=json", try dir.write("c\(createOnOpen).fio", job)], timeout: 30)
            try #require(out.status == 0, "\(out.stderr)")
            let size = try FileManager.default.attributesOfItem(atPath: dir.path + "/f\(createOnOpen)")[.size] as? Int
            // As with fio 3.33: without it the 8 MiB file is laid out (fallocate) first; with it only the 1 MiB written exists.
            #expect(
                size == (createOnOpen == 1 ? 1 << 20 : 8 << 20),
                "create_on_open=\(createOnOpen): file is \(size ?? -1) bytes")
        }
    }
}
