import DiobenchTestSupport
import Foundation
import Testing

/// Issue 15: thinktime, thinktime_spin, thinktime_blocks(_type) and thinktime_iotime against fio 3.33: the same
/// I/O count, and about the same runtime, which the pauses make up.
@Suite(.enabled(if: fioAvailable, "fio is not installed (apt-get install fio)"))
struct FioThinkTimeTests {
    struct Case: CustomStringConvertible, Sendable {
        var name: String
        var options: String
        /// The runtime the pauses alone add up to, in ms: both tools must take at least this long.
        var minimumMs: Double
        /// Compare the I/O counts within this fraction (time-bound jobs), else exactly.
        var iosTolerance: Double? = nil
        var description: String { name }
    }

    static let cases: [Case] = [
        Case(name: "every 16 I/Os", options: "size=2m\nthinktime=10ms\nthinktime_blocks=16", minimumMs: 32 * 10),
        Case(
            name: "time_based, a pause after each I/O", options: "size=2m\ntime_based\nruntime=1\nthinktime=100ms",
            minimumMs: 950, iosTolerance: 0.25),
        Case(
            name: "libaio, counted at issue, with spin",
            options:
                "size=2m\nioengine=libaio\niodepth=8\nthinktime=20ms\nthinktime_spin=5ms\nthinktime_blocks=64\nthinktime_blocks_type=issue",
            minimumMs: 7 * 20),
        Case(
            name: "thinktime_iotime",
            options: "size=2m\ntime_based\nruntime=2\nrate_iops=200\nthinktime=100ms\nthinktime_iotime=100ms",
            minimumMs: 1950, iosTolerance: 0.25),
    ]

    @Test(arguments: cases)
    func pausesLikeFio(_ testCase: Case) async throws {
        let job = "[t]\nfilename=data\nrw=randread\nbs=4k\n" + testCase.options + "\n"
        var results: [(ios: Double, runtime: Double)] = []
        for tool in [fioPath, diobenchBinary] {
            let dir = try TemporaryDirectory("runner", under: "/dev/shm")
            let out = try await runProgram(
                tool, (tool == fioPath ? [] : ["run"]) + ["--output-format=json", try dir.write("t.fio", job)],
                directory: dir.path, timeout: 120)
            try #require(out.status == 0, "\(tool): \(out.stderr)")
            let j = try #require(try jsonObject(out.stdout).jobs.first)
            results.append((j.object("read").number("total_ios"), j.number("job_runtime")))
            #expect(j.number("job_runtime") >= testCase.minimumMs, "\(tool): \(j.number("job_runtime")) ms")
        }
        let (theirs, ours) = (results[0], results[1])
        if let tolerance = testCase.iosTolerance {
            #expect(abs(ours.ios / theirs.ios - 1) <= tolerance, "I/Os: diobench \(ours.ios), fio \(theirs.ios)")
        } else {
            #expect(ours.ios == theirs.ios)
        }
        #expect(
            abs(ours.runtime / theirs.runtime - 1) < 0.3, "runtime: diobench \(ours.runtime), fio \(theirs.runtime)")
    }
}
