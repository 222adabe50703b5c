import DiobenchTestSupport
import Foundation
import Lab
import Testing

/// run-in-vm.sh boots again when a boot dies before the guest script starts (CI once saw a TCG boot
/// panic 3 s in), and never when the script had started (a crash then is the script's result) or when
/// qemu itself failed.
@Suite("lab: boots that die", .enabled(if: LabSuiteRun.enabled, LabSuiteRun.disabledReason))
struct LabBootTests {
    /// A VM with no scratch disk and a fresh share; the script's text runs as root in the guest.
    private func boot(script: String, kernelArguments: String, boots: Int, memoryMB: Int = 512) async throws -> (
        LabVM.Outcome, String
    ) {
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

    @Test("a kernel that panics while the script runs is not booted again")
    func panicDuringScript() async throws {
        let (outcome, share) = try await boot(
            script: "echo c >/proc/sysrq-trigger; sleep 30", kernelArguments: "", boots: 3)
        defer { try? FileManager.default.removeItem(atPath: share) }
        #expect(outcome.status == 125)
        #expect(outcome.failedBoots.isEmpty)
        let console = try String(contentsOfFile: share + "/console.log", encoding: .utf8)
        #expect(console.contains("sysrq triggered crash"), "\(console.suffix(2000))")
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
