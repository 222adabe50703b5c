import Foundation
import Vocabulary

/// What a compare run in the lab VM adds to compare.json: which images it booted, how often, under which
/// accelerator, and whether their timings are emulated. Plain values: the lab (Sources/Lab) fills them,
/// the table, the JSON and the HTML page show them.
public struct CompareLabInfo: Sendable, Codable, Equatable {
    /// True under software emulation (QEMU TCG): times are far slower than hardware and distort costs;
    /// counts, crashes and the direction of large effects are what the lab shows.
    public var emulated: Bool
    /// "tcg" or "kvm", as run-in-vm.sh chose.
    public var accelerator: String
    public var images: [CompareLabImage]
    /// Every planned boot, in the order they were made (or skipped).
    public var boots: [CompareLabBoot]

    public init(emulated: Bool, accelerator: String, images: [CompareLabImage], boots: [CompareLabBoot]) {
        self.emulated = emulated; self.accelerator = accelerator; self.images = images; self.boots = boots
    }

    /// Boots of `image` that ran (crashed ones included, skipped ones not).
    public func bootCount(_ image: String) -> Int { boots.filter { $0.image == image && $0.skipped != true }.count }
    public func skippedCount(_ image: String) -> Int { boots.filter { $0.image == image && $0.skipped == true }.count }

    /// "tcg: emulated timings" and the like, for table and page headers.
    public var timingLabel: String {
        emulated
            ? "lab VM under software emulation (\(accelerator)): timings are EMULATED, far slower than hardware; counts and crashes are real"
            : "lab VM (\(accelerator)): timings are virtualized; counts and crashes are real"
    }
}

/// One image of a lab compare: its name (`default` or a `lab build --zfs-source` variant) and the ZFS it runs.
public struct CompareLabImage: Sendable, Codable, Equatable {
    public var name: String
    public var zfsVersion: String?
    /// Tells two builds of one release apart (2.3.0-1 with and without a fix).
    public var srcversion: String?
    public var kernel: String?

    public init(name: String, zfsVersion: String? = nil, srcversion: String? = nil, kernel: String? = nil) {
        self.name = name; self.zfsVersion = zfsVersion; self.srcversion = srcversion; self.kernel = kernel
    }

    enum CodingKeys: String, CodingKey { case name, zfsVersion = "zfs_version", srcversion, kernel }
}

/// One boot of a lab compare: which image, how many repetitions it was given, and how it ended.
public struct CompareLabBoot: Sendable, Codable, Equatable {
    public var image: String
    public var repetitions: Int
    /// run-in-vm.sh's status (the guest diobench's; 124 timeout, 125 died); nil when skipped.
    public var status: Int32?
    public var seconds: Double?
    public var crashed: Bool?
    /// Not booted: an earlier boot of the image crashed (or the compare was interrupted).
    public var skipped: Bool?

    public init(
        image: String, repetitions: Int, status: Int32? = nil, seconds: Double? = nil, crashed: Bool? = nil,
        skipped: Bool? = nil
    ) {
        self.image = image; self.repetitions = repetitions; self.status = status; self.seconds = seconds
        self.crashed = crashed; self.skipped = skipped
    }
}

/// A guest kernel crash that ended a boot: the image, the job running (when known), the crash's first line
/// (`BUG: kernel NULL pointer dereference, …`) and the rest of its report.
public struct CrashSummary: Sendable, Codable, Equatable {
    public var image: String
    public var job: String?
    public var firstLine: String
    public var detail: String?

    public init(image: String, job: String? = nil, firstLine: String, detail: String? = nil) {
        self.image = image; self.job = job; self.firstLine = firstLine; self.detail = detail
    }

    enum CodingKeys: String, CodingKey { case image, job, firstLine = "first_line", detail }

    /// How a lab boot ended.
    public enum BootEnd: Sendable, Equatable {
        /// The guest's compare finished: 0, or 1 when some runs had errors.
        case finished(status: Int32)
        /// The guest kernel crashed, hung until the time limit, or the VM died without a status.
        case crashed(CrashSummary)
        /// diobench or the guest script refused to run (a usage error, no pool): nothing to compare.
        case failed(status: Int32)
        /// Stopped by Ctrl-C or SIGTERM.
        case interrupted
    }

    /// The end of a boot of `image` from run-in-vm.sh's status, the guest's `lab-crash.txt` and the console:
    /// a crash file, or a status other than the guest compare's own (0, 1) and the usage/setup failures (2, 3,
    /// 64), is a crash; so is a usage/setup status with a kernel report on the console.
    public static func bootEnd(
        image: String, status: Int32, crashFile: String?, console: String?, timeoutSeconds: Int
    ) -> BootEnd {
        if crashFile == nil, status == 0 || status == 1 { return .finished(status: status) }
        if crashFile == nil, status == 130 || status == 143 { return .interrupted }
        if let crash = read(image: image, crashFile: crashFile, console: console) { return .crashed(crash) }
        if crashFile == nil, [2, 3, 64].contains(status) { return .failed(status: status) }
        let first =
            status == 124
            ? "the VM timed out after \(timeoutSeconds) s with no kernel report on the console"
            : "the VM ended with status \(status) and no kernel report on the console"
        return .crashed(CrashSummary(image: image, firstLine: first))
    }

    /// The crash of a boot of `image`, from the share's `lab-crash.txt` (preferred: the guest's own report)
    /// or else the console log's first BUG/Oops/panic line with what follows it; nil when neither has one.
    public static func read(image: String, crashFile: String?, console: String?) -> CrashSummary? {
        if let text = crashFile, let first = firstOpener(text) ?? firstNonEmpty(text) {
            return CrashSummary(image: image, job: jobName(text), firstLine: first, detail: trimmed(text, limit: 4000))
        }
        guard let console, let first = firstOpener(console) else { return nil }
        // The report: the opener and the lines after it, up to 60 (RIP and the call trace).
        let all = lines(console)
        let start = all.firstIndex(where: KernelOops.startsReport) ?? 0
        let detail = all[start..<min(all.count, start + 60)].joined(separator: "\n")
        return CrashSummary(image: image, firstLine: first, detail: trimmed(detail, limit: 4000))
    }

    /// The first line that opens a crash report (KernelOops's rule, the guest's and lab run's), without the
    /// console's `[  12.345678] ` time stamp.
    static func firstOpener(_ text: String) -> String? {
        lines(text).first(where: KernelOops.startsReport).map(KernelOops.stripped)
    }

    static func firstNonEmpty(_ text: String) -> String? {
        lines(text).map { $0.trimmingCharacters(in: .whitespaces) }.first { !$0.isEmpty }
    }

    /// A `job: NAME` (or `job=NAME`) line of the guest's crash file.
    static func jobName(_ text: String) -> String? {
        for line in lines(text) {
            let l = line.trimmingCharacters(in: .whitespaces)
            for prefix in ["job:", "job="] where l.hasPrefix(prefix) {
                let name = l.dropFirst(prefix.count).trimmingCharacters(in: .whitespaces)
                if !name.isEmpty { return name.trimmingCharacters(in: CharacterSet(charactersIn: "'\"")) }
            }
        }
        return nil
    }

    /// The lines of a console log or crash file. The serial console ends lines with CR LF, which Swift reads
    /// as one character, so splitting on "\n" alone would leave the whole log one line.
    static func lines(_ text: String) -> [String] {
        text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).map {
            String($0).trimmingCharacters(in: CharacterSet(charactersIn: "\r"))
        }
    }

    static func trimmed(_ text: String, limit: Int) -> String {
        let t = text.trimmingCharacters(in: .whitespacesAndNewlines)
        return t.count > limit ? String(t.prefix(limit)) + "\n…" : t
    }
}
