import DiobenchTestSupport
import Foundation
import Testing

let stracePath = "/usr/bin/strace"
let straceAvailable = FileManager.default.isExecutableFile(atPath: stracePath)

/// The engines' flags and calls reach the kernel, as strace sees them: pvsync2's RWF_* per I/O (hipri on a
/// share of them with hipri_percentage), pvsync's preadv, posixaio's I/O on glibc's threads, mmap's msync.
@Suite(.enabled(if: straceAvailable, "strace is not installed (apt-get install strace)"))
struct EngineSystemCallTests {
    /// Runs `options` as a 64-I/O job of 4k reads (after the layout) under `strace -f -e trace=calls`; returns
    /// the lines of the trace that name the calls.
    func trace(_ options: String, calls: String) async throws -> [String] {
        let dir = try TemporaryDirectory("runner")
        let job = "[global]\ndirectory=\(dir.path)\nfilename=data\nsize=256k\nbs=4k\n[j]\n\(options)\n"
        let log = dir.file("strace.txt")
        let out = try await runProgram(
            stracePath,
            [
                "-f", "-e", "trace=\(calls)", "-o", log, diobenchBinary, "run", "--no-progress",
                try dir.write("j.fio", job),
            ],
            timeout: 120)
        try #require(out.status == 0, "\(out.stderr)")
        return try String(contentsOfFile: log, encoding: .utf8).split(separator: "\n").map(String.init)
            .filter { line in calls.split(separator: ",").contains { line.contains("\($0)(") } }
    }

    @Test("pvsync2: hipri and nowait on every read; hipri_percentage=50 on some; uncached as RWF_DONTCACHE")
    func pvsync2Flags() async throws {
        let all = try await trace("ioengine=pvsync2\nrw=read\nhipri\n", calls: "preadv2")
        #expect(all.count == 64 && all.allSatisfy { $0.contains("RWF_HIPRI") })
        // The layout drops the file's pages, as fio's does: a first job reads them back in, and the nowait job
        // (invalidate=0, so its open drops nothing) finds every block cached, so no read has to wait.
        let nowait = try await trace(
            "ioengine=psync\nrw=read\ninvalidate=0\n[k]\nstonewall\nioengine=pvsync2\nrw=randread\nnowait=1\ninvalidate=0",
            calls: "preadv2")
        #expect(nowait.count == 64 && nowait.allSatisfy { $0.contains("RWF_NOWAIT") && $0.hasSuffix("= 4096") })
        let half = try await trace("ioengine=pvsync2\nrw=randread\nhipri\nhipri_percentage=50\n", calls: "preadv2")
        let flagged = half.filter { $0.contains("RWF_HIPRI") }.count
        #expect(half.count == 64 && (16...48).contains(flagged), "\(flagged) of 64 with RWF_HIPRI")
        let uncached = try await trace("ioengine=pvsync2\nrw=write\nuncached=1\n", calls: "pwritev2")
        #expect(uncached.count == 64 && uncached.allSatisfy { $0.contains("0x80") })
    }

    @Test("pvsync issues preadv/pwritev of one iovec; mmap issues no read or write but msyncs for fsync")
    func pvsyncAndMmap() async throws {
        let pvsync = try await trace("ioengine=pvsync\nrw=randwrite\n", calls: "pwritev,pwrite64")
        #expect(pvsync.filter { $0.contains("pwritev(") && $0.contains("], 1, ") }.count == 64)
        let mmap = try await trace("ioengine=mmap\nrw=randwrite\nfsync=16\n", calls: "pwrite64,msync,fsync")
        // 64 writes, a sync after each 16th but not after the job's last write, as fio does.
        #expect(mmap.filter { $0.contains("msync(") }.count == 3)
        // The layout writes the file with pwrite and fsyncs it once; the job itself writes through the mapping.
        #expect(mmap.filter { $0.contains("pwrite64(") }.count < 64)
    }

    @Test("posixaio: glibc performs each read as one pread64, on a thread the worker started")
    func posixaioThreads() async throws {
        let lines = try await trace("ioengine=posixaio\niodepth=8\nrw=randread\n", calls: "pread64,clone3")
        let pid = { (line: String) in line.split(separator: " ").first.map(String.init) ?? "" }
        let reads = lines.filter { $0.contains("pread64(") && $0.contains(", 4096, ") }
        #expect(reads.count == 64)
        let readers = Set(reads.map(pid))
        // strace names a new thread in its creator's line: "... => {parent_tid=[TID]}".
        let creators = Set(
            lines.filter { line in readers.contains { line.contains("parent_tid=[\($0)]") } }.map(pid))
        let main = lines.first.map(pid) ?? ""
        #expect(
            !readers.isEmpty && creators.count == 1 && !creators.contains(main) && readers.isDisjoint(with: creators))
    }

    @Test(
        "io_uring nowait: cold buffered reads fail with EAGAIN in both tools; uncached writes complete",
        .enabled(if: fioAvailable, "fio is not installed (apt-get install fio)"))
    func ioUringNowaitAndUncached() async throws {
        let dir = try TemporaryDirectory("runner")
        let layout = try await diobench(
            ["--name=w", "--rw=write", "--bs=64k", "--size=4m", "--filename=data"], directory: dir.path)
        try #require(layout.status == 0, "\(layout.stderr)")
        // Written back, so each tool's cache drop at open (invalidate) leaves the file cold.
        _ = try await runProgram("/bin/sync", [])
        for tool in [fioPath, diobenchBinary] {
            let out = try await runProgram(
                tool,
                [
                    "--name=r", "--ioengine=io_uring", "--iodepth=4", "--rw=randread", "--bs=4k", "--size=4m",
                    "--filename=data", "--nowait=1", "--output-format=json",
                ],
                directory: dir.path)
            let job = try #require(try jsonObject(out.stdout).jobs.first, "\(tool): \(out.stderr)")
            #expect(out.status == 1 && job.number("error") == Double(EAGAIN), "\(tool): \(out.stderr)")
        }
        // fio 3.33's uncached flag (0x40) is RWF_ATOMIC to this kernel; diobench's RWF_DONTCACHE writes.
        let uncached = try await diobench(
            [
                "--name=u", "--ioengine=io_uring", "--iodepth=4", "--rw=randwrite", "--bs=4k", "--size=4m",
                "--filename=data", "--uncached=1", "--output-format=json",
            ],
            directory: dir.path)
        let job = try #require(try jsonObject(uncached.stdout).jobs.first, "\(uncached.stderr)")
        #expect(uncached.status == 0 && job.object("write").number("total_ios") == 1024, "\(uncached.stderr)")
    }
}
