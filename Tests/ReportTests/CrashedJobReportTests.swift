import Foundation
import Report
import Stats
import Testing
import Vocabulary

/// A job the kernel crashed under, in the normal output and the JSON: fio's fields unchanged, the crash beside.
@Suite("crashed job in the reports")
struct CrashedJobReportTests {
    static func crashedResult() throws -> (RunResult, KernelCrash) {
        var result = OutputFormatTests.sampleResult()
        let oops = KernelOops(
            firstLine: "BUG: kernel NULL pointer dereference, address: 00000000000000a8", rip: "down_read_killable",
            trace: [
                "pin_user_pages_unlocked", "zfs_uio_get_dio_pages_alloc", "zfs_setup_direct", "zfs_read",
                "zpl_iter_read", "lo_rw_aio", "loop_process_work",
            ],
            traceModules: ["", "zfs", "zfs", "zfs", "zfs", "loop", "loop"])
        let crash = KernelCrash(
            oops: oops, phase: .setup, secondsIntoJob: 0.3,
            undoSkipped: ["detach loop device /dev/loop0 (backing /dbseed/always/seed-loop.img)"])
        var ext = result.jobs[0].diobench ?? JobExtension()
        ext.crash = crash
        ext.status = "crashed"
        ext.partial = true
        ext.errorMessage = "job 'sample': CRASHED the kernel: \(oops.summary(frames: 3))"
        result.jobs[0].diobench = ext
        result.jobs[0].error = 5
        return (result, crash)
    }

    @Test("normal output: one line naming the job, the report's first line, RIP and trace, then the crash block")
    func normal() throws {
        var (result, _) = try Self.crashedResult()
        // crashed before any I/O completed (udev's probe at loop attach): still shown
        for direction in IODirection.allCases {
            result.jobs[0][direction] = DirectionResult()
        }
        let text = try ReportRenderer.render(result, formats: [.normal])
        for line in [
            "sample: CRASHED the kernel: BUG: kernel NULL pointer dereference, RIP down_read_killable; trace zfs_uio_get_dio_pages_alloc ← zfs_setup_direct ← zfs_read ← …\n",
            "  crash        : the kernel crashed during the job's setup, before its first I/O\n",
            "     report    : BUG: kernel NULL pointer dereference, address: 00000000000000a8\n",
            "     rip       : down_read_killable\n",
            "     trace     : pin_user_pages_unlocked ← zfs_uio_get_dio_pages_alloc ← zfs_setup_direct ← zfs_read ← zpl_iter_read ← lo_rw_aio ← loop_process_work\n",
            "     not undone: detach loop device /dev/loop0 (backing /dbseed/always/seed-loop.img) (it would block",
        ] {
            #expect(text.contains(line), "missing: \(line)\n--- output:\n\(text)")
        }
    }

    @Test("JSON: fio's keys as they were, plus status and a flat crash object, and back")
    func json() throws {
        let (result, crash) = try Self.crashedResult()
        let json = try ReportRenderer.json(result, bins: false)
        for key in [
            "\"status\" : \"crashed\"",
            "\"first_line\" : \"BUG: kernel NULL pointer dereference, address: 00000000000000a8\"",
            "\"rip\" : \"down_read_killable\"", "\"phase\" : \"setup\"", "\"seconds_into_job\" : 0.3",
            "\"undo_skipped\"",
            "\"error\" : 5", "\"jobname\" : \"sample\"", "\"total_ios\"",
        ] {
            #expect(json.contains(key), "JSON lacks \(key)")
        }
        let back = try RunResult.decodeFioOutput(Data(json.utf8))
        #expect(back.jobs[0].diobench?.crash == crash)
        #expect(back.jobs[0].diobench?.status == "crashed")
    }
}
