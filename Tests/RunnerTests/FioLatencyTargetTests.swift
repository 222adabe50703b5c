import DiobenchTestSupport
import Foundation
import Testing

/// Issue 15: latency_target's queue-depth search against fio 3.33, through the JSON keys latency_depth,
/// latency_target (ns), latency_percentile and latency_window (µs).
@Suite(.enabled(if: fioAvailable, "fio is not installed (apt-get install fio)"))
struct FioLatencyTargetTests {
    /// Runs `job` under fio and diobench (`${DIR}` is each tool's scratch directory); the exit status and
    /// the first jobs[] entry of each.
    func runBoth(_ job: String) async throws -> [(status: Int32, job: [String: Any])] {
        var out: [(Int32, [String: Any])] = []
        for tool in [fioPath, diobenchBinary] {
            let dir = try TemporaryDirectory("runner", under: "/dev/shm")
            let text = job.replacingOccurrences(of: "${DIR}", with: dir.path)
            let run = try await runProgram(
                tool, (tool == fioPath ? [] : ["run"]) + ["--output-format=json", try dir.write("t.fio", text)],
                directory: dir.path, timeout: 120)
            let j = try #require(try jsonObject(run.stdout).jobs.first, "\(tool): \(run.stderr)")
            out.append((run.status, j))
        }
        return out
    }

    /// The null engine meets a 500 ms target at every depth (even on a loaded machine): the search doubles 1, 2, 4, 8, settles at
    /// iodepth, runs one last window and ends long before the runtime; only that window is reported.
    @Test func targetMetRampsToIodepth() async throws {
        let runs = try await runBoth(
            "[t]\nioengine=null\nsize=1g\nrw=randread\niodepth=8\ntime_based\nruntime=5\n"
                + "latency_target=500ms\nlatency_window=50ms\n")
        for (status, j) in runs {
            #expect(status == 0)
            #expect(j.number("latency_depth") == 8)
            #expect(j.number("latency_target") == 500_000_000)
            #expect(j.number("latency_window") == 50_000)
            #expect(j.number("latency_percentile") == 100)
            #expect(j.number("job_runtime") < 1000, "the search ends the job: \(j.number("job_runtime")) ms")
            #expect(j.number("job_runtime") >= 45, "one final window is reported")
        }
    }

    /// A 1 µs target cannot be met: at depth 1 the first I/O fails the job with ETIMEDOUT (110), as fio's
    /// lat_fatal does, after one I/O.
    @Test func targetMissedFailsAtDepthOne() async throws {
        let runs = try await runBoth(
            "[t]\nioengine=libaio\nfilename=${DIR}/data\nsize=4m\nrw=randread\niodepth=16\n"
                + "latency_target=1us\nlatency_window=100ms\n")
        for (status, j) in runs {
            #expect(status != 0)
            #expect(j.number("error") == 110)
            #expect(j.number("latency_depth") == 1)
            #expect(j.object("read").number("total_ios") == 1)
        }
    }

    /// With latency_percentile below 100 a late I/O only counts against its window; a 1 µs target misses
    /// every window (libaio takes far longer; psync on tmpfs can finish 90% of reads within
    /// 1 µs), so the depth stays at 1 for the whole runtime and the job succeeds.
    @Test func percentileBelowHundredKeepsRunning() async throws {
        let runs = try await runBoth(
            "[t]\nioengine=libaio\nfilename=${DIR}/data\nsize=4m\nrw=randread\niodepth=4\ntime_based\nruntime=1\n"
                + "latency_target=1us\nlatency_window=100ms\nlatency_percentile=90\n")
        for (status, j) in runs {
            #expect(status == 0)
            #expect(j.number("latency_depth") == 1)
            #expect(j.number("latency_percentile") == 90)
            #expect(j.number("job_runtime") >= 900)
        }
    }
}
