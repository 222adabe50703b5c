import Foundation

/// `diobench lab run`: job files run by the guest build of diobench in a fresh VM, on a pool made
/// on its scratch disk, with the results brought back as `diobench run --save` leaves them.
public struct LabRun {
    public struct Request: Sendable {
        /// The job files as given on the command line.
        public var jobFiles: [String]
        /// Every file they read (job files, then includes), from the host's parse.
        public var filesRead: [String]
        /// `diobench run` options for the guest (e.g. --output-format=json, --section=x).
        public var runArguments: [String] = []
        /// Where the runs go (as `diobench run --save --results-dir`).
        public var resultsDirectory = "Results/runs"
        /// The pool made on the scratch disk (mounted at /NAME, the jobs' working directory); nil: none.
        public var pool: String? = "lab"
        public init(jobFiles: [String], filesRead: [String]) {
            self.jobFiles = jobFiles
            self.filesRead = filesRead
        }
    }

    public struct Report: Sendable {
        /// The guest diobench's exit status (124/125: the VM timed out or died).
        public var status: Int32
        /// Folders made under the results directory.
        public var savedRuns: [String]
        public var guestBuildSeconds: Double
        public var vmWallSeconds: Double
        /// Guest uptime when the pool was ready and diobench started (boot + modprobe + zpool create).
        public var bootToReadySeconds: Double?
        public var diobenchSeconds: Double?
        /// Boots that died before the guest script started and were booted again (run-in-vm.sh).
        public var failedBoots: [String]
        /// The guest kernel crashed: a result (exit status `LabRun.kernelCrashStatus`), not lab trouble.
        public var kernelCrash: LabKernelCrash?
    }

    /// `lab run`'s exit status when a job crashed the guest kernel: diobench's own for that (not 124/125,
    /// which say the lab itself failed).
    public static let kernelCrashStatus: Int32 = 4

    public var paths: LabPaths
    public var vm: LabVM
    public var log: (String) -> Void

    public init(paths: LabPaths, vm: LabVM? = nil, log: @escaping (String) -> Void) {
        self.paths = paths
        self.vm = vm ?? LabVM(paths: paths)
        self.log = log
    }

    public func run(_ request: Request) throws -> Report {
        try vm.checkReady()
        let (binary, buildSeconds) = try GuestBinary.build(paths, log: log)
        let libraries = try GuestBinary.check(binary, image: paths.imageDirectory)
        log("guest binary \(binary): dynamic libraries \(libraries.joined(separator: ", ")) (all in the image)")
        let share = try LabShare()
        defer { share.remove() }
        let guestJobs = try share.addRun(binary: binary, jobFiles: request.jobFiles, filesRead: request.filesRead)
        var script = ["--no-pool"]
        if let pool = request.pool { script = ["--pool", pool] }
        let runArgs =
            ["run", "--save", "--results-dir", LabShare.guestMount + "/results", "--no-progress"]
            + request.runArguments + guestJobs
        log(
            "booting the lab VM (image \(paths.image ?? "default"), \(paths.bootImageDirectory)); \(request.pool.map { "pool \($0) on the scratch disk, " } ?? "")then: diobench \(runArgs.joined(separator: " "))"
        )
        let outcome = try vm.run(
            script: paths.guestDirectory + "/run-jobs.sh", arguments: script + ["--"] + runArgs, share: share)
        return try collect(
            outcome, share: share, resultsDirectory: request.resultsDirectory, buildSeconds: buildSeconds)
    }

    /// After the VM: the guest's timing, ZFS version and any kernel crash, and its runs moved home.
    public func collect(_ outcome: LabVM.Outcome, share: LabShare, resultsDirectory: String, buildSeconds: Double)
        throws -> Report
    {
        let timing = Self.timing(share.directory + "/lab-timing.txt")
        let imageFacts = LabImage.facts(paths)
        let zfsVersion =
            (try? String(contentsOfFile: share.directory + "/lab-zfs-version.txt", encoding: .utf8))?
            .split(separator: " ").first.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
        var facts = LabResults.LabFacts(
            image: imageFacts,
            accelerator: Self.accelerator(share, requested: vm.accelerator),
            vmWallSeconds: outcome.wallSeconds, bootToReadySeconds: timing["boot_to_ready_s"],
            diobenchSeconds: timing["diobench_s"], failedBoots: outcome.failedBoots)
        facts.zfsVersion = zfsVersion
        // run-in-vm.sh says 123 when the console had a crash report; the guest's diobench says 4.
        if outcome.status == 123 || outcome.status == Self.kernelCrashStatus {
            facts.kernelCrash = LabKernelCrash.read(
                share: share.directory, image: paths.image ?? "default",
                zfsVersion: zfsVersion ?? imageFacts.zfsPackage)
        }
        let saved = try LabResults.importRuns(
            from: share.resultsDirectory, into: resultsDirectory, facts: facts,
            crashReport: share.directory + "/lab-crash.txt")
        return Report(
            status: facts.kernelCrash != nil ? Self.kernelCrashStatus : outcome.status, savedRuns: saved,
            guestBuildSeconds: buildSeconds, vmWallSeconds: facts.vmWallSeconds,
            bootToReadySeconds: facts.bootToReadySeconds, diobenchSeconds: facts.diobenchSeconds,
            failedBoots: outcome.failedBoots, kernelCrash: facts.kernelCrash)
    }

    /// What run-in-vm.sh chose ("kvm" or "tcg").
    static func accelerator(_ share: LabShare, requested: String) -> String {
        (try? String(contentsOfFile: share.directory + "/lab-accel.txt", encoding: .utf8))?
            .trimmingCharacters(in: .whitespacesAndNewlines) ?? requested
    }

    /// `key=value` words of the guest's lab-timing.txt.
    static func timing(_ path: String) -> [String: Double] {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return [:] }
        var out: [String: Double] = [:]
        for word in text.split(whereSeparator: { $0 == " " || $0 == "\n" }) {
            let kv = word.split(separator: "=", maxSplits: 1)
            if kv.count == 2, let v = Double(kv[1]) { out[String(kv[0])] = v }
        }
        return out
    }
}

/// Moves the runs the guest saved into the host's results directory, each with a `lab.json`
/// saying where it ran.
public enum LabResults {
    public struct LabFacts: Sendable, Codable, Equatable {
        public var image: LabImage.Facts
        public var accelerator: String
        public var vmWallSeconds: Double
        public var bootToReadySeconds: Double?
        public var diobenchSeconds: Double?
        /// Boots that died before the guest script started and were booted again (run-in-vm.sh).
        public var failedBoots: [String]
        /// `/sys/module/zfs/version` as the guest reported it.
        public var zfsVersion: String?
        /// The guest kernel crashed during the run (its report, and the job that did it when known).
        public var kernelCrash: LabKernelCrash?
    }

    /// `crashReport`: the console's crash report (run-in-vm.sh's lab-crash.txt), copied beside each run when
    /// it exists. A crash that left no run (a panic before diobench wrote anything) gets a folder of its own.
    public static func importRuns(
        from guestResults: String, into resultsRoot: String, facts: LabFacts, crashReport: String? = nil
    ) throws
        -> [String]
    {
        let fm = FileManager.default
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        let labJSON = try encoder.encode(facts)
        var runs = ((try? fm.contentsOfDirectory(atPath: guestResults)) ?? []).filter { !$0.hasPrefix(".") }.sorted()
        try fm.createDirectory(atPath: resultsRoot, withIntermediateDirectories: true)
        if runs.isEmpty, facts.kernelCrash != nil {
            let formatter = DateFormatter()
            formatter.dateFormat = "yyyyMMdd-HHmmss"
            let name = "lab-crash-" + formatter.string(from: Date())
            try fm.createDirectory(atPath: guestResults + "/" + name, withIntermediateDirectories: true)
            runs = [name]
        }
        var moved: [String] = []
        for name in runs {
            var target = resultsRoot + "/" + name
            var n = 2
            while fm.fileExists(atPath: target) {
                target = resultsRoot + "/\(name)-\(n)"
                n += 1
            }
            // The share may be on another file system than the results: copy, then remove.
            try fm.copyItem(atPath: guestResults + "/" + name, toPath: target)
            try? fm.removeItem(atPath: guestResults + "/" + name)
            try labJSON.write(to: URL(fileURLWithPath: target + "/lab.json"))
            if let crashReport, fm.fileExists(atPath: crashReport) {
                try? fm.copyItem(atPath: crashReport, toPath: target + "/lab-crash.txt")
            }
            moved.append(target)
        }
        return moved
    }
}
