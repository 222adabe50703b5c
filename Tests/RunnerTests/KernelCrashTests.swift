import DiobenchTestSupport
import Foundation
import JobFile
import Report
import Stats
import Testing
import Vocabulary
@testable import Runner

/// The run's crash watch, fed a crash report written to /dev/kmsg while a job's I/O stands still (a long
/// thinktime stands in for a reader stuck on a dead loop device).
@Suite("kernel crash watch")
struct KernelCrashTests {
    static let canWriteKmsg = getuid() == 0 && access("/dev/kmsg", R_OK | W_OK) == 0

    final class Calls: @unchecked Sendable {
        private let lock = NSLock()
        private var outcomes: [RunOutcome] = []
        private var lines: [String] = []
        func crashed(_ outcome: RunOutcome) { lock.lock(); outcomes.append(outcome); lock.unlock() }
        func log(_ line: String) { lock.lock(); lines.append(line); lock.unlock() }
        var all: (outcomes: [RunOutcome], log: [String]) {
            lock.lock(); defer { lock.unlock() }; return (outcomes, lines)
        }
    }

    @Test(
        "a crash report, then I/O standing still for the grace: the job ends as crashed, its I/O so far kept",
        .enabled(if: canWriteKmsg, "needs root to read and write /dev/kmsg"))
    func crashedJob() async throws {
        let dir = try TemporaryDirectory("crash")
        let token = "diobench-crash-test-\(UInt64.random(in: 0..<UInt64.max))"
        let file = try dir.write(
            "job.fio",
            """
            [before]
            filename=\(dir.path)/a.dat
            size=64k
            rw=read

            [stuck]
            stonewall
            filename=\(dir.path)/b.dat
            size=1m
            rw=read
            thinktime=30s

            [after]
            stonewall
            filename=\(dir.path)/c.dat
            size=64k
            rw=read
            """)
        let parsed = try JobFileParser().parse(paths: [file])
        let calls = Calls()
        var options = RunOptions()
        options.journalDirectory = dir.path + "/journal"
        options.log = { calls.log($0) }
        options.zfs.kernelEventsFromPrograms = true  // the test's lines come from a program
        options.onKernelCrash = { calls.crashed($0) }
        let session = RunSession(parsed: parsed, options: options)
        let stuckFile = dir.path + "/b.dat"
        @Sendable func inject() {
            // On a thread of its own, not the pool's. Once the stuck job's file is laid out its first read
            // follows, then the thinktime: the report must come then (a fixed delay fired during the first
            // job when the machine was busy, and the watch rightly saw that job's I/O go on).
            let deadline = Date().addingTimeInterval(60)
            while Date() < deadline {
                var info = stat()
                if stat(stuckFile, &info) == 0, info.st_size >= 1 << 20 { break }
                Thread.sleep(forTimeInterval: 0.05)
            }
            Thread.sleep(forTimeInterval: 1.5)
            let fd = open("/dev/kmsg", O_WRONLY | O_CLOEXEC)
            guard fd >= 0 else { return }
            for line in [
                "BUG: kernel NULL pointer dereference, address: 00000000000000a8 \(token)",
                "RIP: 0010:down_read_killable+0x1c/0x80", "Call Trace:", " <TASK>", " ? __die+0x23/0x70",
                " zfs_read+0x1f3/0x4b0 [zfs]", " lo_rw_aio+0x26d/0x3a0 [loop]", " </TASK>",
            ] {
                _ = "<2>\(line)\n".withCString { write(fd, $0, strlen($0)) }
            }
            close(fd)
        }
        // Timed on the dedicated thread: the wait for it (one per CPU, shared with the other tests) is not the work.
        let (outcome, took) = try await onDedicatedThread {
            let started = Date()
            Thread.detachNewThread(inject)
            let outcome = session.run()
            return (outcome, Date().timeIntervalSince(started))
        }
        #expect(took < 15, "the watch ends the run after its grace, not after the thinktime")
        #expect(outcome.exitStatus == RunOutcome.kernelCrashStatus)
        #expect(outcome.crashedJobs == ["stuck"])
        let (handed, log) = calls.all
        #expect(handed.count == 1 && handed.first?.crashedJobs == ["stuck"])

        let jobs = outcome.result.jobs
        #expect(jobs.map(\.jobname) == ["before", "stuck"], "the job after the crash does not start")
        #expect(jobs[0].diobench?.crash == nil && jobs[0].read.totalIOs == 16)
        #expect(jobs[0].diobench?.partial == nil, "the job before the crash ran whole")
        let stuck = jobs[1]
        let crash = try #require(stuck.diobench?.crash)
        #expect(stuck.diobench?.status == "crashed")
        #expect(stuck.error != 0)
        #expect(crash.phase == .io)
        #expect(crash.oops.rip == "down_read_killable")
        #expect(crash.oops.trace == ["zfs_read", "lo_rw_aio"])
        #expect(crash.oops.firstLine.hasPrefix("BUG: kernel NULL pointer dereference"))
        #expect(crash.secondsIntoJob > 0.3 && crash.secondsIntoJob < 5)
        #expect(stuck.read.totalIOs >= 1, "the I/O done before the crash is in the results")
        #expect(crash.iosCompleted == stuck.read.totalIOs)
        #expect(outcome.result.diobench?.partial == true)
        #expect(log.contains { $0.contains("job 'stuck': CRASHED the kernel: BUG: kernel NULL pointer dereference") })

        let text = try ReportRenderer.render(outcome.result, formats: [.normal])
        #expect(
            text.contains(
                "stuck: CRASHED the kernel: BUG: kernel NULL pointer dereference, RIP down_read_killable; trace zfs_read ← lo_rw_aio\n"
            ))
        #expect(text.contains("  crash        : the kernel crashed "))
        let json = try ReportRenderer.render(outcome.result, formats: [.json])
        #expect(json.contains("\"status\" : \"crashed\""))
        #expect(json.contains("\"first_line\" : \"BUG: kernel NULL pointer dereference"))
        #expect(json.contains("\"phase\" : \"io\""))
    }
}
