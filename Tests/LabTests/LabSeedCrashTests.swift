import DiobenchTestSupport
import Foundation
import Lab
import Testing

/// Issue 16956 for real: the seed job, with the known-crash guard overridden, on an image built from the
/// OpenZFS 2.3.0 release (`diobench lab build --zfs-source …/zfs-2.3.0.tar.xz`, cached under the lab's
/// variants). Runs only where that image exists.
@Suite(
    "lab: the seed job crashes OpenZFS 2.3.0",
    .enabled(if: LabSuiteRun.enabled, LabSuiteRun.disabledReason),
    .enabled(if: SeedCrashImage.exists, "no zfs-2.3.0 image in the lab cache's variants"))
struct LabSeedCrashTests {
    @Test("zfs_allow_known_crash=1: the guest oopses, the job ends as crashed with the ZFS Direct I/O frames")
    func seedCrashes() async throws {
        var located = try LabPaths.locate()
        located.image = SeedCrashImage.name
        let paths = located
        let job = paths.packageRoot + "/Jobs/seed-loop-direct-always.fio"
        var request = LabRun.Request(jobFiles: [job], filesRead: [job])
        request.pool = nil  // the job makes its own scratch pool
        request.runArguments = ["--zfs_allow_known_crash=1"]
        let results = try TemporaryDirectory("seedcrash")
        request.resultsDirectory = results.path
        var vm = LabVM(paths: paths)
        vm.timeoutSeconds = 900
        let machine = vm, asked = request
        let report = try await onDedicatedThread {
            try LabSuiteRun.oneVMAtATime.withLock {
                try LabRun(paths: paths, vm: machine, log: { print("lab seed: \($0)") }).run(asked)
            }
        }
        #expect(report.status == LabRun.kernelCrashStatus)
        #expect(report.vmWallSeconds < 600, "ended by the crash, not by the timeout")
        let crash = try #require(report.kernelCrash)
        print("lab seed: \(crash.sentence())")
        #expect(crash.jobs == ["seed-loop-read"])
        #expect(crash.image == "zfs-2.3.0" && crash.zfsVersion?.hasPrefix("2.3.0") == true)
        #expect(crash.firstLine.hasPrefix("BUG: kernel NULL pointer dereference"))
        #expect(crash.rip == "down_read_killable")
        let frames = ["zfs_uio_get_dio_pages_alloc", "zfs_setup_direct", "zfs_read", "zpl_iter_read", "lo_rw_aio"]
        let start = try #require(crash.trace.firstIndex(of: frames[0]), "\(crash.trace)")
        #expect(Array(crash.trace[start..<min(crash.trace.count, start + frames.count)]) == frames)
        #expect(crash.trace.contains("pin_user_pages_unlocked") && crash.trace.contains("loop_process_work"))
        let folder = try #require(report.savedRuns.first)
        let result = try String(contentsOfFile: folder + "/result.json", encoding: .utf8)
        #expect(result.contains("\"status\" : \"crashed\""))
        #expect(FileManager.default.fileExists(atPath: folder + "/lab-crash.txt"))
    }
}

/// The image built from OpenZFS 2.3.0 (`lab build --zfs-source …/zfs-2.3.0.tar.xz --name zfs-2.3.0`).
enum SeedCrashImage {
    static let name = "zfs-2.3.0"
    static var exists: Bool {
        guard let paths = try? LabPaths.locate() else { return false }
        return (try? LabVariants.find(paths, name)) != nil
    }
}
