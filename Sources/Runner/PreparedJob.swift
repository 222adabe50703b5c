import Engines
import JobFile
import Stats
import Targets
#if canImport(Glibc)
import Glibc
import Vocabulary
#endif

/// A job between planning and results: its workers, the targets it opened and what was learned
/// about them, and how it ended.
final class PreparedJob {
    let index: Int
    var spec: JobSpec
    /// steadystate or rate_min: a `PhaseMonitor` watches the job while it runs.
    var isMonitored: Bool { spec.steadyState.isOn || spec.rateFloor.isOn }
    var plans: [WorkerPlan] = []
    var workers: [WorkerThread] = []
    /// Every distinct path the job's workers use, in first-use order.
    var paths: [String] = []
    var targets: [TargetInfo] = []
    var alignments: [String: DirectIOAlignment] = [:]
    var extensions = JobExtension()
    var loopDevice: LoopDevice?
    /// The job's ZFS dataset and counters (ZFSJobSupport), and its kernel-log watch.
    var zfs: ZFSJobContext?
    var kernelLog: KernelLogWatcher?
    /// Undo steps of this job's own setup, run when the job ends.
    var undoTokens: [UndoStack.Token] = []
    /// A setup or fatal I/O error, already explained.
    var failure: String?
    /// The job was refused as asked (write guard, known-crash guard): a job error (exit status 2), not an I/O error.
    var refused = false
    var failureErrno: Int32 = 0
    var startedAtNs: UInt64 = 0
    /// When its setup began (files, loop device, datasets): a kernel crash in setup counts from here.
    var setupStartedAtNs: UInt64 = 0
    /// The kernel crashed during the job (KernelCrashWatch); set once, by the watch's thread.
    var crash: KernelCrash?
    var finishedAtNs: UInt64 = 0
    /// The run-wide number of the job's first worker, from 0 (log file names count from 1, as fio's).
    var firstWorkerNumber = 0

    init(index: Int, spec: JobSpec) {
        self.index = index
        self.spec = spec
    }

    /// Workers whose threads are done (or never started): only their state may be read. After a second
    /// signal a worker stuck in the kernel is not waited for, and its thread still owns its state.
    var joinedWorkers: [WorkerThread] { workers.filter(\.isJoined) }

    var reads: Bool { spec.rw.reads }
    var writes: Bool { spec.rw.writes }
}

/// Builds a job's targets and workers: the fio-side work before the I/O starts.
struct JobPreparer {
    let undo: UndoStack
    let journal: UndoJournal?
    let log: @Sendable (String) -> Void
    /// fio's --readonly: no file is created or extended for the job (the CLI refuses writing jobs itself).
    var readOnly = false
    /// flow: the run's flow groups by flow_id.
    var flows: [UInt64: FlowGroup] = [:]

    /// fio's trim patterns parse (so --parse-only resolves fio's job files as fio does), but no engine here
    /// issues trims: the I/O loop would issue writes in their place. Refused as a job error, before anything is set up.
    static func checkRunnable(_ job: PreparedJob) throws {
        let spec = job.spec
        guard spec.rw.trims else { return }
        job.refused = true
        throw PlanError(
            description: "\(spec.sourceFile):\(spec.sourceLine): rw=\(spec.rw.rawValue) is a fio pattern diobench "
                + "does not run: its engines issue no trims; use read, write, randread, randwrite, rw or randrw")
    }

    /// Loop device (if the job asks for one), plan, layout, statx, open, buffers, worker state.
    /// `firstWorkerNumber`: the run-wide number of the job's first worker (for cpus_allowed_policy=split).
    func prepare(_ job: PreparedJob, progress: ProgressBoard?, progressOffset: Int, firstWorkerNumber: Int = 0) throws {
        job.firstWorkerNumber = firstWorkerNumber
        if let loop = job.spec.loop { try attachLoop(loop, for: job) }
        job.plans = try planWorkers(for: job.spec, jobIndex: job.index) { path in
            let kind = FileTarget.kind(of: path)
            let size = kind == .missing ? 0 : ((try? FileTarget.size(of: path)) ?? 0)
            return ExistingTarget(kind: kind, size: size)
        }
        for plan in job.plans {
            for file in plan.files where !job.paths.contains(file.path) { job.paths.append(file.path) }
        }
        // An engine that moves no data (fio's diskless null): its files are names only, never laid out,
        // opened or described.
        if job.spec.engine.transfersData {
            let sizes = layoutSizes(job)
            if readOnly { try refuseLayout(job, sizes: sizes) }
            try guardWrites(job, layoutSizes: sizes)
            // The plan probed every path: the missing ones are those the layout creates.
            let created = Set(job.plans.flatMap(\.files).filter { $0.kind == .missing }.map(\.path))
            // Each worker's buffer content exists before the layout: fio fills the files it writes out from
            // the generator of the thread that lays them out, which then goes on to fill its buffers.
            var contents = job.plans.indices.map {
                WriteContent(spec: job.spec, thread: firstWorkerNumber + $0 + 1, fallbackSeed: job.plans[$0].seed)
            }
            let openCreates: Set<String>
            do {
                openCreates = try layOut(job, sizes: sizes, contents: &contents)
            } catch {
                for content in contents { content.deallocate() }
                throw error
            }
            for path in job.paths { job.targets.append(describeTarget(path, job: job)) }
            try makeWorkers(
                job, progress: progress, progressOffset: progressOffset, firstWorkerNumber: firstWorkerNumber,
                contents: contents)
            // create_on_open: the workers' opens made these files; describe them now that they exist.
            for (index, path) in job.paths.enumerated() where openCreates.contains(path) {
                job.targets[index] = describeTarget(path, job: job)
            }
            // Files diobench lays out are its own: later runs may write to them without an override.
            for path in created { _ = WriteGuardOwnerMark.mark(path: path) }
        } else {
            try makeWorkers(
                job, progress: progress, progressOffset: progressOffset, firstWorkerNumber: firstWorkerNumber)
        }
    }

    /// `contents`: each worker's buffer content, when made before the layout (else made here).
    private func makeWorkers(
        _ job: PreparedJob, progress: ProgressBoard?, progressOffset: Int, firstWorkerNumber: Int,
        contents: [WriteContent]? = nil
    ) throws {
        for (workerIndex, plan) in job.plans.enumerated() {
            let content =
                contents?[workerIndex]
                ?? WriteContent(spec: job.spec, thread: firstWorkerNumber + workerIndex + 1, fallbackSeed: plan.seed)
            let slot = progress.map { $0.slots[progressOffset + workerIndex] }
            let cpus = job.spec.cpusAllowed.map {
                job.spec.cpusAllowedPolicy.cpus(from: $0, workerNumber: firstWorkerNumber + workerIndex)
            }
            job.workers.append(
                try makeWorker(
                    plan, job: job, progress: slot, cpus: cpus ?? [], content: content))
        }
    }

    /// Under --readonly, a file the layout would create or extend is refused, as fio refuses it.
    private func refuseLayout(_ job: PreparedJob, sizes: [String: UInt64]) throws {
        for (path, size) in sizes.sorted(by: { $0.key < $1.key }) {
            let missing = FileTarget.kind(of: path) == .missing
            let current = missing ? 0 : ((try? FileTarget.size(of: path)) ?? 0)
            guard missing || current < size else { continue }
            job.refused = true
            throw PlanError(
                description: "--readonly: reading would first "
                    + (missing ? "create \(path) (\(size) bytes)" : "extend \(path) from \(current) to \(size) bytes")
                    + "; lay it out without --readonly first, or give a size it already has")
        }
    }

    /// Refuses to let a job destroy data it was not told to (see WriteGuard): a write job, or a layout that
    /// would rewrite an existing file, on something that is mounted, in use, or holds data not ours.
    /// Each path once, however many clones share it (the check reads mountinfo, sysfs and signatures,
    /// and says its override warnings once).
    private func guardWrites(_ job: PreparedJob, layoutSizes sizes: [String: UInt64]) throws {
        for path in job.paths {
            let rewritesExisting =
                !job.writes && FileTarget.kind(of: path) == .regularFile
                && ((try? FileTarget.size(of: path)) ?? 0) < (sizes[path] ?? 0)
            guard job.writes || rewritesExisting else { continue }
            try check(path, job: job)
        }
    }

    private func check(_ path: String, job: PreparedJob) throws {
        let overrides = WriteGuardOverrides(
            allowMountedWrite: job.spec.allowMountedWrite, allowDataOverwrite: job.spec.allowOverwriteData)
        let decision = WriteGuard.check(path: path, overrides: overrides)
        for warning in decision.warnings { log("job '\(job.spec.name)': \(warning)") }
        if let refusal = decision.refusal {
            job.refused = true
            throw PlanError(description: refusal)
        }
    }

    private func attachLoop(_ options: LoopOptions, for job: PreparedJob) throws {
        // Writes through the loop device land in its backing file: guard the file before it is in use.
        let backingExists = FileTarget.kind(of: options.backingFile) != .missing
        if job.writes && !options.readOnly && backingExists { try check(options.backingFile, job: job) }
        // A job that reads must find data, as fio lays out files before reading them: a new (or short)
        // backing file is written out first, or the reads would hit holes and never touch the disk.
        if job.reads, let size = job.spec.size, ((try? FileTarget.size(of: options.backingFile)) ?? 0) < size {
            if readOnly { try refuseLayout(job, sizes: [options.backingFile: size]) }
            if backingExists { try check(options.backingFile, job: job) }
            var layout = LayoutRequest(path: options.backingFile, size: size, jobReads: true, jobWrites: job.writes)
            layout.fallocate = job.spec.fallocate
            _ = try FileTarget.layOut(layout)
        }
        let request = LoopDeviceRequest(
            backingFile: options.backingFile, size: job.spec.size,
            directIO: options.directIO, logicalBlockSize: options.logicalBlockSize,
            readOnly: options.readOnly)
        let device = try LoopDevice.attach(request, journal: journal)
        job.loopDevice = device
        job.undoTokens.append(
            undo.push("detach \(device.path) (backing \(options.backingFile))") { try device.detach() })
        job.spec.filenames = [device.path]
        if !backingExists { _ = WriteGuardOwnerMark.mark(path: options.backingFile) }
        job.extensions.loop = device.report
        for warning in device.report.warnings { log("job '\(job.spec.name)': \(device.path): \(warning)") }
    }

    /// fio's layout step: regular files are created or extended before the job starts.
    /// A file the job's clones share is laid out once, to the largest size any of them needs (a clone moved
    /// by `offset_increment` ends further in; fio extends the file for it too).
    /// `sizes`: from `layoutSizes`. Returns the missing files left to the workers' opens (create_on_open).
    /// A file fio writes out gets the bytes of the first worker that uses it (fio's first thread lays it out).
    private func layOut(_ job: PreparedJob, sizes: [String: UInt64], contents: inout [WriteContent]) throws
        -> Set<String>
    {
        var openCreates: Set<String> = []
        for path in job.paths {
            guard let size = sizes[path] else { continue }
            var request = LayoutRequest(path: path, size: size, jobReads: job.reads, jobWrites: job.writes)
            // An engine that cannot extend a file (mmap) has it written out first, as fio does (FIO_NOEXTEND).
            request.overwrite = job.spec.overwrite || !job.spec.engine.extendsFiles
            request.fallocate = job.spec.fallocate
            request.chunkSize = max(request.chunkSize, Int(job.spec.blockSizeBounds(.write).max))
            if job.spec.createOnOpen && !job.reads {
                // create_on_open: nothing is laid out beforehand. A missing file is created by the job's own
                // open (O_CREAT, as fio's) and grows by its writes; an existing one is left as it is.
                if FileTarget.kind(of: path) == .missing { openCreates.insert(path) }
                continue
            }
            guard let owner = job.plans.firstIndex(where: { $0.files.contains { $0.path == path } }) else {
                _ = try FileTarget.layOut(request)
                continue
            }
            // fio's extend_file: pieces of the largest write, each filled as a write of its own length (the
            // last one shorter). Written a MiB or so at a time: the same bytes in fewer calls.
            let piece = max(1, Int(job.spec.blockSizeBounds(.write).max))
            request.chunkSize = max(1, (1 << 20) / piece) * piece
            var content = contents[owner]
            _ = try FileTarget.layOut(request) { buffer, length in
                var at = 0
                while at < length {
                    let size = min(piece, length - at)
                    content.fillLayout(buffer + at, length: size)
                    at += size
                }
            }
            contents[owner] = content
        }
        return openCreates
    }

    /// The size each regular (or still missing) file must be laid out to: the largest any clone needs.
    private func layoutSizes(_ job: PreparedJob) -> [String: UInt64] {
        var sizes: [String: UInt64] = [:]
        for plan in job.plans {
            for file in plan.files where file.kind == .regularFile || file.kind == .missing {
                sizes[file.path] = max(sizes[file.path] ?? 0, file.layoutSize)
            }
        }
        return sizes
    }

    private func describeTarget(_ path: String, job: PreparedJob) -> TargetInfo {
        var info = TargetInfo(path: path)
        let kind = FileTarget.kind(of: path)
        info.kind = job.loopDevice?.path == path ? "loop" : (kind == .blockDevice ? "block" : "file")
        info.sizeBytes = try? FileTarget.size(of: path)
        // A device node's own file system (devtmpfs) says nothing about the device.
        if kind != .blockDevice && kind != .characterDevice, let fs = try? FileSystemInfo.of(path: path) {
            info.fsType = fs.typeName
            info.fsMagic = fs.magic
        }
        let alignment = (try? DirectIOAlignment.query(path: path)) ?? .notReported
        job.alignments[path] = alignment
        switch alignment {
        case .aligned(let memory, let offset):
            info.dioMemAlign = memory
            info.dioOffsetAlign = offset
        case .directIONotSupported: info.dioAlignNote = "this file does not support O_DIRECT (statx reports 0)"
        case .notReported: info.dioAlignNote = "statx did not report STATX_DIOALIGN"
        case .unsupported: info.dioAlignNote = "EOPNOTSUPP (e.g. ZFS with direct=disabled)"
        }
        if kind == .blockDevice {
            let fd = open(path, O_RDONLY | O_CLOEXEC)
            if fd >= 0 {
                info.logicalBlockSize = try? FileTarget.logicalBlockSize(fd: fd, path: path)
                close(fd)
            }
        }
        info.bufferAlign = UInt64(AlignedBufferPool.alignment(dioMemAlign: alignment.memoryAlignment))
        return info
    }

    /// `content`: the worker's buffer content (seeded by its run-wide number, fio's thread_number).
    private func makeWorker(
        _ plan: WorkerPlan, job: PreparedJob, progress: ProgressSlot?, cpus: [Int], content: WriteContent
    ) throws -> WorkerThread {
        var content = content
        let spec = job.spec
        let config = WorkerConfig(spec: spec, bytesPerLoop: plan.bytesPerLoop, seed: plan.seed)
        let readSizes = picker(spec, .read)
        let writeSizes = picker(spec, .write)
        var fds: [Int32] = []
        var cursors: [FileCursor] = []
        let buffers: AlignedBufferPool
        let verify: WorkerVerify?
        // fio fills every buffer of a writing job at setup (backend.c, init_io_u); `content` does that below,
        // so the pool leaves those bytes as allocated rather than fill them twice.
        let contentFills = job.writes && (!spec.zeroBuffers || spec.content.isShaped)
        do {
            for file in plan.files where spec.engine.transfersData {
                // As fio (filesetup.c, generic_open_file): a writing job opens a regular file with O_CREAT, and
                // sync= adds O_SYNC or O_DSYNC.
                let fd = try FileTarget.open(
                    path: file.path, direct: spec.direct, readOnly: !job.writes, create: spec.allowFileCreate,
                    extraFlags: spec.syncIO.openFlag)
                fds.append(fd)
                // fio drops the cache at every open, O_DIRECT or not (ioengines.c, td_io_open_file): cached
                // pages of the file would otherwise serve or absorb the job's I/O.
                if spec.invalidate {
                    try? FileTarget.invalidateCache(
                        fd: fd, path: file.path, offset: file.regionStart, length: file.regionLength)
                }
                adviseKernel(fd: fd, spec: spec, offset: file.regionStart, length: file.regionLength)
            }
            let largest = Int(max(readSizes.maximum, writeSizes.maximum))
            let memoryAlignment = plan.files.compactMap { job.alignments[$0.path]?.memoryAlignment }.max()
            buffers = try AlignedBufferPool(
                count: config.iodepth, size: largest,
                alignment: AlignedBufferPool.alignment(dioMemAlign: memoryAlignment),
                misalignment: Int(spec.iomemAlign), seed: plan.seed, zeroed: spec.zeroBuffers, filled: !contentFills)
            verify = try WorkerVerify.make(
                spec: spec, config: config, jobWrites: job.writes, readSizes: readSizes,
                writeSizes: writeSizes, fds: fds, paths: plan.files.map(\.path))
            let unit =
                spec.blockAlign.map { ba in spec.rw.directions.map { ba[$0] }.min() ?? 4096 }
                ?? spec.rw.directions.map { dir in dir == .read ? readSizes.minimum : writeSizes.minimum }.min()
                ?? 4096
            cursors = plan.files.enumerated().map { index, file in
                FileCursor(
                    fileIndex: Int32(index), regionStart: file.regionStart, regionLength: file.regionLength,
                    unit: unit, seed: plan.seed &+ UInt64(index) &* 0x9E37_79B9)
            }
            if !spec.randomDistribution.isUniform {
                var rng = RandomSource(seed: plan.seed ^ 0xD157_0000_0000_0001)
                for index in cursors.indices {
                    cursors[index].skew(
                        try BlockDistribution.make(
                            spec.randomDistribution, blocks: cursors[index].blockCount, blockSize: unit, rng: &rng))
                }
            }
        } catch {
            // Nothing of this worker survives a failed setup: its files, bssplit tables, zone tables and content.
            for fd in fds { close(fd) }
            for cursor in cursors { cursor.deallocate() }
            readSizes.deallocate()
            writeSizes.deallocate()
            content.deallocate()
            throw error
        }
        var statsConfig = WorkerStatsConfig(recordsSubmissionLatency: spec.engine.queues(iodepth: config.iodepth))
        statsConfig.progress = progress
        // The monitor judges one-second samples from these counters: publish them often enough to be exact.
        if job.isMonitored { statsConfig.progressIntervalNs = 10_000_000 }
        if contentFills {
            // In fio's order: its free list hands out the last buffer first, ours buffer 0: fill from the last down.
            for index in (0..<buffers.count).reversed() { content.fill(buffers.buffer(index), length: buffers.size) }
        }
        // fio draws non-uniform file choices over nr_files << FIO_FSERVICE_SHIFT (10) ranges (init.c).
        var fileDistribution = BlockDistribution.uniform
        if spec.fileService.isNonUniform {
            var rng = RandomSource(seed: plan.seed ^ 0xF11E_5E7C_0000_0001)
            // Without a center, fio starts the ranks at a random offset; starting at a random file's first
            // range keeps the hottest ranks in one file, as fio 3.33's runs show.
            var distribution = spec.fileService.distribution
            let first = Double(rng.next(below: UInt64(max(cursors.count, 1)))) / Double(max(cursors.count, 1))
            switch distribution {
            case .zipf(let theta, nil): distribution = .zipf(theta: theta, center: first)
            case .pareto(let h, nil): distribution = .pareto(h: h, center: first)
            default: break
            }
            fileDistribution =
                (try? BlockDistribution.make(
                    distribution, blocks: UInt64(max(cursors.count, 1)) << 10, blockSize: 1,
                    rng: &rng)) ?? .uniform
            fileDistribution.hashed = false
        }
        let dropsEachPass = PassCacheDrop.wanted(
            invalidate: spec.invalidate, loops: spec.loops, timeBased: spec.timeBased, direct: spec.direct,
            random: spec.rw.isRandom, randomMap: config.useRandomMap, files: plan.files.count)
        // A job that syncs its files at the end (end_fsync, fsync_on_close) may find one closed, which fio
        // reopens, dropping its cache again: the drop is then needed even for a single pass.
        let reopensToSync =
            spec.invalidate && !spec.timeBased && job.writes && (spec.endFsync || spec.fsyncOnClose)
        let passCacheDrop =
            (dropsEachPass || reopensToSync) && !fds.isEmpty
            ? PassCacheDrop(
                fds: fds, paths: plan.files.map(\.path),
                regions: plan.files.map { (start: $0.regionStart, length: $0.regionLength) }) : nil
        // A size-bound worker's I/O count sizes its per-I/O logs' first chunk (LogFiles caps it).
        let smallest = max(min(readSizes.minimum, writeSizes.minimum), 1)
        let planned = (plan.bytesPerLoop / smallest).multipliedReportingOverflow(by: UInt64(max(config.loops, 1)))
        let plannedIOs = spec.timeBased ? nil : (planned.overflow ? UInt64.max : planned.partialValue)
        var state = WorkerState(
            config: config, cursors: cursors, readSizes: readSizes, writeSizes: writeSizes,
            buffers: buffers, content: content, stats: WorkerStats(statsConfig), verify: verify,
            passCacheDrop: passCacheDrop, logs: LogFiles.make(for: spec, plannedIOs: plannedIOs),
            closeSyncFds: spec.fsyncOnClose && job.writes ? fds : [], fileDistribution: fileDistribution)
        if spec.flow > 0 { state.flow = flows[spec.flowID] }
        var engineConfig = spec.engineOptions
        engineConfig.iodepth = config.iodepth
        engineConfig.direct = spec.direct
        engineConfig.adviseRandom = spec.fadviseHint == .none ? nil : spec.rw.isRandom
        return WorkerThread(
            plan: plan, engineKind: spec.ioengine, engineConfig: engineConfig, fds: fds, buffers: buffers,
            state: state, cpus: cpus,
            ioPriority: spec.ioPriority == nil && spec.ioPriorityClass == nil
                ? nil : IOPriority.value(class: spec.ioPriorityClass ?? 0, level: spec.ioPriority ?? 0))
    }

    /// fio's `fadvise_hint` (on by default): tell the page cache whether to read ahead, over the job's region
    /// of the file as fio does. Regular files only.
    private func adviseKernel(fd: Int32, spec: JobSpec, offset: UInt64, length: UInt64) {
        let advice: Int32
        switch spec.fadviseHint {
        case .none: return
        case .workload: advice = spec.rw.isRandom ? POSIX_FADV_RANDOM : POSIX_FADV_SEQUENTIAL
        case .sequential: advice = POSIX_FADV_SEQUENTIAL
        case .random: advice = POSIX_FADV_RANDOM
        }
        var info = stat()
        if fstat(fd, &info) == 0 && info.st_mode & S_IFMT == S_IFREG {
            _ = posix_fadvise(fd, off_t(offset), off_t(length), advice)
        }
    }

    private func picker(_ spec: JobSpec, _ direction: IODirection) -> BlockSizePicker {
        if let split = spec.bssplit?[direction], !split.isEmpty { return BlockSizePicker(split: split) }
        if let range = spec.blockSizeRange?[direction], range.min != range.max { return BlockSizePicker(range: range) }
        return BlockSizePicker(fixed: spec.blockSizeRange?[direction].min ?? spec.blockSize[direction])
    }
}
