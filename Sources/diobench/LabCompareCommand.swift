import ArgumentParser
import Foundation
import JobFile
import Lab
import Report
import Runner

/// `diobench lab compare JOB… [compare's options] [--image NAME]`: `compare` run by the guest diobench in the
/// lab VM, the results brought home as `compare` writes them. With `--matrix lab_image=A,B` each image is
/// booted in turn and the boots' results become one comparison.
struct LabCompareCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compare",
        abstract: "Compare job settings (and ZFS builds) in the lab VM; results under Results/compare.",
        discussion: """
            The same options as `diobench compare`, run by the guest's diobench on pool `lab`, with compare.json, \
            table.txt and report.html written here (plus each boot's kernel console under console/). \
            --matrix lab_image=A,B makes the images an axis: each is booted --boots-per-image times (default 2 \
            with --repeat 2 or more), the repetitions shared out among its boots, the boots alternating \
            (A B, B A, …); the other axes are interleaved inside each boot. A boot whose guest kernel crashes \
            marks its image's cells CRASHED and skips that image's later boots; the exit status is then 1. \
            Timings are emulated under software emulation (tcg) and labelled so. The regression verdict between \
            two images: diobench diff DIR/compare.json --cells 'lab_image=A,lab_image=B'. Example:
              diobench lab compare Jobs/compare-direct.fio --matrix lab_image=zfs-2.3.0,zfs-2.3.0+fix --repeat 6
            """)

    @OptionGroup var compare: CompareOptions

    @OptionGroup var location: LabLocation

    @OptionGroup var imageChoice: LabImageChoice

    @OptionGroup var vmOptions: LabVMOptions

    mutating func run() throws {
        try LabCompareRun(compare: compare, location: location, vm: vmOptions, image: imageChoice.image).run()
    }
}

/// Boots the images as planned, runs the guest's compare in each boot and merges what comes back.
struct LabCompareRun {
    var compare: CompareOptions
    var location: LabLocation
    var vm: LabVMOptions
    /// `--image`: the one image when there is no `lab_image` axis.
    var image: String?

    /// The guest compare's folder in the share.
    static let guestOutput = LabShare.guestMount + "/results/compare"

    func run() throws {
        try compare.check(command: "lab compare")
        guard !compare.jobFiles.contains(JobFileInput.standardInputArgument) else {
            throw ValidationError(
                "lab compare copies its job files into the VM, so it needs them on disk: save standard input to a file and name that instead of '-'"
            )
        }
        let axes = try compare.axes()
        let (guestAxes, imageAxis) = CompareLabPlan.split(axes)
        if imageAxis != nil, let image {
            throw ValidationError("--image \(image) and --matrix lab_image=…: give the images one way")
        }
        let images = imageAxis ?? [image ?? "default"]
        // Parse here first: a job-file error costs no boot, and the includes to copy are known.
        let parsedCells = try compare.parse(try CompareMatrix.cells(guestAxes))
        let filesRead = parsedCells.first?.files ?? []
        forwardSignalsToLabChild()

        let base = try location.paths()
        try LabImage.buildIfMissing(base, log: labLog)
        var imagePaths: [String: LabPaths] = [:]
        var imageFacts: [CompareLabImage] = []
        for name in images {
            let paths = try LabImageChoice.parse(["--image", name]).resolve(base)
            try vm.vm(paths).checkReady()
            imagePaths[name] = paths
            imageFacts.append(Self.facts(name, LabImage.facts(paths)))
        }
        let (binary, _) = try GuestBinary.build(base, log: labLog)
        let libraries = try GuestBinary.check(binary, image: base.imageDirectory)
        labLog("guest binary \(binary): dynamic libraries \(libraries.joined(separator: ", ")) (all in the image)")

        let folder = try compare.outputFolder()
        try FileManager.default.createDirectory(atPath: folder + "/console", withIntermediateDirectories: true)
        let started = BaselineStore.isoNow()
        let plan = CompareLabPlan.boots(
            images: images, repeat: compare.repetitions,
            bootsPerImage: compare.bootsPerImage ?? CompareLabPlan.defaultBootsPerImage(repeat: compare.repetitions))
        let ownPools = parsedCells.allSatisfy { $0.jobs.allSatisfy { $0.zfs?.scratchPool != nil } }
        let pool = vm.noPool || ownPools ? nil : vm.pool

        var results: [CompareLabPlan.BootResult] = []
        var boots: [CompareLabBoot] = []
        var accelerator: String?
        var crashed: [String: Int] = [:]  // image → the boot that crashed it
        var interrupted = false
        var runErrors = false
        for (n, boot) in plan.enumerated() {
            var record = CompareLabBoot(image: boot.image, repetitions: boot.repetitions)
            if let earlier = crashed[boot.image] {
                labLog("boot \(n + 1)/\(plan.count): image \(boot.image) skipped: it crashed in boot \(earlier)")
                record.skipped = true
                boots.append(record)
                continue
            }
            if interrupted || SignalWatcher.shared.firstSignal != 0 {
                interrupted = true
                record.skipped = true
                boots.append(record)
                continue
            }
            labLog(
                "boot \(n + 1)/\(plan.count): image \(boot.image), \(boot.repetitions) repetition\(boot.repetitions == 1 ? "" : "s") of every cell"
            )
            let outcome = try runBoot(
                boot, number: n + 1, paths: imagePaths[boot.image]!, binary: binary, filesRead: filesRead,
                guestAxes: guestAxes, pool: pool, folder: folder)
            accelerator = accelerator ?? outcome.accelerator
            record.status = outcome.status
            record.seconds = (outcome.seconds * 10).rounded() / 10
            switch outcome.end {
            case .crashed(let crash):
                record.crashed = true
                crashed[boot.image] = n + 1
                labLog("boot \(n + 1): image \(boot.image) crashed the guest kernel: \(crash.firstLine)")
            case .finished(let status): runErrors = runErrors || status != 0
            case .interrupted: interrupted = true
            case .failed(let status):
                // Neither a result nor a crash (a usage error, the pool could not be made): say so and stop.
                throw LabError.commandFailed(
                    command: "boot \(n + 1) of image \(boot.image) (see the guest's output above)", status: status)
            }
            if outcome.result?.info.interrupted == true { interrupted = true }
            boots.append(record)
            results.append(.init(image: boot.image, result: outcome.result, crash: outcome.crash))
        }

        let accel = accelerator ?? vm.accelerator
        var info = CompareInfo(
            version: diobenchVersion, jobFiles: compare.jobFiles, matrix: axes, repetitions: compare.repetitions,
            order: [], commandLine: CommandLine.arguments, started: started)
        info.lab = CompareLabInfo(emulated: accel != "kvm", accelerator: accel, images: imageFacts, boots: boots)
        var merged: CompareResult
        do { merged = try CompareLabPlan.merge(axes: axes, boots: results, info: info) } catch {
            throw UsageFailure(message: error.description)
        }
        if interrupted { merged.info.interrupted = true }
        try compare.write(merged, to: folder, jobFilesRead: filesRead)
        for (image, boot) in crashed.sorted(by: { $0.value < $1.value }) {
            let crash = results.compactMap(\.crash).first { $0.image == image }
            standardError(
                "diobench: lab compare: image \(image) crashed the guest kernel in boot \(boot)"
                    + (crash?.job.map { " (job '\($0)')" } ?? "") + ": \(crash?.firstLine ?? "?")")
        }
        if !crashed.isEmpty || runErrors { throw ExitCode(1) }
        if interrupted { throw ExitCode(130) }
    }

    struct BootOutcome {
        var status: Int32
        var seconds: Double
        var accelerator: String?
        var result: CompareResult?
        var end: CrashSummary.BootEnd
        var crash: CrashSummary? {
            if case .crashed(let crash) = end { return crash }
            return nil
        }
    }

    /// One boot: a fresh share with the binary and the job files, the guest's `diobench compare`, and what
    /// came back (its compare.json, and the crash when the guest kernel died).
    func runBoot(
        _ boot: CompareLabPlan.Boot, number: Int, paths: LabPaths, binary: String, filesRead: [String],
        guestAxes: [MatrixAxis], pool: String?, folder: String
    ) throws -> BootOutcome {
        let share = try LabShare()
        defer { share.remove() }
        let guestJobs = try share.addRun(binary: binary, jobFiles: compare.jobFiles, filesRead: filesRead)
        var arguments = [
            "compare", "--output-dir", Self.guestOutput, "--no-progress", "--repeat", String(boot.repetitions),
        ]
        for axis in guestAxes { arguments += ["--matrix", CompareOptions.argument(axis)] }
        for section in compare.sections { arguments += ["--section", section] }
        arguments += compare.commandLineJobs.options.map(\.argument)
        arguments += guestJobs
        var machine = vm.vm(paths)
        let console = folder + "/console/boot\(number)-\(boot.image).log"
        machine.consoleLog = console
        let script = (pool.map { ["--pool", $0] } ?? ["--no-pool"]) + ["--"] + arguments
        let outcome = try machine.run(script: paths.guestDirectory + "/run-jobs.sh", arguments: script, share: share)

        let read = { (path: String) in try? String(contentsOfFile: path, encoding: .utf8) }
        let result = try? ResultLoader.readCompare(share.resultsDirectory + "/compare/compare.json")
        let end = CrashSummary.bootEnd(
            image: boot.image, status: outcome.status, crashFile: read(share.directory + "/lab-crash.txt"),
            console: read(console), timeoutSeconds: vm.timeout)
        let accelerator = read(share.directory + "/lab-accel.txt")?.trimmingCharacters(in: .whitespacesAndNewlines)
        return BootOutcome(
            status: outcome.status, seconds: outcome.wallSeconds, accelerator: accelerator, result: result, end: end)
    }

    /// The image's ZFS as the guest reported it when the variant was built, else its package version.
    static func facts(_ name: String, _ facts: LabImage.Facts) -> CompareLabImage {
        let v = facts.variant
        return CompareLabImage(
            name: name, zfsVersion: v?.guestVersion ?? v?.moduleVersion ?? facts.zfsPackage,
            srcversion: v?.guestSrcversion ?? v?.moduleSrcversion, kernel: v?.kernel ?? facts.kernel)
    }
}
