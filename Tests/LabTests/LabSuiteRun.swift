import DiobenchTestSupport
import Foundation
import Lab
import Testing

/// The one VM boot behind every lab test: the guest build of diobench and Lab/suite/guest-suite.sh,
/// which runs every case and leaves its evidence in the share (kept in .build-lab/lab-suite for a look
/// after a failure). The first test to ask boots the VM; the others wait for it and read the same files.
enum LabSuiteRun {
    static let enabled = ProcessInfo.processInfo.environment["DIOBENCH_LAB"] == "1"
    static let disabledReason: Comment =
        "boots a QEMU VM with OpenZFS 2.3 (minutes): run with DIOBENCH_LAB=1, or `diobench lab suite`"

    struct Output: Sendable {
        var share: String
        var status: Int32
        var vmSeconds: Double
        var cases: String { share + "/cases" }
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// Started by the first test to ask; the others await the same task. The boot waits minutes for QEMU
    /// (and holds `oneVMAtATime`): on a thread of its own, not one of the test pool's.
    static let result = Task<Result<Output, Failure>, Never> {
        do {
            return .success(try await onDedicatedThread { try boot() })
        } catch {
            return .failure(Failure(description: "the lab suite's VM run failed: \(error)"))
        }
    }

    static func output() async throws -> Output { try await result.value.get() }

    /// Held while a lab test's VM runs: two TCG guests at once on a 2-core host would slow the suite's
    /// timed cases (hung-task watch, signals).
    static let oneVMAtATime = NSLock()

    private static func boot() throws -> Output {
        var paths = try LabPaths.locate()
        // `diobench lab suite --image NAME`: the same cases on a variant (ZFS built from source).
        if let image = ProcessInfo.processInfo.environment["DIOBENCH_LAB_IMAGE"], !image.isEmpty, image != "default" {
            paths.image = try LabVariants.find(paths, image).name
            print("lab suite: booting image \(image)")
        }
        try LabImage.buildIfMissing(paths) { print("lab suite: \($0)") }
        let (binary, buildSeconds) = try GuestBinary.build(paths) { print("lab suite: \($0)") }
        try GuestBinary.check(binary, image: paths.imageDirectory)
        let dir = paths.guestScratchPath + "/lab-suite"
        try? FileManager.default.removeItem(atPath: dir)
        try FileManager.default.createDirectory(atPath: dir + "/bin", withIntermediateDirectories: true)
        let share = LabShare(existing: dir)
        try share.addBinary(binary)
        try share.addDirectory(paths.packageRoot + "/Jobs", as: "jobs")
        try share.addDirectory(paths.labDirectory + "/suite", as: "suite")
        var vm = LabVM(paths: paths)
        vm.consoleLog = dir + "/console.log"
        vm.timeoutSeconds = 1500
        let outcome = try LabSuiteRun.oneVMAtATime.withLock {
            try vm.run(script: paths.labDirectory + "/suite/guest-suite.sh", share: share)
        }
        let timings = (try? String(contentsOfFile: dir + "/cases/timings.txt", encoding: .utf8)) ?? ""
        print(
            "lab suite: guest build \(Int(buildSeconds)) s, VM \(Int(outcome.wallSeconds)) s, status \(outcome.status); seconds per case (guest clock):"
        )
        print(timings.split(separator: "\n").map { "  " + $0 }.joined(separator: "\n"))
        for line in outcome.failedBoots {
            print("lab suite: \(line) and was booted again (its console is kept next to \(dir)/console.log)")
        }
        // 123/124/125: the guest kernel crashed, or the suite never reported (timeout, or the VM died): no
        // case's evidence is whole, so every test fails with this reason rather than with missing files.
        guard outcome.status != 123 && outcome.status != 124 && outcome.status != 125 else {
            let what =
                switch outcome.status {
                case 123: "had a kernel crash (its report: \(dir)/lab-crash.txt)"
                case 124: "timed out"
                default: "died without the guest suite's status (boot failure)"
                }
            throw Failure(
                description:
                    "the lab VM \(what) after \(Int(outcome.wallSeconds)) s; its kernel console is in \(dir)/console.log"
            )
        }
        return Output(share: dir, status: outcome.status, vmSeconds: outcome.wallSeconds)
    }
}
