import DiobenchTestSupport
import Foundation
import Lab
import Testing
import Vocabulary

/// run-in-vm.sh boots again when a boot dies before the guest script starts (CI once saw a TCG boot
/// panic 3 s in), and never when the script had started (a crash then is the script's result) or when
/// qemu itself failed.
@Suite("lab: boots that die", .enabled(if: LabSuiteRun.enabled, LabSuiteRun.disabledReason))
struct LabBootTests {
    /// A VM with no scratch disk and a fresh share; the script's text runs as root in the guest.
    private func boot(
        script: String, kernelArguments: String, boots: Int, memoryMB: Int = 512, crashGrace: Int? = nil
    ) async throws -> (LabVM.Outcome, String) {
        let paths = try LabPaths.locate()
        let share = try LabShare(parent: paths.guestScratchPath)
        let scriptPath = share.directory + "/script.sh"
        try ("#!/bin/bash\n" + script + "\n").write(toFile: scriptPath, atomically: true, encoding: .utf8)
        var vm = LabVM(paths: paths)
        vm.disks = []
        vm.memoryMB = memoryMB
        vm.timeoutSeconds = 300
        vm.kernelArguments = kernelArguments
        vm.boots = boots
        vm.crashGraceSeconds = crashGrace
        vm.consoleLog = share.directory + "/console.log"
        // The VM runs for minutes (and the lock may be held by another): on a thread of its own.
        let machine = vm
        let outcome = try await onDedicatedThread {
            try LabSuiteRun.oneVMAtATime.withLock { try machine.run(script: scriptPath, share: share) }
        }
        return (outcome, share.directory)
    }

    @Test("a kernel that panics before the script starts is booted again, up to the limit, and the run still fails")
    func panicBeforeScript() async throws {
        // rdinit= names no file, so the kernel mounts root itself and panics: virtio_blk is a module.
        let (outcome, share) = try await boot(
            script: "exit 0", kernelArguments: "rdinit=/diobench-no-such-init", boots: 2)
        defer { try? FileManager.default.removeItem(atPath: share) }
        #expect(outcome.status == 125)
        #expect(outcome.failedBoots == ["boot 1 died before the script started"])
        let firstConsole = try String(contentsOfFile: share + "/console.boot1.log", encoding: .utf8)
        #expect(firstConsole.contains("Kernel panic"))
    }

    @Test("a kernel that panics while the script runs is a crash (123, its report saved), not booted again")
    func panicDuringScript() async throws {
        let (outcome, share) = try await boot(
            script: "echo c >/proc/sysrq-trigger; sleep 30", kernelArguments: "", boots: 3)
        defer { try? FileManager.default.removeItem(atPath: share) }
        #expect(outcome.status == 123)
        #expect(outcome.failedBoots.isEmpty)
        let console = try String(contentsOfFile: share + "/console.log", encoding: .utf8)
        #expect(console.contains("sysrq triggered crash"), "\(console.suffix(2000))")
        let report = try String(contentsOfFile: share + "/lab-crash.txt", encoding: .utf8)
        let oops = try #require(KernelOops.parse(report.split(separator: "\n").map(String.init)))
        #expect(oops.panicked)
        #expect(oops.firstLine.contains("sysrq triggered crash"), "\(report)")
        #expect(oops.trace.contains("sysrq_handle_crash"), "\(oops.trace)")
    }

    /// An oops that does not panic (as OpenZFS 2.3.0's): the guest stays up, its reader stuck for good. A
    /// report written to /dev/kmsg at level 2 reaches the console as the kernel's would.
    static let injectedOops = [
        "BUG: kernel NULL pointer dereference, address: 00000000000000a8", "RIP: 0010:down_read_killable+0x1c/0x80",
        "Call Trace:", " <TASK>", " ? __die+0x23/0x70", " pin_user_pages_unlocked+0x4e/0x2c0",
        " zfs_uio_get_dio_pages_alloc+0x1b6/0x3d0 [zfs]", " zfs_read+0x1f3/0x4b0 [zfs]", " </TASK>",
        "---[ end trace 0000000000000000 ]---",
    ].map { "echo '<2>\($0)' >/dev/kmsg" }.joined(separator: "\n")

    @Test("an oops that leaves the guest up with the script stuck: the VM ends after the crash grace, status 123")
    func oopsScriptStuck() async throws {
        let (outcome, share) = try await boot(
            script: Self.injectedOops + "\nsleep 600", kernelArguments: "", boots: 1, crashGrace: 10)
        defer { try? FileManager.default.removeItem(atPath: share) }
        #expect(outcome.status == 123)
        // The VM's own wall time: the wait for the one-VM lock before it is not the work.
        #expect(outcome.wallSeconds < 250, "ended by the grace, not the 300 s timeout: \(outcome.wallSeconds) s")
        let report = try String(contentsOfFile: share + "/lab-crash.txt", encoding: .utf8)
        let oops = try #require(KernelOops.parse(report.split(separator: "\n").map(String.init)))
        #expect(oops.rip == "down_read_killable")
        #expect(oops.trace == ["pin_user_pages_unlocked", "zfs_uio_get_dio_pages_alloc", "zfs_read"])
        #expect(!oops.panicked)
    }

    @Test("an oops, then the script reports its status: the VM ends at once, status 123")
    func oopsScriptReports() async throws {
        let (outcome, share) = try await boot(
            script: Self.injectedOops + "\nexit 4", kernelArguments: "", boots: 1, crashGrace: 200)
        defer { try? FileManager.default.removeItem(atPath: share) }
        #expect(outcome.status == 123)
        #expect(outcome.wallSeconds < 200, "ended once the guest reported, not by the grace")
        #expect(FileManager.default.fileExists(atPath: share + "/lab-crash.txt"))
    }

    @Test("a qemu that cannot start (no memory for the guest) is not booted again")
    func qemuFailure() async throws {
        // A petabyte of guest RAM: qemu exits 1 at once ("cannot set up guest memory") on any host.
        let (outcome, share) = try await boot(script: "exit 0", kernelArguments: "", boots: 3, memoryMB: 1 << 30)
        defer { try? FileManager.default.removeItem(atPath: share) }
        #expect(outcome.status == 125)
        #expect(outcome.failedBoots.isEmpty)
    }
}
