import DiobenchTestSupport
import Foundation
import Lab
import Testing
import Vocabulary

/// The whole chain of a guest kernel crash on the base image, which does not crash by itself: a crash report
/// written to the guest's /dev/kmsg at level 2 (counted as the kernel's by the guest diobench through
/// DIOBENCH_KERNEL_EVENTS_FROM_PROGRAMS, and shown on the console) while a job's I/O stands still in a
/// long thinktime, as a reader stuck on a dead loop device would. The 2.3.0 image's real crash is the
/// lead's test, with this code.
@Suite(
    "lab: a kernel crash during a job is a result",
    .enabled(if: LabSuiteRun.enabled, LabSuiteRun.disabledReason),
    // Four minutes of emulation: where the 2.3.0 image exists, its real crash (LabSeedCrashTests) tests the chain.
    .enabled(if: !SeedCrashImage.exists, "the zfs-2.3.0 image exists: LabSeedCrashTests runs the real crash instead"))
struct LabCrashTests {
    static let job = """
        [first]
        filename=/var/tmp/first.dat
        size=64k
        rw=read

        [stuck]
        stonewall
        filename=/var/tmp/stuck.dat
        size=1m
        rw=read
        thinktime=600s

        [never]
        stonewall
        filename=/var/tmp/never.dat
        size=64k
        rw=read
        """

    static let report = [
        "BUG: kernel NULL pointer dereference, address: 00000000000000a8", "RIP: 0010:down_read_killable+0x1c/0x80",
        "Call Trace:", " <TASK>", " ? __die+0x23/0x70", " pin_user_pages_unlocked+0x4e/0x2c0",
        " zfs_uio_get_dio_pages_alloc+0x1b6/0x3d0 [zfs]", " zfs_setup_direct+0x8f/0x2a0 [zfs]",
        " zfs_read+0x1f3/0x4b0 [zfs]", " </TASK>", "---[ end trace 0000000000000000 ]---",
    ]

    @Test("guest diobench ends the stuck job as crashed, run-jobs.sh goes on, run-in-vm.sh 123, lab run's sentence")
    func crashDuringJob() async throws {
        let paths = try LabPaths.locate()
        let (binary, buildSeconds) = try GuestBinary.build(paths) { print("lab crash: \($0)") }
        try GuestBinary.check(binary, image: paths.imageDirectory)
        let share = try LabShare(parent: paths.guestScratchPath)
        defer { share.remove() }
        try share.addBinary(binary)
        let jobs = try share.addJobFiles([try write(Self.job, to: share.directory + "/src/crash.fio")])
        try FileManager.default.copyItem(
            atPath: paths.guestDirectory + "/run-jobs.sh", toPath: share.directory + "/run-jobs.sh")
        // The report goes in once the stuck job's file is laid out and its first I/O is done.
        let inject = Self.report.map { "echo '<2>\($0)' >/dev/kmsg" }.joined(separator: "; ")
        let script = try write(
            """
            #!/bin/bash
            export DIOBENCH_KERNEL_EVENTS_FROM_PROGRAMS=1
            ( while [ ! -s /var/tmp/stuck.dat ]; do sleep 0.2; done; sleep 2; \(inject) ) &
            exec bash /mnt/share/run-jobs.sh --no-pool -- run --save --results-dir /mnt/share/results \\
                --no-progress \(jobs[0])
            """, to: share.directory + "/crash-script.sh")
        var vm = LabVM(paths: paths)
        vm.disks = []
        vm.timeoutSeconds = 400
        vm.crashGraceSeconds = 120
        vm.consoleLog = share.directory + "/console.log"
        let machine = vm
        let outcome = try await onDedicatedThread {
            try LabSuiteRun.oneVMAtATime.withLock { try machine.run(script: script, share: share) }
        }
        #expect(outcome.status == 123, "run-in-vm.sh saw the report on the console")
        #expect(outcome.wallSeconds < 300, "ended once the guest reported, not by the timeout")
        let timing = try String(contentsOfFile: share.directory + "/lab-timing.txt", encoding: .utf8)
        #expect(timing.contains("status=4") && timing.contains("kernel_crash=reported"), "\(timing)")

        let home = share.directory + "/home"
        let report = try LabRun(paths: paths, vm: vm, log: { print("lab crash: \($0)") }).collect(
            outcome, share: share, resultsDirectory: home, buildSeconds: buildSeconds)
        #expect(report.status == LabRun.kernelCrashStatus)
        let crash = try #require(report.kernelCrash)
        #expect(crash.source == "diobench" && crash.jobs == ["stuck"] && crash.phase == "io")
        #expect(crash.rip == "down_read_killable")
        #expect(
            crash.trace == ["pin_user_pages_unlocked", "zfs_uio_get_dio_pages_alloc", "zfs_setup_direct", "zfs_read"])
        #expect(crash.image == "base")
        let sentence = crash.sentence()
        print("lab crash: \(sentence)")
        #expect(sentence.hasPrefix("job stuck crashed the guest kernel "))
        #expect(
            sentence.hasSuffix("RIP down_read_killable, in zfs_uio_get_dio_pages_alloc ← zfs_setup_direct ← zfs_read"))

        let folder = try #require(report.savedRuns.first)
        let result =
            try JSONSerialization.jsonObject(
                with: Data(contentsOf: URL(fileURLWithPath: folder + "/result.json"))) as? [String: Any]
        let jobsJSON = try #require(result?["jobs"] as? [[String: Any]])
        #expect(jobsJSON.map { $0["jobname"] as? String } == ["first", "stuck"], "the job after the crash never ran")
        let stuck = try #require(jobsJSON.last?["diobench"] as? [String: Any])
        #expect(stuck["status"] as? String == "crashed")
        #expect((stuck["crash"] as? [String: Any])?["rip"] as? String == "down_read_killable")
        let lab = try String(contentsOfFile: folder + "/lab.json", encoding: .utf8)
        #expect(lab.contains("\"kernel_crash\""))
        #expect(FileManager.default.fileExists(atPath: folder + "/lab-crash.txt"))
    }

    private func write(_ text: String, to path: String) throws -> String {
        try FileManager.default.createDirectory(
            atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }
}
