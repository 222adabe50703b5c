import Foundation
import Vocabulary

/// A guest kernel crash during `lab run`: a result, not trouble with the lab. It comes from the guest's
/// diobench (the marker it writes once its results are out: which job, in which phase, the report from
/// /dev/kmsg) or, when the kernel took diobench down with it (a panic), from the report run-in-vm.sh cut
/// from the console (`lab-crash.txt`). Recorded as `kernel_crash` in lab.json.
public struct LabKernelCrash: Sendable, Codable, Equatable {
    public var firstLine: String
    public var rip: String?
    public var trace: [String]
    public var traceModules: [String]
    public var panicked: Bool
    /// The jobs that crashed, as the guest's diobench named them; empty when it could not say.
    public var jobs: [String]
    /// "setup" (before the job's first I/O) or "io"; nil when diobench could not say.
    public var phase: String?
    public var secondsIntoJob: Double?
    /// I/Os the job had completed (0: the crash came at its first read, or at udev's probe before it).
    public var iosCompleted: UInt64?
    /// The image's name (its variant folder, or "base") and the ZFS version its guest reported.
    public var image: String
    public var zfsVersion: String?
    /// "diobench" (the guest's report) or "console" (run-in-vm.sh's).
    public var source: String

    /// The guest's marker, one JSON line per crashed job (`diobench run` with DIOBENCH_CRASH_MARKER).
    struct MarkerLine: Decodable {
        var job: String
        var crash: KernelCrash
    }

    /// The crash recorded in `share`, if any: the guest's marker first, the console's report else.
    static func read(share: String, image: String, zfsVersion: String?) -> LabKernelCrash? {
        let marker = (try? String(contentsOfFile: share + "/lab-crash-jobs.jsonl", encoding: .utf8)) ?? ""
        let lines = marker.split(separator: "\n").compactMap {
            try? JSONDecoder().decode(MarkerLine.self, from: Data($0.utf8))
        }
        if let first = lines.first {
            var crash = LabKernelCrash(
                oops: first.crash.oops, jobs: lines.map(\.job), phase: first.crash.phase.rawValue,
                secondsIntoJob: first.crash.secondsIntoJob, image: image, zfsVersion: zfsVersion, source: "diobench")
            crash.iosCompleted = first.crash.iosCompleted
            return crash
        }
        guard let console = try? String(contentsOfFile: share + "/lab-crash.txt", encoding: .utf8),
            let oops = KernelOops.parse(console.split(separator: "\n").map(String.init))
        else { return nil }
        return LabKernelCrash(
            oops: oops, jobs: [], phase: nil, secondsIntoJob: nil, image: image, zfsVersion: zfsVersion,
            source: "console")
    }

    init(
        oops: KernelOops, jobs: [String], phase: String?, secondsIntoJob: Double?, image: String,
        zfsVersion: String?, source: String
    ) {
        firstLine = oops.firstLine
        rip = oops.rip
        trace = oops.trace
        traceModules = oops.traceModules
        panicked = oops.panicked
        self.jobs = jobs
        self.phase = phase
        self.secondsIntoJob = secondsIntoJob
        self.image = image
        self.zfsVersion = zfsVersion
        self.source = source
    }

    public var oops: KernelOops {
        KernelOops(firstLine: firstLine, rip: rip, trace: trace, traceModules: traceModules, panicked: panicked)
    }

    /// One sentence: which job crashed which image's kernel, and how.
    /// `job seed-loop-read crashed the guest kernel (image zfs-2.3.0, zfs 2.3.0-1): BUG: …, RIP …, in a ← b ← c`
    public func sentence(jobFiles: [String] = []) -> String {
        let names = jobs.map { "job \($0)" }.joined(separator: " and ")
        var who: String
        switch (names.isEmpty, phase) {
        case (true, _):
            let files = jobFiles.isEmpty ? "" : " running \(jobFiles.joined(separator: ", "))"
            who =
                "the guest kernel crashed\(files) before diobench could name a job (\(panicked ? "a panic" : "no report from the guest"))"
        case (false, "setup"?):
            who =
                "\(names) crashed the guest kernel during setup, before any of its I/O"
                + " (with udev running, its probe of a new loop device is the first read)"
        case (false, _) where iosCompleted == 0:
            who =
                "\(names) crashed the guest kernel at its first read, before any I/O completed"
                + " (udev's probe of a new loop device may have been the read that did it)"
        default:
            who = "\(names) crashed the guest kernel"
            if let secondsIntoJob { who += String(format: " %.1f s into its I/O", secondsIntoJob) }
        }
        var out = who + " (image \(image)\(zfsVersion.map { ", zfs \($0)" } ?? "")): " + oops.headline
        if let rip { out += ", RIP \(rip)" }
        let frames = oops.moduleTrace.prefix(3)
        if !frames.isEmpty { out += ", in " + frames.joined(separator: " ← ") }
        return out
    }
}
