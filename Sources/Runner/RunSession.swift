import Dispatch
import Foundation
import JobFile
import Stats
import Targets
import Vocabulary
import SystemCalls

public let diobenchVersion = "0.1.0"

/// How a run is carried out, beyond what the job files say.
public struct RunOptions: Sendable {
    /// Live progress on stderr (the CLI turns it on for a terminal).
    public var showProgress = false
    /// fio's --readonly: files are never created or extended for a job.
    public var readOnly = false
    /// Start a new status line after this long instead of rewriting one (fio's --eta-newline).
    public var progressNewlineNs: UInt64?
    /// Where loop devices and other changes are journaled for `diobench cleanup` (nil: no journal).
    public var journalDirectory: String? = RunDirectories.journal
    public var commandLine: [String] = CommandLine.arguments
    /// Messages for the user (warnings, what was undone); the CLI sends them to stderr.
    public var log: @Sendable (String) -> Void = {
        FileHandle.standardError.write(Data(("diobench: " + $0 + "\n").utf8))
    }
    /// Where ZFS and the kernel log are found (tests substitute their own).
    public var zfs = ZFSRunEnvironment()
    /// Watch /dev/kmsg for a kernel crash while jobs are set up and run (KernelCrashWatch).
    public var watchKernelCrashes = true
    /// Called once, on the crash watch's thread, with the results when a job crashed the kernel. Its workers
    /// may be stuck in the kernel for good, so the CLI writes everything and `_exit`s here; when it returns
    /// (tests), `run()` returns the same outcome without undoing anything.
    public var onKernelCrash: (@Sendable (RunOutcome) -> Void)?
    public init() {}
}

/// What a run produced: the results (also when it was interrupted) and the exit status it earned.
public struct RunOutcome: Sendable {
    public var result: RunResult
    /// 0: all jobs ran clean; 1: I/O errors or a job failed; 2: a job was refused; 4: a job crashed the
    /// kernel (`kernelCrashStatus`); 128+N: stopped by signal N.
    public var exitStatus: Int32
    public var interrupted: Bool
    /// Jobs during which the kernel crashed, by name.
    public var crashedJobs: [String] = []

    /// The exit status of a run during which a job crashed the kernel.
    public static let kernelCrashStatus: Int32 = 4
}

/// Runs parsed jobs the way fio does: jobs start together unless `stonewall` (or `wait_for`) makes
/// them wait; each job's workers are threads that set up, start at one gate, and are merged after.
/// Everything the run changes goes on an undo stack, undone on success, error and signal alike.
public final class RunSession: @unchecked Sendable {
    let parsed: ParsedJobFile
    let options: RunOptions
    let control = RunControl()
    private let undo: UndoStack
    private let journal: UndoJournal?
    private let zfs: ZFSJobSupport
    private var running: [PreparedJob] = []
    private let runningLock = NSLock()
    private var hardStop = false
    /// Workers planned by the phases before this one: fio numbers its jobs over the whole run
    /// (cpus_allowed_policy=split hands out CPUs by that number).
    private var workersInEarlierPhases = 0
    /// Steady-state blocks by the first worker of their `jobs[]` entry.
    private var steadyReports: [ObjectIdentifier: SteadyStateReport] = [:]
    /// Reads the kernel log for a crash while the run goes on (nil: not root, or turned off).
    private var crashWatch: KernelCrashWatch?
    /// Taken by the main thread for each step that changes a job after it ran, and by the crash watch to end
    /// the run: after a crash only the watch's thread touches the jobs.
    private let crashLock = NSLock()
    private var crashOutcome: RunOutcome?
    /// Every job of the run (the crash watch builds the results from them).
    private var allJobs: [PreparedJob] = []
    /// The job being set up now (under runningLock), and a count of setup and join steps: the crash
    /// watch's sign that the run moves.
    private var settingUp: PreparedJob?
    private var steps: UInt64 = 0
    /// flow: every job's weight counts from the start, as in fio.
    private lazy var flows = FlowGroup.groups(for: parsed.jobs)

    public init(parsed: ParsedJobFile, options: RunOptions = RunOptions()) {
        self.parsed = parsed
        self.options = options
        let needsJournal = parsed.jobs.contains { $0.loop != nil || $0.zfs != nil }
        journal = needsJournal ? options.journalDirectory.flatMap { try? UndoJournal(directory: $0) } : nil
        // Failed undo steps are reported from their outcomes; successful ones need no words.
        undo = UndoStack(journal: journal)
        zfs = ZFSJobSupport(environment: options.zfs, undo: undo, journal: journal, log: options.log)
    }

    /// Runs every job; never throws: setup failures become failed jobs in the results.
    public func run() -> RunOutcome {
        SignalWatcher.shared.onSignal { [weak self] signal, count in self?.signalled(signal, count: count) }
        let jobs = parsed.jobs.enumerated().map { PreparedJob(index: $0.offset, spec: $0.element) }
        allJobs = jobs
        startCrashWatch()
        for phase in phases(of: jobs) {
            if control.stopRequested || crashed { break }
            runPhase(phase)
        }
        crashWatch?.stop()
        crashLock.lock()
        let crashOutcome = self.crashOutcome
        crashLock.unlock()
        // After a crash the undo steps would block on the dead device; they stay in the journal.
        if let crashOutcome { return crashOutcome }
        let outcomes = undo.undoAll()
        for outcome in outcomes where !outcome.succeeded { options.log("cleanup: \(outcome.description)") }
        return finish(jobs)
    }

    private func signalled(_ signal: Int32, count: Int) {
        control.requestStop()
        runningLock.lock()
        let jobs = running
        if count >= 2 { hardStop = true }
        runningLock.unlock()
        let name = signal == SIGINT ? "SIGINT" : signal == SIGTERM ? "SIGTERM" : "signal \(signal)"
        options.log(
            count == 1
                ? "\(name): stopping the workers; partial results follow (again to stop waiting)"
                : "\(name) again: not waiting for in-flight I/O; cleaning up")
        for job in jobs { for worker in job.workers { worker.interrupt() } }
    }

    /// fio's ordering: a job with `stonewall` waits for every job before it; `wait_for` is treated the
    /// same way when its target is in the current phase (it then waits for that phase).
    func phases(of jobs: [PreparedJob]) -> [[PreparedJob]] {
        var phases: [[PreparedJob]] = []
        var current: [PreparedJob] = []
        for job in jobs {
            let waits =
                job.spec.stonewall
                || (job.spec.waitFor.map { name in current.contains { $0.spec.name == name } } ?? false)
            if waits && !current.isEmpty {
                phases.append(current)
                current = []
            }
            current.append(job)
        }
        if !current.isEmpty { phases.append(current) }
        return phases
    }

    private func runPhase(_ phase: [PreparedJob]) {
        let workerCount = phase.reduce(0) { $0 + $1.spec.numjobs }
        // Monitored jobs publish progress for the monitor, shown or not.
        // The crash watch reads them too: a stuck job's I/O stops completing.
        let board =
            options.showProgress || phase.contains(where: \.isMonitored) || crashWatch != nil
            ? ProgressBoard(workers: workerCount) : nil
        var preparer = JobPreparer(undo: undo, journal: journal, log: options.log)
        preparer.readOnly = options.readOnly
        preparer.flows = flows
        var offset = 0
        defer { workersInEarlierPhases += workerCount }
        var ready: [PreparedJob] = []
        for job in phase {
            // Stopped during setup: set up nothing more (what was set up is undone below).
            if control.stopRequested { break }
            settingUpStep(job)
            var setupError: Error?
            do {
                try JobPreparer.checkRunnable(job)
                try zfs.prepare(job)
                try preparer.prepare(
                    job, progress: board, progressOffset: offset, firstWorkerNumber: workersInEarlierPhases + offset)
            } catch {
                setupError = error
            }
            settingUpStep(nil)
            crashLock.lock()
            defer { crashLock.unlock() }
            if crashOutcome != nil { return }
            if setupError == nil {
                ready.append(job)
            } else if let error = setupError {
                job.failure = "job '\(job.spec.name)': \(error)"
                job.failureErrno = (error as? FileTargetError)?.errno ?? 0
                // The known-crash guard refuses as the write guard does (JobPreparer sets it for that one).
                if case .refused = error as? ZFSJobError { job.refused = true }
                options.log(job.failure!)
                release(job)
            }
            offset += job.spec.numjobs
        }
        guard !ready.isEmpty else { return }
        runningLock.lock()
        running = ready
        runningLock.unlock()

        control.beginPhase()
        let gate = StartGate(count: ready.reduce(0) { $0 + $1.workers.count })
        let views = controlViews(ready)
        var started: [WorkerThread] = []
        for job in ready {
            for worker in job.workers {
                do {
                    try worker.start(gate: gate, control: views[ObjectIdentifier(worker)] ?? control)
                    started.append(worker)
                } catch {
                    job.failure = "job '\(job.spec.name)': \(error)"
                    gate.standIn(failed: true)  // for the thread that never came; the gate opens below
                }
            }
        }
        zfs.jobsStarting(ready)
        // A crash report already in the log belongs to the setup (udev's probe of a new loop device).
        crashWatch?.poll()
        let now = monotonicNanoseconds()
        for job in ready { job.startedAtNs = now }
        let monitor = makeMonitor(ready, views: views, startNs: now)
        let allReady = gate.open(unlessStopped: control)
        let progress =
            options.showProgress
            ? board.map {
                ProgressPrinter(board: $0, jobs: ready, control: control, newlineEveryNs: options.progressNewlineNs)
            } : nil
        progress?.start()
        if monitor.isNeeded { monitor.start() }
        for job in ready {
            for worker in job.workers { waitFor(worker) }
            job.finishedAtNs = monotonicNanoseconds()
        }
        crashLock.lock()
        defer { crashLock.unlock() }
        if crashOutcome != nil {
            progress?.stop()
            if monitor.isNeeded { monitor.stop() }
            return
        }
        if ready.allSatisfy({ $0.workers.allSatisfy(\.isJoined) }) { crashWatch?.phaseSurvived() }
        progress?.stop()
        if monitor.isNeeded { monitor.stop() }
        collect(monitor, ready)
        runningLock.lock()
        running = []
        runningLock.unlock()
        for job in ready {
            if !allReady && job.failure == nil && control.stopRequested
                && job.workers.allSatisfy({ $0.setupError == nil })
            {
                job.failure = "job '\(job.spec.name)': not started: the run was stopped by a signal during setup"
                job.failureErrno = EINTR
            } else if !allReady && job.failure == nil {
                let reasons = job.workers.compactMap(\.setupError)
                job.failure =
                    reasons.isEmpty
                    ? "job '\(job.spec.name)': not started (another job failed to set up)"
                    : "job '\(job.spec.name)': \(reasons[0])"
                options.log(job.failure!)
            }
            explainFatalErrors(job)
            // Workers that never passed the gate did no I/O: fio would not have run them either.
            if allReady { writeLogs(job) }
            for line in job.noteVerifyFailures() { options.log(line) }
            zfs.jobFinished(job)
            release(job)
        }
    }

    // MARK: - kernel crash

    private var crashed: Bool {
        crashLock.lock()
        defer { crashLock.unlock() }
        return crashOutcome != nil
    }

    /// The job now being set up (nil: none); each call is a step the crash watch sees as progress.
    private func settingUpStep(_ job: PreparedJob?) {
        runningLock.lock()
        defer { runningLock.unlock() }
        if let job { job.setupStartedAtNs = monotonicNanoseconds() }
        settingUp = job
        steps &+= 1
    }

    private func startCrashWatch() {
        guard options.watchKernelCrashes,
            let watch = KernelCrashWatch(
                kmsgPath: options.zfs.kmsgPath, fromPrograms: options.zfs.kernelEventsFromPrograms)
        else { return }
        crashWatch = watch
        watch.start(progress: { [weak self] in self?.progressToken() ?? 0 }) { [weak self] oops, seenNs in
            self?.kernelCrashed(oops, seenNs: seenNs)
        }
    }

    /// Changes while anything moves: setup steps, workers joined, I/Os completed (as the progress slots show).
    private func progressToken() -> UInt64 {
        runningLock.lock()
        defer { runningLock.unlock() }
        var token = steps
        for job in running {
            for worker in job.workers {
                if worker.isJoined { token &+= 1 << 40 }
                guard let slot = worker.progressSlot else { continue }
                let ios = slot.snapshot().ios
                token &+= ios.0 &+ ios.1 &+ ios.2
            }
        }
        return token
    }

    /// On the crash watch's thread: the jobs being set up or still running crashed. They get the report,
    /// the results are built from what the jobs did so far, and `onKernelCrash` gets them.
    private func kernelCrashed(_ oops: KernelOops, seenNs: UInt64) {
        crashLock.lock()
        runningLock.lock()
        let victims = settingUp.map { [$0] } ?? running.filter { !$0.workers.allSatisfy(\.isJoined) }
        runningLock.unlock()
        guard crashOutcome == nil, !victims.isEmpty else {
            crashLock.unlock()
            options.log("the kernel crashed (\(oops.summary(frames: 3))) while no job was running")
            return
        }
        let skipped = undo.pendingDescriptions
        for job in victims {
            let inSetup = job.startedAtNs == 0 || seenNs < job.startedAtNs
            let from = inSetup ? job.setupStartedAtNs : job.startedAtNs
            let done = Self.completedSoFar(job.workers)
            let ios = done.read.ios &+ done.write.ios &+ done.trim.ios
            job.crash = KernelCrash(
                oops: oops, phase: inSetup ? .setup : .io,
                secondsIntoJob: Double(seenNs > from ? seenNs - from : 0) / 1e9,
                undoSkipped: skipped.isEmpty ? nil : skipped, iosCompleted: inSetup ? 0 : ios)
            job.failure = "job '\(job.spec.name)': CRASHED the kernel: \(oops.summary(frames: 3))"
            job.failureErrno = EIO
            if let events = try? job.kernelLog?.readNew().events, !events.isEmpty {
                job.extensions.kernelEvents = (job.extensions.kernelEvents ?? []) + events
            }
            options.log(job.failure!)
        }
        for step in skipped {
            options.log(
                "not undone: \(step) (it would block on the dead device; run `diobench cleanup` after a reboot)")
        }
        // Jobs after the crash never started: they are left out, as jobs of a run that ended there. (Before
        // the stop below: the jobs that finished were not stopped early.)
        let outcome = finish(allJobs.filter { $0.setupStartedAtNs != 0 || $0.failure != nil }, kernelCrashed: true)
        control.requestStop()
        crashOutcome = outcome
        // Under the lock: the main thread, which may be waiting for it, must not return first (tests).
        options.onKernelCrash?(outcome)
        crashLock.unlock()
        // Still here (tests): wake what sleeps so that the main thread's waits end.
        for job in victims { for worker in job.workers { worker.interrupt() } }
    }

    /// I/Os and bytes per direction the workers last published (their progress slots): all that can be read
    /// of a worker stuck in the kernel.
    static func completedSoFar(_ workers: [WorkerThread]) -> (
        read: (ios: UInt64, bytes: UInt64), write: (ios: UInt64, bytes: UInt64), trim: (ios: UInt64, bytes: UInt64)
    ) {
        var out:
            (
                read: (ios: UInt64, bytes: UInt64), write: (ios: UInt64, bytes: UInt64),
                trim: (ios: UInt64, bytes: UInt64)
            ) =
                ((0, 0), (0, 0), (0, 0))
        for worker in workers {
            guard let snapshot = worker.progressSlot?.snapshot() else { continue }
            out.read.ios &+= snapshot.ios.0
            out.read.bytes &+= snapshot.bytes.0
            out.write.ios &+= snapshot.ios.1
            out.write.bytes &+= snapshot.bytes.1
            out.trim.ios &+= snapshot.ios.2
            out.trim.bytes &+= snapshot.bytes.2
        }
        return out
    }

    /// Each worker of a monitored job gets its own view of the run's control, so the monitor can end it alone
    /// (`RunControl.jobBits` of them per phase; workers past that share the run's control and are not ended).
    private func controlViews(_ jobs: [PreparedJob]) -> [ObjectIdentifier: RunControl] {
        var views: [ObjectIdentifier: RunControl] = [:]
        var bit = 0
        for job in jobs where job.isMonitored {
            for worker in job.workers where bit < RunControl.jobBits {
                views[ObjectIdentifier(worker)] = control.forJob(slot: bit)
                bit += 1
            }
        }
        if bit == RunControl.jobBits && jobs.filter(\.isMonitored).reduce(0, { $0 + $1.workers.count }) > bit {
            options.log("steadystate/rate_min: only the first \(bit) monitored workers of a phase can be ended early")
        }
        return views
    }

    /// The phase's monitor: a steady-state unit per `jobs[]` entry (each worker, or each group with
    /// group_reporting, as fio's steadystate_setup groups them) and a rate floor per worker.
    private func makeMonitor(_ jobs: [PreparedJob], views: [ObjectIdentifier: RunControl], startNs: UInt64)
        -> PhaseMonitor
    {
        func view(_ worker: WorkerThread) -> RunControl { views[ObjectIdentifier(worker)] ?? control }
        var steady: [PhaseMonitor.SteadyUnit] = []
        var floors: [PhaseMonitor.FloorUnit] = []
        var index = 0
        while index < jobs.count {
            let job = jobs[index]
            let group =
                job.spec.groupReporting ? Array(jobs[index...].prefix { $0.spec.group == job.spec.group }) : [job]
            index += group.count
            let units = job.spec.groupReporting ? [group.flatMap(\.workers)] : job.workers.map { [$0] }
            if let options = group.last?.spec.steadyState, options.isOn {
                for workers in units where !workers.isEmpty {
                    steady.append(
                        .init(
                            workers: workers, slots: workers.compactMap(\.progressSlot), controls: workers.map(view),
                            tracker: SteadyStateTracker(options: options, startNs: startNs)))
                }
            }
            for member in group where member.spec.rateFloor.isOn {
                for worker in member.workers {
                    guard let slot = worker.progressSlot else { continue }
                    floors.append(.init(job: member, slot: slot, control: view(worker), floor: member.spec.rateFloor))
                }
            }
        }
        return PhaseMonitor(steady: steady, floors: floors, startNs: startNs)
    }

    /// After the phase: missed rate floors fail their jobs (EIO, as fio's check_min_rate), and the
    /// steady-state blocks wait for the report.
    private func collect(_ monitor: PhaseMonitor, _ jobs: [PreparedJob]) {
        for (job, message) in monitor.missedFloors where job.failure == nil {
            job.failure = message
            job.failureErrno = EIO
            options.log(message)
        }
        for job in jobs {
            for worker in job.workers {
                if let report = monitor.report(firstWorker: worker) { steadyReports[ObjectIdentifier(worker)] = report }
            }
        }
    }

    /// fio's log files of the job's joined workers (also after a signal: the partial run's lines).
    private func writeLogs(_ job: PreparedJob) {
        for (index, worker) in job.workers.enumerated() where worker.isJoined {
            guard let logs = worker.state.logs else { continue }
            for problem in LogFiles.write(logs, spec: job.spec, number: job.firstWorkerNumber + index + 1) {
                options.log(problem)
            }
        }
    }

    /// Joins a worker; after a second signal, gives up waiting (the I/O it is stuck in belongs to the kernel).
    private func waitFor(_ worker: WorkerThread) {
        while !worker.join(timeoutNs: 200_000_000) {
            // (crashLock before runningLock, as the crash watch takes them, never the other way round)
            if crashed { return }
            runningLock.lock()
            let giveUp = hardStop
            runningLock.unlock()
            if giveUp { return }
        }
    }

    /// Closes what the job opened, then undoes what was set up for it (loop device, …), newest first.
    private func release(_ job: PreparedJob) {
        for worker in job.workers { worker.releaseResources() }
        if job.spec.unlink {
            for path in job.paths where FileTarget.kind(of: path) == .regularFile {
                try? FileTarget.unlink(path: path, ignoreMissing: true)
            }
        }
        for token in job.undoTokens.reversed() {
            if let outcome = undo.undo(token), !outcome.succeeded {
                options.log("job '\(job.spec.name)': cleanup: \(outcome.description): \(outcome.message)")
            }
        }
        job.undoTokens = []
    }

    /// Turns the first error that stopped one of the job's workers into a sentence that says what to change.
    private func explainFatalErrors(_ job: PreparedJob) {
        guard job.failure == nil else { return }
        for worker in job.joinedWorkers {
            switch worker.state.stop {
            case .ioFailed(let failure):
                explain(failure, of: worker, in: job)
            case .engineFailed(let failure):
                // Not any one I/O's error: the engine's own call (e.g. io_uring_enter) failed.
                let what = failure.call == .submit ? "submitting I/O" : "waiting for completions"
                job.failure =
                    "job '\(job.spec.name)': the \(job.spec.ioengine.rawValue) engine failed \(what): "
                    + ErrnoNames.describe(failure.errno)
                job.failureErrno = failure.errno
                options.log(job.failure!)
            case .finished, .stopped, .verifyFailed:
                continue
            }
            return
        }
    }

    private func explain(_ failure: IOFailure, of worker: WorkerThread, in job: PreparedJob) {
        let path =
            failure.fileIndex >= 0 && Int(failure.fileIndex) < worker.plan.files.count
            ? worker.plan.files[Int(failure.fileIndex)].path : job.paths.first ?? "?"
        let op = failure.direction == .read ? "read" : "write"
        var message =
            "\(op) of \(failure.length) bytes at offset \(failure.offset) of \(path) failed: \(ErrnoNames.describe(failure.errno))"
        if failure.errno == EINVAL && job.spec.direct {
            if let loop = job.loopDevice,
                let explained = loop.explainDirectIOFailure(
                    errno: failure.errno, offset: failure.offset, length: failure.length,
                    bufferAddress: failure.bufferAddress)
            {
                message = explained.description
            } else if let alignment = job.alignments[path] {
                message = alignment.explainFailure(
                    operation: op, errno: failure.errno,
                    bufferAddress: failure.bufferAddress, offset: failure.offset, length: failure.length)
            }
        }
        job.failure = "job '\(job.spec.name)': \(message)"
        job.failureErrno = failure.errno
        options.log(job.failure!)
    }

    private func finish(_ jobs: [PreparedJob], kernelCrashed: Bool = false) -> RunOutcome {
        let interrupted = control.stopRequested
        var entries: [JobResult] = []
        var anyErrors = false
        var index = 0
        while index < jobs.count {
            let job = jobs[index]
            let group = jobs[index...].prefix { $0.spec.group == job.spec.group }
            if job.spec.groupReporting {
                entries.append(entry(for: Array(group), interrupted: interrupted))
                index += group.count
            } else {
                if job.workers.isEmpty {
                    entries.append(entry(for: [job], interrupted: interrupted))
                } else {
                    for worker in job.workers {
                        entries.append(entry(for: [job], workers: [worker], interrupted: interrupted))
                    }
                }
                index += 1
            }
        }
        for job in jobs {
            if job.failure != nil { anyErrors = true }
            for worker in job.joinedWorkers where worker.state.stats.errors.total > 0 { anyErrors = true }
        }
        var result = RunResult(
            fioVersion: "diobench-\(diobenchVersion)", jobs: entries,
            globalOptions: FioOptionList(written: parsed.globalOptions))
        result.diobench = RunExtension(
            version: diobenchVersion, environment: RunEnvironment.current(),
            commandLine: options.commandLine, jobFiles: parsed.files,
            partial: interrupted || kernelCrashed ? true : nil)
        let refused = jobs.contains { $0.refused }
        var status: Int32 = interrupted ? (SignalWatcher.shared.exitStatus ?? 1) : refused ? 2 : (anyErrors ? 1 : 0)
        if kernelCrashed { status = RunOutcome.kernelCrashStatus }
        var outcome = RunOutcome(result: result, exitStatus: status, interrupted: interrupted && !kernelCrashed)
        outcome.crashedJobs = jobs.filter { $0.crash != nil }.map(\.spec.name)
        return outcome
    }

    /// One fio `jobs[]` entry: a single worker, or (group_reporting) all workers of the given jobs.
    private func entry(for group: [PreparedJob], workers chosen: [WorkerThread]? = nil, interrupted: Bool) -> JobResult
    {
        let first = group[0]
        // A worker still running after a second signal (stuck in the kernel) is left out: its state is its own.
        let members = chosen ?? group.flatMap(\.workers)
        let crash = group.lazy.compactMap(\.crash).first
        let workers = members.filter(\.isJoined)
        var stats = WorkerStats.merged(workers.map(\.state.stats)) ?? WorkerStats()
        if crash != nil {
            // After a kernel crash the I/O loop never hands its state back: what it did so far is the counts
            // it last published (every 100 ms, and before a thinktime sleep).
            let done = Self.completedSoFar(members.filter { !$0.isJoined })
            stats.read.ios &+= done.read.ios
            stats.read.bytes &+= done.read.bytes
            stats.write.ios &+= done.write.ios
            stats.write.bytes &+= done.write.bytes
            stats.trim.ios &+= done.trim.ios
            stats.trim.bytes &+= done.trim.bytes
        }
        stats.discardLatencies(slat: first.spec.disableSlat, clat: first.spec.disableClat, lat: first.spec.disableLat)
        var settings = JobReportSettings()
        settings.percentileList = first.spec.percentileList
        settings.clatPercentiles = first.spec.clatPercentiles
        settings.latPercentiles = first.spec.latPercentiles
        settings.slatPercentiles = first.spec.slatPercentiles
        settings.iodepth = first.spec.iodepth
        settings.latencyTargetNs = first.spec.latencyTarget.targetNs
        settings.latencyWindowNs = first.spec.latencyTarget.windowNs
        settings.latencyPercentile = first.spec.latencyTarget.percentile
        settings.description = first.spec.description
        settings.continueOnError = first.spec.continueOnError != .none
        settings.fileNames = members.first?.plan.files.map(\.path) ?? first.paths
        var extensions = first.extensions
        extensions.targets = group.flatMap(\.targets)
        let failure = group.compactMap(\.failure).first
        extensions.errorMessage = failure
        let stoppedEarly = interrupted || crash != nil || workers.contains { $0.state.stoppedBySignal }
        if stoppedEarly { extensions.partial = true }
        if let crash {
            extensions.crash = crash
            extensions.status = "crashed"
        }
        extensions.verify = .merged(
            group.compactMap { job in
                job.verifyReport(workers: job.workers.filter { w in workers.contains { $0 === w } })
            })
        let error = group.first { $0.failure != nil }?.failureErrno ?? 0
        var result = JobResult(
            name: first.spec.name, groupID: first.spec.group, stats: stats, settings: settings,
            options: FioOptionList(written: first.spec.writtenOptions), extensions: extensions,
            error: failure != nil && error == 0 ? EIO : error)
        result.steadystate = members.first.flatMap { steadyReports[ObjectIdentifier($0)] }
        return result
    }
}

extension FioOptionList {
    /// fio's "job options"/"global options": options as written, in file order; bare flags are left out as fio does.
    init(written: [WrittenOption]) {
        self.init(written.compactMap { option in option.value.map { (name: option.name, value: $0) } })
    }
}
