import ArgumentParser
import Foundation
import JobFile
import Lab
import Runner

/// `diobench lab`: real OpenZFS in a throwaway QEMU VM, for machines that cannot load ZFS.
/// Swift drives the company's shell scripts in Lab/ (they build the Debian image and boot it);
/// diobench itself parses the job files (to copy their includes), builds the guest binary and
/// brings the results home, so a lab run ends like `diobench run --save`.
struct LabCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lab",
        abstract: "Run jobs against real OpenZFS 2.3 in a throwaway QEMU VM (Debian trixie, zfs-dkms).",
        discussion: """
            The image is built once (about 6 minutes, root, Debian packages only) into ~/.cache/diobench/lab. \
            Each `lab run` boots it with a fresh 4G scratch disk (about 20-35 s under software emulation), makes \
            pool `lab` on it mounted at /lab (the jobs' working directory), runs the jobs with a release build of \
            diobench, and saves the results under Results/runs as `diobench run --save` does. Timings inside the VM \
            mean nothing for performance; counts and behaviour are real.
            """,
        subcommands: [LabBuildCommand.self, LabRunCommand.self, LabSuiteCommand.self])
}

struct LabLocation: ParsableArguments {
    @Option(
        name: .customLong("image-dir"),
        help: "The image cache (default: $DIOBENCH_LAB_IMAGE_DIR or ~/.cache/diobench/lab).")
    var imageDirectory: String?

    @Option(
        name: .customLong("package-dir"),
        help: "The diobench source tree (default: found from here or from this binary).")
    var packageDirectory: String?

    func paths() throws -> LabPaths {
        try LabPaths.locate(packageRoot: packageDirectory, imageDirectory: imageDirectory)
    }
}

/// Passes Ctrl-C and SIGTERM on to the script or build running now (diobench blocks them for itself).
func forwardSignalsToLabChild() {
    SignalWatcher.shared.onSignal { signal, _ in
        let child = LabProcess.currentChild
        if child > 0 { kill(child, signal) }
    }
}

func labLog(_ line: String) { standardError("diobench lab: \(line)") }

struct LabBuildCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "build",
        abstract: "Build the VM image, or check that the cached one is complete (needs root; Debian's packages only).")

    @OptionGroup var location: LabLocation

    @Flag(name: .customLong("force"), help: "Rebuild from scratch.")
    var force = false

    @Flag(
        name: .customLong("install-host-tools"),
        help: "apt-get install missing host tools (debootstrap, qemu-system-x86, …).")
    var installHostTools = false

    mutating func run() throws {
        forwardSignalsToLabChild()
        let paths = try location.paths()
        let seconds = try LabImage.build(paths, force: force, installHostTools: installHostTools)
        let facts = LabImage.facts(paths.imageDirectory)
        let total = facts.buildSeconds.values.reduce(0, +)
        labLog(
            "image ready in \(paths.imageDirectory): kernel \(facts.kernel ?? "?"), zfs \(facts.zfsPackage ?? "?"); "
                + "this call \(Int(seconds.rounded())) s, the build that made it \(total) s")
    }
}

struct LabRunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run job files in the lab VM and save the results under Results/runs.")

    @Argument(help: "Job files, in fio's format (their includes are copied along).")
    var jobFiles: [String] = []

    @OptionGroup var location: LabLocation

    @Option(name: .customLong("output-format"), help: "normal, json, json+ or terse, as for `diobench run`.")
    var outputFormat: String?

    @Option(name: .customLong("section"), help: "Run only this job section (repeatable).")
    var sections: [String] = []

    @Option(name: .customLong("results-dir"), help: "Where the runs are saved.")
    var resultsDirectory = "Results/runs"

    @Option(
        name: .customLong("pool"),
        help: "Name of the pool made on the scratch disk (mounted at /NAME, the jobs' working directory).")
    var pool = "lab"

    @Flag(
        name: .customLong("no-pool"),
        help: "Make no pool: the jobs make their own (zfs_scratch_pool) and run in /var/tmp.")
    var noPool = false

    @Option(name: .customLong("disk"), help: "Size of the fresh scratch disk (repeatable: more disks).")
    var disks: [String] = []

    @Option(name: .customLong("memory"), help: "Guest memory in MiB.")
    var memory = 2048

    @Option(name: .customLong("cpus"), help: "Guest CPUs.")
    var cpus = 2

    @Option(name: .customLong("timeout"), help: "Seconds before the VM is killed (exit status 124).")
    var timeout = 1800

    @Option(name: .customLong("accel"), help: "auto, kvm or tcg.")
    var accelerator = "auto"

    @Option(name: .customLong("console-log"), help: "Keep the guest kernel's console log here.")
    var consoleLog: String?

    @OptionGroup var commandLineJobs: CommandLineJobs

    mutating func run() throws {
        guard !jobFiles.isEmpty || !commandLineJobs.encoded.isEmpty else {
            throw ValidationError("no job file given (try `diobench lab run Jobs/zfs-direct-settings.fio`)")
        }
        guard !jobFiles.contains(JobFileInput.standardInputArgument) else {
            throw ValidationError(
                "lab run copies its job files into the VM, so it needs them on disk: save standard input to a file and name that instead of '-'"
            )
        }
        forwardSignalsToLabChild()
        // Parse here first: a job-file error costs no boot, and the includes to copy are known.
        let parsed = try parseJobFiles(jobFiles, commandLine: commandLineJobs.options, sections: sections)
        let paths = try location.paths()
        try LabImage.buildIfMissing(paths, log: labLog)
        var vm = LabVM(paths: paths)
        if !disks.isEmpty { vm.disks = disks }
        vm.memoryMB = memory
        vm.cpus = cpus
        vm.timeoutSeconds = timeout
        vm.accelerator = accelerator
        vm.consoleLog = consoleLog
        var request = LabRun.Request(jobFiles: jobFiles, filesRead: parsed.files)
        request.resultsDirectory = resultsDirectory
        // Jobs that all make their own scratch pools need none on the disk; they run in /var/tmp.
        let ownPools = parsed.jobs.allSatisfy { $0.zfs?.scratchPool != nil }
        request.pool = noPool || ownPools ? nil : pool
        if let outputFormat { request.runArguments += ["--output-format", outputFormat] }
        // The guest's diobench reads command-line jobs as this one did.
        request.runArguments += commandLineJobs.options.map(\.argument)
        for section in sections { request.runArguments += ["--section", section] }
        let report = try LabRun(paths: paths, vm: vm, log: labLog).run(request)
        var times =
            "guest build \(String(format: "%.0f", report.guestBuildSeconds)) s, VM \(String(format: "%.1f", report.vmWallSeconds)) s"
        if let boot = report.bootToReadySeconds { times += " (boot to pool ready \(String(format: "%.1f", boot)) s" }
        if let jobs = report.diobenchSeconds {
            times += ", jobs \(String(format: "%.1f", jobs)) s)"
        } else if report.bootToReadySeconds != nil {
            times += ")"
        }
        for folder in report.savedRuns { labLog("saved \(folder)") }
        if !report.failedBoots.isEmpty {
            times += "; \(report.failedBoots.count) boot(s) died before the guest script started and were retried"
        }
        labLog(times)
        if let crash = report.kernelCrash {
            // A result, in one sentence: which job crashed which build's kernel, and how.
            labLog(crash.sentence(jobFiles: jobFiles))
            throw ExitCode(report.status)
        }
        if report.savedRuns.isEmpty { labLog("no results came back (status \(report.status))") }
        if report.status != 0 { throw ExitCode(report.status) }
    }
}

struct LabSuiteCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "suite",
        abstract: "Run the lab test suite (LabTests): one VM boot, every ZFS case, assertions on the results.",
        discussion:
            "The same as `DIOBENCH_LAB=1 swift test --filter '^LabTests\\.'` in the source tree; builds the image first when none is cached."
    )

    @OptionGroup var location: LabLocation

    mutating func run() throws {
        forwardSignalsToLabChild()
        let paths = try location.paths()
        try LabImage.buildIfMissing(paths, log: labLog)
        let start = Date()
        let status = try LabProcess.stream(
            ["swift", "test", "--package-path", paths.packageRoot, "--filter", "^LabTests\\."],
            environment: ["DIOBENCH_LAB": "1", "DIOBENCH_LAB_IMAGE_DIR": paths.imageDirectory])
        labLog("lab suite finished with status \(status) in \(Int(Date().timeIntervalSince(start))) s")
        if status != 0 { throw ExitCode(status) }
    }
}
