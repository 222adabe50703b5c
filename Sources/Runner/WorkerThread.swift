import Dispatch
import Engines
import JobFile
import Stats
#if canImport(Glibc)
import Glibc
#endif

/// One worker on its own POSIX thread. The thread creates its engine (io_uring rings are
/// single-issuer: the thread that submits must create them), reports ready at the start gate,
/// waits for the go, runs the I/O loop, and closes the engine. Buffers, slots and stats are
/// set up before the thread starts and read back after it is joined: one owner at a time.
final class WorkerThread: @unchecked Sendable {
    let plan: WorkerPlan
    let engineKind: EngineKind
    let engineConfig: EngineConfig
    let fds: [Int32]
    let buffers: AlignedBufferPool
    /// cpus_allowed: the CPUs this thread pins itself to before it makes its engine; empty: no pinning.
    let cpus: [Int]
    /// prio/prioclass: the I/O priority this thread sets for itself before it makes its engine.
    let ioPriority: Int32?
    var state: WorkerState
    /// The worker's live counters (nil when nothing reads them), kept apart from `state`, which its thread owns.
    let progressSlot: ProgressSlot?
    private(set) var setupError: String?
    /// Guards `thread`: the signal thread interrupts while the main thread starts and joins.
    private let threadLock = DispatchSemaphore(value: 1)
    private var thread: pthread_t?
    private var finished = DispatchSemaphore(value: 0)
    private var released = false

    init(
        plan: WorkerPlan, engineKind: EngineKind, engineConfig: EngineConfig, fds: [Int32], buffers: AlignedBufferPool,
        state: WorkerState, cpus: [Int] = [], ioPriority: Int32? = nil
    ) {
        self.plan = plan
        self.cpus = cpus
        self.ioPriority = ioPriority
        self.engineKind = engineKind
        self.engineConfig = engineConfig
        self.fds = fds
        self.buffers = buffers
        self.state = state
        progressSlot = state.stats.progress
    }

    /// Starts the thread; it arrives at `gate` once its engine is ready (or failed).
    func start(gate: StartGate, control: RunControl) throws {
        let context = Unmanaged.passRetained(ThreadContext(worker: self, gate: gate, control: control)).toOpaque()
        var tid = pthread_t()
        let rc = pthread_create(
            &tid, nil,
            { raw in
                let context = Unmanaged<ThreadContext>.fromOpaque(raw!).takeRetainedValue()
                context.worker.main(gate: context.gate, control: context.control)
                return nil
            }, context)
        guard rc == 0 else {
            Unmanaged<ThreadContext>.fromOpaque(context).release()
            throw PlanError(description: "cannot start a worker thread: \(String(cString: strerror(rc)))")
        }
        threadLock.wait()
        thread = tid
        threadLock.signal()
    }

    /// Wakes the thread if it sleeps in `sleepUntil` (start_delay, rate pacing): the signal handler does
    /// nothing, clock_nanosleep returns early and the loop sees the stop flag. A read, write or io_uring
    /// wait the signal interrupts is retried by the engine (see IOEngine), so a worker in I/O sees the
    /// flag once that I/O completes. Never signals a joined thread: its id may already name another thread.
    func interrupt() {
        threadLock.wait()
        defer { threadLock.signal() }
        if let thread { pthread_kill(thread, SIGUSR1) }
    }

    /// The thread was never started or has been joined: its state is the caller's again.
    var isJoined: Bool {
        threadLock.wait()
        defer { threadLock.signal() }
        return thread == nil
    }

    /// Waits for the thread; false when `timeoutNs` passed first.
    func join(timeoutNs: UInt64? = nil) -> Bool {
        threadLock.wait()
        let started = thread != nil
        threadLock.signal()
        guard started else { return true }
        // Wait without the lock (a signal may interrupt meanwhile); once `finished` is signalled the
        // thread is leaving, so pthread_join under the lock returns at once.
        if let timeoutNs {
            if finished.wait(timeout: .now() + .nanoseconds(Int(timeoutNs))) == .timedOut { return false }
        } else {
            finished.wait()
        }
        finished.signal()
        threadLock.wait()
        defer { threadLock.signal() }
        if let thread { pthread_join(thread, nil) }
        thread = nil
        return true
    }

    /// Closes the worker's files and frees its slots, cursors and size tables, once, after the thread
    /// was joined (or never started). Its statistics, error and verify findings stay readable.
    func releaseResources() {
        guard isJoined, !released else { return }
        released = true
        for fd in fds { close(fd) }
        state.deallocate()
    }

    private func main(gate: StartGate, control: RunControl) {
        defer { finished.signal() }
        if !cpus.isEmpty, let problem = CPUAffinity.pinCallingThread(to: cpus) {
            setupError = problem
            _ = gate.arrive(ready: false)
            return
        }
        // As fio: before the engine is made (io_uring's and libaio's kernel contexts take it from the thread).
        if let ioPriority, let problem = IOPriority.setCallingThread(ioPriority) {
            setupError = problem
            _ = gate.arrive(ready: false)
            return
        }
        // The one place that names engine types: each case instantiates the I/O loop for one of them.
        switch engineKind {
        case .psync: run(PsyncEngine.self, gate: gate, control: control)
        case .sync: run(SyncEngine.self, gate: gate, control: control)
        case .null where engineConfig.iodepth > 1: run(QueuedNullEngine.self, gate: gate, control: control)
        case .null: run(NullEngine.self, gate: gate, control: control)
        case .ioUring: run(IOUringEngine.self, gate: gate, control: control)
        case .libaio: run(LibaioEngine.self, gate: gate, control: control)
        case .pvsync: run(PvsyncEngine.self, gate: gate, control: control)
        case .pvsync2: run(Pvsync2Engine.self, gate: gate, control: control)
        case .posixaio: run(PosixAIOEngine.self, gate: gate, control: control)
        case .mmap: run(MmapEngine.self, gate: gate, control: control)
        default: preconditionFailure("engine '\(engineKind)' is in EngineCatalog.all but has no case here")
        }
    }

    private func run<E: DescribedEngine>(_: E.Type, gate: StartGate, control: RunControl) {
        var engine: E
        do {
            engine = try E(files: fds, buffers: buffers, config: engineConfig)
        } catch {
            setupError = error.message
            _ = gate.arrive(ready: false)
            return
        }
        defer { engine.close() }
        guard gate.arrive(ready: true) else { return }
        runWorker(engine: &engine, state: &state, control: control)
        if state.config.exitAll || (state.config.exitAllOnError && state.stop.isError) { control.endPhase() }
    }
}

private final class ThreadContext {
    let worker: WorkerThread
    let gate: StartGate
    let control: RunControl
    init(worker: WorkerThread, gate: StartGate, control: RunControl) {
        self.worker = worker
        self.gate = gate
        self.control = control
    }
}

/// Holds workers until all of them have set up, then lets them go together, or not at all
/// when one failed (fio starts a job's threads together the same way).
final class StartGate: @unchecked Sendable {
    private let arrivals = DispatchSemaphore(value: 0)
    private let release = DispatchSemaphore(value: 0)
    private let lock = DispatchSemaphore(value: 1)
    private var failures = 0
    private var proceed = false
    let count: Int

    init(count: Int) { self.count = count }

    /// Called by each worker; blocks until the decision. Returns whether to run.
    func arrive(ready: Bool) -> Bool {
        standIn(failed: !ready)
        release.wait()
        lock.wait()
        defer { lock.signal() }
        return proceed
    }

    /// Counts an arrival without waiting for the decision: for a worker whose thread never started,
    /// on behalf of the main thread (which must not block here: it is the one that opens the gate).
    func standIn(failed: Bool) {
        lock.wait()
        if failed { failures += 1 }
        lock.signal()
        arrivals.signal()
    }

    /// Called by the main thread: waits for every worker, then releases them. Returns whether all were ready.
    @discardableResult
    func open(unlessStopped control: RunControl) -> Bool {
        for _ in 0..<count { arrivals.wait() }
        lock.wait()
        proceed = failures == 0 && !control.stopRequested
        let result = proceed
        lock.signal()
        for _ in 0..<count { release.signal() }
        return result
    }
}
