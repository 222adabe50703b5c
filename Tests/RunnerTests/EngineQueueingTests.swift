import DiobenchTestSupport
import Foundation
import Testing

/// Whether an engine queues is a fact of the engine (its description), and fio shows submission latency only
/// for queued I/O: psync never queues, io_uring always does, and fio's null engine queues when iodepth > 1.
/// Each case runs fio and diobench on the same job and compares slat's sample count and total_ios.
@Suite(.enabled(if: fioAvailable, "fio is not installed (apt-get install fio)"))
struct EngineQueueingTests {
    @Test(arguments: [
        ("null", 1), ("null", 8), ("psync", 4), ("io_uring", 1), ("io_uring", 8), ("libaio", 1), ("libaio", 8),
        ("pvsync", 4), ("pvsync2", 4), ("posixaio", 1), ("posixaio", 8), ("mmap", 4),
    ])
    func submissionLatencyAsFioRecordsIt(engine: String, depth: Int) async throws {
        let dir = try TemporaryDirectory("runner", under: TemporaryDirectory.memory)
        let job = try dir.write(
            "job.fio",
            """
            [q]
            directory=\(dir.path)
            ioengine=\(engine)
            iodepth=\(depth)
            rw=randread
            bs=4k
            size=2m
            """)
        let fio = try await runProgram(fioPath, ["--output-format=json", job], directory: dir.path)
        try #require(fio.status == 0, "fio failed: \(fio.stderr)")
        let ours = try await diobench(["run", "--output-format=json", job], directory: dir.path)
        try #require(ours.status == 0, "diobench failed: \(ours.stderr)")
        let theirs = try jsonObject(fio.stdout).jobs[0].object("read")
        let mine = try jsonObject(ours.stdout).jobs[0].object("read")
        #expect(mine.number("total_ios") == theirs.number("total_ios"))
        let fioSlat = theirs.object("slat_ns").number("N"), ourSlat = mine.object("slat_ns").number("N")
        #expect((ourSlat > 0) == (fioSlat > 0), "slat samples: fio \(fioSlat), diobench \(ourSlat)")
    }
}
