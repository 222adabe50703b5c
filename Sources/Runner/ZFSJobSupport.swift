import Foundation
import JobFile
import Targets
import ZFS

/// What the runner knows about a job's dataset, from setup to accounting.
final class ZFSJobContext {
    let module: ZFSModuleInfo
    let tools: ZFSTools
    let dataset: String
    /// `direct` and `recordsize` while the job runs.
    var direct: ZFSDirectProperty
    var recordsize: UInt64
    /// e.g. "direct=always (was standard, default)".
    var propertiesSet: [String] = []
    var datasetCreated = false
    var guardWarning: String?
    var notes: [String] = []
    // Taken when the job starts.
    var before: ZFSPoolKstats?
    var eventsBefore: ZpoolEventCounts?
    var filesGrownFromEmpty: UInt64 = 0

    var pool: String { ZFSDatasetName.pool(of: dataset) }

    init(module: ZFSModuleInfo, tools: ZFSTools, dataset: String, direct: ZFSDirectProperty, recordsize: UInt64) {
        self.module = module
        self.tools = tools
        self.dataset = dataset
        self.direct = direct
        self.recordsize = recordsize
    }
}

/// The ZFS side of a run, called from RunSession at three points of each job:
/// `prepare` before the job's targets are set up (scratch pool, dataset, properties, known-crash
/// guard), `jobsStarting` just before the start gate opens (kstat snapshots, kernel-log watch) and
/// `jobFinished` after its workers are joined (deltas, accounting, kernel events).
///
/// Property changes are per job: journaled, then made, and restored when the job is released (also
/// after errors and signals; `diobench cleanup` after a kill). Scratch pools and datasets diobench
/// makes live for the run: later jobs use them too, and they are destroyed at its end.
final class ZFSJobSupport {
    let environment: ZFSRunEnvironment
    let undo: UndoStack
    let journal: UndoJournal?
    let log: @Sendable (String) -> Void
    private var scratchPools: [String: ScratchPoolPlan] = [:]
    private var createdDatasets: Set<String> = []
    private var warnedNoJournal = false
    private var reportedUnavailable = false

    init(
        environment: ZFSRunEnvironment, undo: UndoStack, journal: UndoJournal?,
        log: @escaping @Sendable (String) -> Void
    ) {
        self.environment = environment
        self.undo = undo
        self.journal = journal
        self.log = log
    }

    // MARK: - before the job

    func prepare(_ job: PreparedJob) throws {
        if let options = job.spec.zfs {
            try prepareRequested(job, options: options)
        } else {
            try prepareDetected(job)
        }
    }

    /// A job with zfs_* options: everything it asks for, or a clear refusal.
    private func prepareRequested(_ job: PreparedJob, options: ZFSOptions) throws {
        let spec = job.spec
        let module: ZFSModuleInfo
        do {
            module = try ZFSModuleInfo.read(sysfsPath: environment.sysfsPath)
        } catch {
            guard let fallback = options.fallbackDirectory else {
                defer { reportedUnavailable = true }
                throw ZFSJobError.zfsUnavailable(
                    location: "\(spec.sourceFile):\(spec.sourceLine)", options: options.namesInUse,
                    reason: "\(error)", repeated: reportedUnavailable)
            }
            job.spec.zfs = nil
            useDirectory(fallback, for: job)
            let fs = (try? FileSystemInfo.of(path: fallback))?.typeName ?? "its file system"
            log(
                "warning: job '\(spec.name)': ZFS is not available here (\(error)); running it in \(fallback) on \(fs) "
                    + "without its ZFS parts: no dataset settings, no direct/ARC accounting. To run it on ZFS: diobench lab run \(spec.sourceFile)"
            )
            return
        }
        // What the job alone shows to be the known crash is refused before anything is made.
        let setByJob = options.direct?.property
        let earlyWarning = try checkGuard(job, version: module.version, directNow: nil, setByJob: setByJob)
        let tools = try environment.tools ?? ZFSTools.locate()

        if let pool = options.scratchPool {
            try ensureScratchPool(pool, vdevs: options.scratchVdevs, tools: tools)
        }
        let dataset: String
        if let name = options.dataset {
            if let pool = options.scratchPool, ZFSDatasetName.pool(of: name) != pool {
                throw ZFSError.invalidName(
                    name, reason: "zfs_dataset must be on zfs_scratch_pool=\(pool) (e.g. \(pool)/\(spec.name))")
            }
            if (try? tools.run(ZFSCommands.listDataset(name))) == nil {
                try createDataset(name, options: options, tools: tools)
            }
            dataset = name
        } else if let pool = options.scratchPool {
            dataset = pool
        } else {
            // Found from where the target is, so the target is in it by construction.
            dataset = try ZFSDatasetLocator.dataset(containing: Self.intendedTargetPath(job.spec))
        }
        let properties = try ZFSDatasetProperties(dataset: dataset, tools: tools)
        if options.dataset != nil || options.scratchPool != nil, job.spec.directories.isEmpty {
            let mountpoint = try properties.get(["mountpoint"])["mountpoint"]?.value ?? "none"
            guard mountpoint.hasPrefix("/") else {
                throw ZFSJobError.datasetNotMounted(dataset: dataset, mountpoint: mountpoint)
            }
            useDirectory(mountpoint, for: job)
        }
        let target = Self.intendedTargetPath(job.spec)
        if options.dataset != nil || options.scratchPool != nil, FileTarget.kind(of: target) != .blockDevice {
            let found = try ZFSDatasetLocator.dataset(containing: target)
            guard found == dataset else {
                throw ZFSJobError.targetOutsideDataset(target: target, found: found, wanted: dataset)
            }
        }

        let now = try properties.directAndRecordsize()
        let warning = try checkGuard(
            job, version: module.version, directNow: now.direct, setByJob: setByJob,
            alreadySaid: earlyWarning)
        let context = ZFSJobContext(
            module: module, tools: tools, dataset: dataset, direct: now.direct, recordsize: now.recordsize)
        context.guardWarning = warning
        context.datasetCreated =
            createdDatasets.contains(dataset) || scratchPools[ZFSDatasetName.pool(of: dataset)] != nil
        if let want = setByJob, want != now.direct {
            context.propertiesSet.append(try change("direct", to: want.rawValue, properties: properties, job: job))
            context.direct = want
        }
        if let want = options.recordsize, want != now.recordsize {
            context.propertiesSet.append(try change("recordsize", to: String(want), properties: properties, job: job))
            context.recordsize = want
            if FileTarget.kind(of: target) == .regularFile {
                context.notes.append(
                    "\(target) already exists: recordsize applies to new files, it keeps its block size")
            }
        }
        job.zfs = context
    }

    /// A job without zfs_* options whose target is on ZFS: the guard, and accounting without changes.
    private func prepareDetected(_ job: PreparedJob) throws {
        let path = Self.intendedTargetPath(job.spec)
        guard let dataset = try? ZFSDatasetLocator.dataset(containing: path),
            let module = try? ZFSModuleInfo.read(sysfsPath: environment.sysfsPath)
        else { return }
        let tools = try? environment.tools ?? ZFSTools.locate()
        let settings = tools.flatMap { try? ZFSDatasetProperties(dataset: dataset, tools: $0).directAndRecordsize() }
        // Unknown `direct` on a version with the bug: assume the worst for the guard.
        let directForGuard = settings?.direct ?? (KnownCrashGuard.isAffected(module.version) ? .always : nil)
        let warning = try checkGuard(job, version: module.version, directNow: directForGuard, setByJob: nil)
        guard let tools, let settings else {
            log(
                "job '\(job.spec.name)': \(path) is on ZFS dataset \(dataset), but `zfs get` could not read its settings: no direct/ARC accounting"
            )
            return
        }
        let context = ZFSJobContext(
            module: module, tools: tools, dataset: dataset, direct: settings.direct, recordsize: settings.recordsize)
        context.guardWarning = warning
        context.notes.append("dataset found from \(path) (no zfs_* options: accounting only, nothing changed)")
        job.zfs = context
    }

    /// The known-crash guard for this job; throws its refusal, returns (and logs) its warning.
    @discardableResult
    func checkGuard(
        _ job: PreparedJob, version: ZFSVersion?, directNow: ZFSDirectProperty?,
        setByJob: ZFSDirectProperty?, alreadySaid: String? = nil
    ) throws -> String? {
        let input = Self.guardInput(job.spec, version: version, directNow: directNow, setByJob: setByJob)
        switch KnownCrashGuard.decide(input) {
        case .allow:
            return nil
        case .refuse(let message):
            throw ZFSJobError.refused(message)
        case .warn(let message):
            if message != alreadySaid { log("warning: job '\(job.spec.name)': \(message)") }
            return message
        }
    }

    static func guardInput(
        _ spec: JobSpec, version: ZFSVersion?, directNow: ZFSDirectProperty?,
        setByJob: ZFSDirectProperty?
    ) -> KnownCrashGuard.Input {
        KnownCrashGuard.Input(
            version: version, targetIsLoopDevice: spec.loop != nil, loopDirectIO: spec.loop?.directIO ?? false,
            datasetDirectNow: directNow,
            datasetDirectSetByJob: setByJob,
            ioUringFixedBuffers: spec.engineOptions.fixedBuffers,
            oDirect: spec.direct, userOverride: spec.zfs?.allowKnownCrash ?? false)
    }

    // MARK: - changes, each journaled before it is made

    private func ensureScratchPool(_ name: String, vdevs specs: [String], tools: ZFSTools) throws {
        let vdevs = try specs.map(ScratchVdev.parse)
        if let made = scratchPools[name] {
            guard made.vdevs == vdevs else { throw ZFSJobError.scratchPoolMismatch(name: name) }
            return
        }
        // Someone else's pool of that name is never touched (the undo would destroy it).
        if (try? tools.run(ZFSCommands.listPool(name))) != nil { throw ZFSError.poolExists(name: name) }
        let plan = try ScratchPoolPlan(
            name: name, vdevs: vdevs,
            workDirectory: "\(environment.scratchDirectory)/diobench-scratch-\(name)-\(getpid())")
        try journaled(plan.undo, tools: tools) { try plan.create(tools: tools) }
        scratchPools[name] = plan
        log(
            "scratch pool \(name) on \(plan.vdevPaths.joined(separator: ", ")), mounted at \(plan.mountpoint); destroyed at the end of the run"
        )
    }

    private func createDataset(_ name: String, options: ZFSOptions, tools: ZFSTools) throws {
        let plan = try ZFSDatasetPlan(name: name, direct: options.direct?.property, recordsize: options.recordsize)
        try journaled(plan.undo, tools: tools) { try plan.create(tools: tools) }
        createdDatasets.insert(name)
        let props = plan.properties.map { "\($0.name)=\($0.value)" }.joined(separator: ", ")
        log("dataset \(name) created for this run\(props.isEmpty ? "" : " (\(props))"); destroyed at its end")
    }

    /// Sets a property for one job: the undo is journaled first and runs when the job is released.
    private func change(_ property: String, to value: String, properties: ZFSDatasetProperties, job: PreparedJob) throws
        -> String
    {
        let change = try properties.prepareSet(property, to: value)
        job.undoTokens.append(try journaled(change.undo, tools: properties.tools) { try properties.apply(change) })
        return "\(property)=\(value) (was \(change.previous.value), \(change.previous.source))"
    }

    /// Journals how to undo `action`'s change, then makes it; a change that fails is undone (and its
    /// journal entry dropped) at once. The token undoes it later.
    @discardableResult
    private func journaled(_ action: ZFSUndoAction, tools: ZFSTools, make: () throws -> Void) throws -> UndoStack.Token
    {
        let token = try record(action, tools: tools)
        do {
            try make()
        } catch {
            undo.undo(token)
            throw error
        }
        return token
    }

    private func record(_ action: ZFSUndoAction, tools: ZFSTools) throws -> UndoStack.Token {
        var entry: UndoEntryID?
        if let journal {
            entry = try journal.append(try action.journalAction)
        } else if !warnedNoJournal {
            warnedNoJournal = true
            log("warning: no undo journal: if diobench is killed, `diobench cleanup` cannot undo: \(action)")
        }
        return undo.push(action.description, journalEntry: entry) { try action.undo(tools: tools) }
    }

    // MARK: - paths

    /// diobench picked the directory (the dataset's mountpoint, or the fallback without ZFS):
    /// relative and generated file names and a relative loop_backing all go there.
    private func useDirectory(_ directory: String, for job: PreparedJob) {
        job.spec.directories = [directory]
        if var loop = job.spec.loop, !loop.backingFile.hasPrefix("/") {
            loop.backingFile = (directory as NSString).appendingPathComponent(loop.backingFile)
            job.spec.loop = loop
        }
    }

    /// The file the job will do I/O to (a loop device's backing file), as an absolute path,
    /// before planning: its first file name, or fio's generated name in its directory.
    static func intendedTargetPath(_ spec: JobSpec) -> String {
        let cwd = FileManager.default.currentDirectoryPath
        func absolute(_ path: String) -> String {
            path.hasPrefix("/") ? path : (cwd as NSString).appendingPathComponent(path)
        }
        if let loop = spec.loop { return absolute(loop.backingFile) }
        let directory = spec.directories.first
        let name = spec.filenames.first ?? spec.generatedFileName(clone: 0, file: 0)
        if name.hasPrefix("/") { return name }
        return absolute(directory.map { ($0 as NSString).appendingPathComponent(name) } ?? name)
    }
}
