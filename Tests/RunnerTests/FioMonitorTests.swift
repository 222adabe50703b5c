import DiobenchTestSupport
import Foundation
import Testing

/// Issue 15: steadystate (ss, ss_dur, ss_ramp) and rate_min/rate_iops_min/rate_cycle, against fio 3.33 on the same
/// job text: the same `steadystate` JSON block, the job ended when the criterion is met, and a missed floor failing
/// the job with EIO and exit status 1. null-engine jobs paced by rate_iops, so the series are steady by design.
@Suite(.enabled(if: fioAvailable, "fio is not installed (apt-get install fio)"))
struct FioMonitorTests {
    struct Run {
        var status: Int32
        var job: [String: Any]
        var stderr: String
    }

    /// Runs `options` as one job under `tool` with JSON output.
    func run(_ tool: String, _ options: String) async throws -> Run {
        let dir = try TemporaryDirectory("runner")
        let text = "[j]\nioengine=null\nsize=1g\nbs=4k\nrw=randread\n" + options + "\n"
        let out = try await runProgram(
            tool, (tool == fioPath ? [] : ["run"]) + ["--output-format=json", try dir.write("j.fio", text)],
            directory: dir.path, timeout: 120)
        let job = try #require(try jsonObject(out.stdout).jobs.first, "\(tool): \(out.stderr)")
        return Run(status: out.status, job: job, stderr: out.stderr)
    }

    @Test("steadystate=iops:20% with ss_dur=2: both tools end the 30 s job early, with fio's steadystate block")
    func attained() async throws {
        let options = "time_based\nruntime=30\nrate_iops=1000\nsteadystate=iops:20%\nsteadystate_duration=2"
        for tool in [fioPath, diobenchBinary] {
            let r = try await run(tool, options)
            #expect(r.status == 0, "\(tool): \(r.stderr)")
            let ss = r.job.object("steadystate")
            #expect(ss["ss"] as? String == "iops:20.000000%", "\(tool)")
            #expect(ss.number("attained") == 1, "\(tool): \(ss)")
            #expect(ss.number("duration") == 2)
            let data = ss.object("data")
            #expect((data["iops"] as? [Any])?.count == 2 && (data["bw"] as? [Any])?.count == 2, "\(tool): \(data)")
            #expect((800...1200).contains(data.number("iops_mean")), "\(tool): \(data)")
            #expect(r.job.number("job_runtime") < 15_000, "\(tool): ended early")
            #expect(Set(ss.keys) == ["ss", "duration", "attained", "criterion", "max_deviation", "slope", "data"])
            #expect(Set(data.keys) == ["bw_mean", "iops_mean", "iops", "bw"])
        }
    }

    @Test("iops_slope:0% can never be met: the job runs its whole runtime, attained=0, in both tools")
    func notAttained() async throws {
        let options = "time_based\nruntime=3\nrate_iops=500\nss=iops_slope:0%\nss_dur=2"
        for tool in [fioPath, diobenchBinary] {
            let r = try await run(tool, options)
            #expect(r.status == 0, "\(tool): \(r.stderr)")
            let ss = r.job.object("steadystate")
            #expect(ss.number("attained") == 0, "\(tool): \(ss)")
            #expect(r.job.number("job_runtime") >= 2_900, "\(tool)")
        }
    }

    @Test("group_reporting: one steadystate block for the group of two clones, as fio keeps it for the group")
    func grouped() async throws {
        let options = "time_based\nruntime=30\nrate_iops=500\nnumjobs=2\ngroup_reporting\nss=iops:20%\nss_dur=2"
        for tool in [fioPath, diobenchBinary] {
            let r = try await run(tool, options)
            let data = r.job.object("steadystate").object("data")
            #expect((800...1200).contains(data.number("iops_mean")), "\(tool): the group's IOPS, \(data)")
            #expect(r.job.number("job_runtime") < 15_000, "\(tool)")
        }
    }

    @Test("rate_min above what the job can do fails it after the 2 s settle and one rate_cycle: EIO, exit 1")
    func floorMissed() async throws {
        for tool in [fioPath, diobenchBinary] {
            let r = try await run(tool, "time_based\nruntime=8\nrate_min=1t\nrate_cycle=500")
            #expect(r.status == 1, "\(tool)")
            #expect(r.job.number("error") == 5, "\(tool)")
            #expect((1_900...5_000).contains(r.job.number("job_runtime")), "\(tool): \(r.job.number("job_runtime"))")
            #expect(r.stderr.contains("rate_min=1099511627776B/s not met"), "\(tool): \(r.stderr)")
        }
    }

    @Test("rate_iops_min below the rate is met: exit 0 in both tools")
    func floorMet() async throws {
        for tool in [fioPath, diobenchBinary] {
            let r = try await run(tool, "time_based\nruntime=4\nrate_iops=500\nrate_iops_min=300")
            #expect(r.status == 0 && r.job.number("error") == 0, "\(tool): \(r.stderr)")
        }
    }

    @Test("a floor above the job's own rate is refused before the run, as fio refuses it")
    func floorAboveRate() async throws {
        let dir = try TemporaryDirectory("runner")
        let out = try await diobench(
            ["run", "--parse-only", "--name=j", "--size=1m", "--rate=1m", "--rate_min=2m"], directory: dir.path)
        #expect(out.status == 2 && out.stderr.contains("minimum rate exceeds"), "\(out.stderr)")
        let theirs = try await runProgram(
            fioPath, ["--name=j", "--ioengine=null", "--size=1m", "--rate=1m", "--rate_min=2m"], directory: dir.path)
        #expect(theirs.status != 0 && theirs.stderr.contains("minimum rate exceeds rate"), "fio: \(theirs.stderr)")
    }
}
