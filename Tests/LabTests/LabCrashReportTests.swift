import DiobenchTestSupport
import Foundation
import Testing
import Vocabulary

@testable import Lab

/// The host's reading of a guest kernel crash (no VM: the files a crashed lab run leaves in its share).
@Suite("lab: the crash report lab run reads")
struct LabCrashReportTests {
    static let console = """
        BUG: kernel NULL pointer dereference, address: 00000000000000a8
        #PF: supervisor read access in kernel mode
        Oops: Oops: 0000 [#1] PREEMPT SMP NOPTI
        Workqueue: loop0 loop_rootcg_workfn [loop]
        RIP: 0010:down_read_killable+0x1c/0x80
        Call Trace:
         <TASK>
         ? __die+0x23/0x70
         ? down_read_killable+0x1c/0x80
         pin_user_pages_unlocked+0x4e/0x2c0
         zfs_uio_get_dio_pages_alloc+0x1b6/0x3d0 [zfs]
         zfs_setup_direct+0x8f/0x2a0 [zfs]
         zfs_read+0x1f3/0x4b0 [zfs]
         zpl_iter_read+0xe2/0x180 [zfs]
         lo_rw_aio+0x26d/0x3a0 [loop]
         loop_process_work+0x1c1/0x430 [loop]
         </TASK>
        ---[ end trace 0000000000000000 ]---
        """

    private func share(marker: String?, console: String?) throws -> TemporaryDirectory {
        let dir = try TemporaryDirectory("labcrash")
        if let marker { _ = try dir.write("lab-crash-jobs.jsonl", marker) }
        if let console { _ = try dir.write("lab-crash.txt", console) }
        return dir
    }

    @Test("the guest's marker names the job and the phase: one sentence with image, version, RIP and ZFS frames")
    func fromMarker() throws {
        let oops = try #require(KernelOops.parse(Self.console.split(separator: "\n").map(String.init)))
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let crash = KernelCrash(oops: oops, phase: .setup, secondsIntoJob: 0.4)
        let line =
            "{\"job\":\"seed-loop-read\",\"crash\":"
            + String(decoding: try encoder.encode(crash), as: UTF8.self) + "}\n"
        let dir = try share(marker: line, console: Self.console)
        let read = try #require(LabKernelCrash.read(share: dir.path, image: "zfs-2.3.0", zfsVersion: "2.3.0-1"))
        #expect(read.source == "diobench" && read.jobs == ["seed-loop-read"] && read.phase == "setup")
        #expect(
            read.sentence()
                == "job seed-loop-read crashed the guest kernel during setup, before any of its I/O (with udev running, its probe of a new loop device is the first read) (image zfs-2.3.0, zfs 2.3.0-1): BUG: kernel NULL pointer dereference, RIP down_read_killable, in zfs_uio_get_dio_pages_alloc ← zfs_setup_direct ← zfs_read"
        )
        var inIO = read
        inIO.phase = "io"
        inIO.iosCompleted = 0
        #expect(
            inIO.sentence().hasPrefix(
                "job seed-loop-read crashed the guest kernel at its first read, before any I/O completed (udev's probe")
        )
        inIO.iosCompleted = 12
        inIO.secondsIntoJob = 2.04
        #expect(
            inIO.sentence().hasPrefix(
                "job seed-loop-read crashed the guest kernel 2.0 s into its I/O (image zfs-2.3.0, zfs 2.3.0-1): BUG: kernel NULL pointer dereference, RIP down_read_killable, in zfs_uio"
            ))
    }

    @Test("without the guest's word (a panic took diobench down), the console's report is read")
    func fromConsole() throws {
        let dir = try share(marker: nil, console: Self.console)
        let read = try #require(LabKernelCrash.read(share: dir.path, image: "base", zfsVersion: nil))
        #expect(read.source == "console" && read.jobs.isEmpty && read.phase == nil)
        #expect(read.trace.first == "pin_user_pages_unlocked" && read.trace.count == 7)
        #expect(
            read.sentence(jobFiles: ["Jobs/x.fio"]).hasPrefix(
                "the guest kernel crashed running Jobs/x.fio before diobench could name a job"))
        #expect(
            LabKernelCrash.read(share: try share(marker: nil, console: nil).path, image: "base", zfsVersion: nil) == nil
        )
    }

    @Test("a crash with no run saved still leaves a folder, with lab.json's kernel_crash and the console report")
    func importWithoutRun() throws {
        let dir = try share(marker: nil, console: Self.console)
        try FileManager.default.createDirectory(atPath: dir.path + "/results", withIntermediateDirectories: true)
        var facts = LabResults.LabFacts(
            image: LabImage.Facts(zfsPackage: nil, kernel: nil, buildSeconds: [:]), accelerator: "tcg",
            vmWallSeconds: 1, failedBoots: [])
        facts.kernelCrash = LabKernelCrash.read(share: dir.path, image: "base", zfsVersion: "2.3.0-1")
        let saved = try LabResults.importRuns(
            from: dir.path + "/results", into: dir.path + "/runs", facts: facts,
            crashReport: dir.path + "/lab-crash.txt")
        let folder = try #require(saved.first)
        #expect(folder.contains("/runs/lab-crash-"))
        let lab = try String(contentsOfFile: folder + "/lab.json", encoding: .utf8)
        #expect(lab.contains("\"kernel_crash\""))
        #expect(lab.contains("\"rip\" : \"down_read_killable\""))
        #expect(FileManager.default.fileExists(atPath: folder + "/lab-crash.txt"))
    }
}
