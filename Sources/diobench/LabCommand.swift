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
        subcommands: [
            LabBuildCommand.self, LabImagesCommand.self, LabRunCommand.self, LabCompareCommand.self,
            LabSuiteCommand.self,
        ])
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

/// `--image NAME`: which image the VM boots.
struct LabImageChoice: ParsableArguments {
    @Option(
        name: .customLong("image"),
        help:
            "The image to boot: default (or base: Debian's zfs) or a variant built by `lab build --zfs-source` (`lab images`)."
    )
    var image: String?

    /// Names of the base image: `base` lets a comparison boot it twice as two cells (an A/A check of the noise).
    static let baseNames: Set<String> = ["default", "base"]

    /// `paths` with the variant resolved (a name or a key prefix); the base image for none, `default` or `base`.
    func resolve(_ paths: LabPaths) throws -> LabPaths {
        var paths = paths
        if let image, !Self.baseNames.contains(image) { paths.image = try LabVariants.find(paths, image).name }
        return paths
    }
}

/// How the VM boots: the pool on its scratch disk, its disks, memory, CPUs, time limit and accelerator
/// (`lab run` and `lab compare`).
struct LabVMOptions: ParsableArguments {
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

    func vm(_ paths: LabPaths) -> LabVM {
        var vm = LabVM(paths: paths)
        if !disks.isEmpty { vm.disks = disks }
        vm.memoryMB = memory
        vm.cpus = cpus
        vm.timeoutSeconds = timeout
        vm.accelerator = accelerator
        return vm
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
        abstract: "Build the VM image, or an image variant with ZFS built from an OpenZFS source (needs root).",
        discussion: """
            Without --zfs-source: the base image, Debian's zfs packages (about 6 minutes, once). With it: a variant \
            whose ZFS kernel modules and userland are built from TREE (a git checkout or an unpacked release) or \
            TARBALL, with each --patch applied in order, compiled in the image's chroot at native speed against the \
            guest kernel (about 8 minutes on 2 cores), then booted once to check which module the guest loads. \
            Variants are cached by a hash of the source and the patches: the same again costs nothing. \
            `lab images` lists them; `--image NAME` on lab run, lab suite and lab compare boots one.
            """)

    @OptionGroup var location: LabLocation

    @Option(name: .customLong("zfs-source"), help: "An OpenZFS source tree or release tarball to build ZFS from.")
    var zfsSource: String?

    @Option(name: .customLong("patch"), help: "A patch for the source (patch -p1), applied in order; repeatable.")
    var patches: [String] = []

    @Option(
        name: .customLong("name"),
        help: "The variant's name (default: from the source and patches, e.g. zfs-2.3.0+fix).")
    var name: String?

    @Flag(name: .customLong("force"), help: "Rebuild from scratch (the base image, or the variant).")
    var force = false

    @Flag(
        name: .customLong("install-host-tools"),
        help: "apt-get install missing host tools (debootstrap, qemu-system-x86, …).")
    var installHostTools = false

    func validate() throws {
        if zfsSource == nil && (!patches.isEmpty || name != nil) {
            throw ValidationError("--patch and --name build a variant: give its source with --zfs-source TREE|TARBALL")
        }
    }

    mutating func run() throws {
        forwardSignalsToLabChild()
        let paths = try location.paths()
        if let zfsSource {
            var request = LabVariantBuild.Request(source: zfsSource, patches: patches, name: name)
            request.force = force
            let start = Date()
            let outcome = try LabVariantBuild.build(paths, request, log: labLog)
            let v = outcome.variant
            labLog(
                "image \(v.name) \(outcome.cached ? "was already built" : "ready in \(Int(Date().timeIntervalSince(start))) s"): "
                    + "zfs \(v.guestVersion ?? v.moduleVersion ?? "?") (srcversion \(v.guestSrcversion ?? v.moduleSrcversion ?? "?")), "
                    + "kernel \(v.kernel ?? "?"), key \(v.key); boot it with --image \(v.name)")
            return
        }
        let seconds = try LabImage.build(paths, force: force, installHostTools: installHostTools)
        let facts = LabImage.facts(paths.imageDirectory)
        let total = facts.buildSeconds.values.reduce(0, +)
        labLog(
            "image ready in \(paths.imageDirectory): kernel \(facts.kernel ?? "?"), zfs \(facts.zfsPackage ?? "?"); "
                + "this call \(Int(seconds.rounded())) s, the build that made it \(total) s")
    }
}

struct LabImagesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "images",
        abstract: "List the lab images: the default (Debian's zfs) and the variants built from source.")

    @OptionGroup var location: LabLocation

    @Option(name: .customLong("remove"), help: "Remove this variant (its folder under the image cache).")
    var remove: String?

    @Flag(name: .customLong("json"), help: "The list as JSON.")
    var json = false

    mutating func run() throws {
        let paths = try location.paths()
        if let remove {
            let variant = try LabVariants.find(paths, remove)
            try FileManager.default.removeItem(atPath: LabVariants.directory(paths, name: variant.name))
            labLog("removed image \(variant.name) (key \(variant.key))")
            return
        }
        let base = LabImage.facts(paths.imageDirectory)
        let variants = LabVariants.all(paths)
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            encoder.keyEncodingStrategy = .convertToSnakeCase
            print(String(decoding: try encoder.encode(variants), as: UTF8.self))
            return
        }
        print(LabImageTable.render(base: LabImage.isBuilt(paths.imageDirectory) ? base : nil, variants: variants))
    }
}

struct LabRunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run job files in the lab VM and save the results under Results/runs.")

    @Argument(help: "Job files, in fio's format (their includes are copied along).")
    var jobFiles: [String] = []

    @OptionGroup var location: LabLocation

    @OptionGroup var imageChoice: LabImageChoice

    @Option(name: .customLong("output-format"), help: "normal, json, json+ or terse, as for `diobench run`.")
    var outputFormat: String?

    @Option(name: .customLong("section"), help: "Run only this job section (repeatable).")
    var sections: [String] = []

    @Option(name: .customLong("results-dir"), help: "Where the runs are saved.")
    var resultsDirectory = "Results/runs"

    @OptionGroup var vmOptions: LabVMOptions

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
        let paths = try imageChoice.resolve(try location.paths())
        try LabImage.buildIfMissing(paths, log: labLog)
        var vm = vmOptions.vm(paths)
        vm.consoleLog = consoleLog
        var request = LabRun.Request(jobFiles: jobFiles, filesRead: parsed.files)
        request.resultsDirectory = resultsDirectory
        // Jobs that all make their own scratch pools need none on the disk; they run in /var/tmp.
        let ownPools = parsed.jobs.allSatisfy { $0.zfs?.scratchPool != nil }
        request.pool = vmOptions.noPool || ownPools ? nil : vmOptions.pool
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

    @OptionGroup var imageChoice: LabImageChoice

    mutating func run() throws {
        forwardSignalsToLabChild()
        let paths = try imageChoice.resolve(try location.paths())
        try LabImage.buildIfMissing(paths, log: labLog)
        let start = Date()
        var environment = ["DIOBENCH_LAB": "1", "DIOBENCH_LAB_IMAGE_DIR": paths.imageDirectory]
        if let image = paths.image { environment["DIOBENCH_LAB_IMAGE"] = image }
        let status = try LabProcess.stream(
            ["swift", "test", "--package-path", paths.packageRoot, "--filter", "^LabTests\\."],
            environment: environment)
        labLog("lab suite finished with status \(status) in \(Int(Date().timeIntervalSince(start))) s")
        if status != 0 { throw ExitCode(status) }
    }
}
