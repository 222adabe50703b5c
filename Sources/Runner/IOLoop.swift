// The per-I/O loop of one worker, as a type: fio's do_io and io_queue_event split into named steps. It runs on
// the worker's own thread and owns, while it runs, the engine and the worker's state. Per I/O it allocates
// nothing, takes no lock and makes no dynamic call (docs/ARCHITECTURE.md, "A worker and its I/O loop").
import Engines
import Stats
import Verify
import Vocabulary
#if canImport(Glibc)
import Glibc
#endif

/// Keeps up to `iodepth` I/Os in flight, submits them in batches of `iodepth_batch_submit`, reaps at least
/// `iodepth_batch_complete_min` when it must wait, refills from `iodepth_low`, and stops at the byte budget,
/// the runtime, an error, or a stop request. `V` says whether the loop verifies: without it there is no verify
/// code in the specialization at all.
struct IOLoop<E: IOEngine, V: VerifySwitch> {
    var engine: E
    var w: WorkerState
    let control: RunControl
    let config: WorkerConfig
    /// Most completions one reap takes (`iodepth_batch_complete_max`).
    let reapMax: Int
    /// `rw=randrw`/`readwrite` with both directions in the mix.
    let mixed: Bool

    /// The worker keeps going; false once a stop, an error, the deadline or the last pass ends it.
    var running = true
    /// Issuing new I/O; false while the queue is full until `iodepth_low` is reached again.
    var refilling = true
    var inflight = 0
    /// ramp_time: statistics restart once it is over.
    var recording = false
    var rampEnd: UInt64 = 0
    var deadline = UInt64.max
    var passesLeft: Int
    /// This pass's bytes and I/Os against the budget (`size`/`io_size`, `number_ios`).
    var bytesIssued: UInt64 = 0
    var iosIssued: UInt64 = 0
    /// Writes issued, all passes together (fio's io_issues[DDIR_WRITE]), for `fsync=N`/`fdatasync=N`.
    var writesIssued: UInt64 = 0
    /// The last thing issued was a sync: fio asks for no second one in a row (should_fsync, fio.h).
    var lastWasSync = false
    /// When the next read and the next write may be issued under `rate`/`rate_iops` (fio's rate_next_io_time).
    var nextReadAt: UInt64 = 0
    var nextWriteAt: UInt64 = 0
    /// rate_process=poisson's draws, a stream of their own so the other choices stay as they were.
    var poissonRandom: RandomSource
    /// latency_target: the depth the queue may fill to (only read when `config.searchesDepth`).
    var depthSearch: DepthSearch
    /// thinktime: the I/O count and the time of the last pause.
    var thinkBlocks: UInt64 = 0
    var thinkNs: UInt64 = 0
    /// I/Os issued so far, all passes (thinktime_blocks_type=issue).
    var issuedTotal: UInt64 = 0
    /// file_service_type other than the default: the file being served, the I/Os it still gets before
    /// another is picked, and how many files are done this pass.
    var currentFile = -1
    var fileRunLeft: UInt64 = 0
    var doneFiles = 0

    init(engine: E, state: WorkerState, control: RunControl) {
        self.engine = engine
        w = state
        self.control = control
        config = state.config
        reapMax = max(config.completeMax, 1)
        mixed = config.readPercent > 0 && config.readPercent < 100
        passesLeft = config.loops
        poissonRandom = RandomSource(seed: config.seed ^ 0x504F_4953_534F_4E21)
        depthSearch = DepthSearch(config.latencyTarget, iodepth: config.iodepth)
    }

    // MARK: - the run

    mutating func run() {
        begin()
        while running {
            let pause = issue()
            if E.isSynchronous {
                if pause == .passDone && running { running = startNextPass() }
            } else {
                commitAndReap(after: pause)
            }
        }
        // fio's end_fsync: only a job that writes, and not right after a periodic sync (should_fsync).
        // fio's do_io ends with one fsync per file for end_fsync and for fsync_on_close alike.
        if passEndSync && !lastWasSync && !w.stop.isError {
            // fio closed the files that were done, and reopens each to sync it (a cache drop at the open).
            if let drop = w.passCacheDrop, !config.defaultFileService {
                for file in 0..<w.fileCount where w.cursors[file].done {
                    drop.drop(file: Int(w.cursors[file].fileIndex))
                }
            }
            _ = syncFiles(.fsync)
        }
        let end = monotonicNanoseconds()
        if config.searchesDepth { w.stats.latencyDepth = depthSearch.depth }
        if config.flowWeight > 0 { w.flow?.leave(own: w.flowIssued, weight: config.flowWeight) }
        w.stats.finish(atNs: end)
        w.logs?.finish(atNs: end)
    }

    /// start_delay, then the clock starts: ramp_time and runtime count from here.
    private mutating func begin() {
        if config.startDelayNs > 0 { sleepUntil(monotonicNs: monotonicNanoseconds() &+ config.startDelayNs) }
        let start = monotonicNanoseconds()
        w.stats.start(atNs: start)
        w.logs?.start(atNs: start)
        rampEnd = start &+ config.rampNs
        recording = config.rampNs == 0
        deadline = config.runtimeNs > 0 ? rampEnd &+ config.runtimeNs : UInt64.max
        nextReadAt = start
        nextWriteAt = start
        thinkNs = start
        if config.searchesDepth { depthSearch.start(atNs: start) }
    }

    /// Why issuing paused.
    enum IssuePause {
        /// No free slot, the engine is busy, or the worker stops.
        case queueFull
        /// The pass's budget is spent.
        case passDone
        /// rate/rate_iops: the next I/O is not due yet and I/O is in flight to reap meanwhile.
        case paced
    }

    /// Issues I/O until the queue is full, the pass is done, the rate says wait, or the worker stops.
    private mutating func issue() -> IssuePause {
        while refilling && w.freeCount > 0 {
            guard var now = checkpoint() else { break }
            if config.searchesDepth && inflight >= depthSearch.depth { break }
            if config.flowWeight > 0 && flowHoldsBack() {
                // Held back: reap what is in flight meanwhile, else let the flow's other workers run.
                if inflight > 0 && !E.isSynchronous { return .paced }
                sched_yield()
                continue
            }
            // fio's rule: issue while fewer bytes than the budget were issued; the last I/O may overshoot.
            let passSpent =
                bytesIssued >= config.bytesPerLoop || (config.iosPerPass != 0 && iosIssued >= config.iosPerPass)
            if config.periodicSync && !lastWasSync && writesIssued > 0 {
                // fio picks a due sync as the next I/O (get_rw_ddir), so none follows the job's last write,
                // but a pass that is not the last ends with one.
                if passSpent && passesLeft <= 1 && !config.timeBased { return .passDone }
                if let op = dueSync() {
                    guard commit() && syncNextFile(op) else { break }
                    continue
                }
            }
            if passSpent { return .passDone }
            if V.on && w.verify.unsafelyUnwrapped.readBackDue {
                // verify_backlog (or a full log): check what was written so far before writing more.
                guard readBack() else { break }
                now = monotonicNanoseconds()
            }
            var isWrite =
                config.readPercent == 0
                || (config.readPercent < 100 && w.choiceRandom.percent() >= config.readPercent)
            if config.hasRateLimit && !pace(&isWrite, now: &now) { return .paced }
            if config.completeMin == 0 && inflight > 0 && !E.isSynchronous {
                guard reap(min: 0) else { break }
            }
            guard issueOne(isWrite: isWrite, now: now) else { break }
            if config.thinkTime.thinkNs > 0 { guard thinkIfDue() else { break } }
        }
        return .queueFull
    }

    /// Before each I/O: the stop flag, the deadline and the end of ramp_time. The time now, or nil when the
    /// worker stops issuing.
    @inline(__always)
    private mutating func checkpoint() -> UInt64? {
        if control.shouldStop {
            end(.stopped(bySignal: control.stopRequested))
            return nil
        }
        let now = monotonicNanoseconds()
        if now >= deadline {
            running = false
            return nil
        }
        if !recording && now >= rampEnd {
            w.stats.start(atNs: now)
            w.logs?.start(atNs: now)
            recording = true
        }
        return now
    }

    /// rate/rate_iops. fio's rule: each direction keeps its own rate. Ahead of it, a mixed job takes the
    /// other direction when that one may go sooner (or already may); otherwise it waits, by sleeping when
    /// nothing is in flight. False: wait by reaping instead.
    @inline(__always)
    private mutating func pace(_ isWrite: inout Bool, now: inout UInt64) -> Bool {
        var due = isWrite ? nextWriteAt : nextReadAt
        if mixed && now < due {
            let other = isWrite ? nextReadAt : nextWriteAt
            if other < due {
                isWrite.toggle()
                due = other
            }
        }
        guard now < due else { return true }
        if inflight > 0 { return false }
        sleepUntil(monotonicNs: due)
        now = monotonicNanoseconds()
        return true
    }

    /// Picks the next I/O's size, file and offset, prepares a slot and queues it. False when issuing stops
    /// (the engine is busy, or an error or sync ended the worker).
    @inline(__always)
    private mutating func issueOne(isWrite: Bool, now: UInt64) -> Bool {
        let length = isWrite ? w.writeSizes.pick(&w.choiceRandom) : w.readSizes.pick(&w.choiceRandom)
        let fileSlot: Int
        if config.defaultFileService {
            fileSlot = w.nextRoundRobinFile()
        } else {
            fileSlot = pickFile(write: isWrite, length: length)
            if fileSlot < 0 {
                // Every file is done: the pass is, whatever is left of its budget (fio's get_io_u gets no file).
                bytesIssued = UInt64.max
                return running
            }
        }
        if config.hasRateLimit {
            // fio's schedule is absolute (usec_for_io: the bytes issued so far at the rate, or the sum of the
            // poisson gaps): after a stall or a thinktime pause the job catches up all it missed, in a burst.
            let rate = isWrite ? config.writeRate : config.readRate
            let interval =
                config.poissonRate ? rate.poissonIntervalNs(&poissonRandom) : rate.intervalNs(length: length)
            if isWrite {
                nextWriteAt &+= interval
            } else {
                nextReadAt &+= interval
            }
        }
        let offset: UInt64
        if config.random {
            offset = w.cursors[fileSlot].random(
                length: length, useMap: config.useRandomMap,
                runLength: config.sequenceModifier, write: isWrite, identical: config.identicalRuns,
                rng: &w.offsetRandom)
        } else if !config.sequenceBackward {
            offset = w.cursors[fileSlot].sequential(write: isWrite, length: length, gap: config.holeBytes)
        } else {
            offset = w.cursors[fileSlot].backward(write: isWrite, length: length, step: config.sequenceModifier)
        }
        let slot = prepare(
            isWrite ? .write : .read, file: w.cursors[fileSlot].fileIndex, offset: offset,
            length: length, now: now)
        bytesIssued &+= length
        iosIssued &+= 1
        if queue(slot) == .busy {
            bytesIssued &-= length
            iosIssued &-= 1
            w.freeCount &+= 1
            refilling = false
            return false
        }
        if config.periodicSync {
            lastWasSync = false
            if isWrite { writesIssued &+= 1 }
        }
        return running
    }

    /// Takes a free slot and fills in the request; a write's buffer gets its content (verify header, refill
    /// or scramble stamp) before `issueNs` is set, as fio's latency starts once the block is ready.
    @inline(__always)
    private mutating func prepare(_ op: IOOp, file: Int32, offset: UInt64, length: UInt64, now: UInt64) -> Int32 {
        w.freeCount &-= 1
        let slot = w.freeSlots[w.freeCount]
        let unit = w.units.advanced(by: Int(slot))
        unit.pointee.op = op
        unit.pointee.fileIndex = file
        unit.pointee.offset = offset
        unit.pointee.length = Int(length)
        var issueNs = now
        if op == .write {
            if V.on {
                w.verify.unsafelyUnwrapped.fill(unit)
                issueNs = monotonicNanoseconds()
            } else if config.refillBuffers {
                w.content.fill(unit.pointee.buffer, length: Int(length))
                issueNs = monotonicNanoseconds()
            } else if config.scrambleBuffers {
                // A few stores per sector, inside the latency as in fio.
                AlignedBufferPool.stampSectors(unit.pointee.buffer, length: Int(length), offset: offset, stamp: now)
            }
        }
        unit.pointee.issueNs = issueNs
        return slot
    }

    /// fsync=N / fdatasync=N: the sync due now that a multiple of N writes was issued, if any (fsync first, as fio).
    @inline(__always)
    private func dueSync() -> IOOp? {
        if config.fsyncEvery > 0 && writesIssued % UInt64(config.fsyncEvery) == 0 { return .fsync }
        if config.fdatasyncEvery > 0 && writesIssued % UInt64(config.fdatasyncEvery) == 0 { return .fdatasync }
        return nil
    }

    /// A periodic sync goes to one file, the next in the rotation, as fio's sync io_u takes the next file.
    @inline(never)
    private mutating func syncNextFile(_ op: IOOp) -> Bool {
        lastWasSync = true
        return quiesce() && syncFile(w.nextRoundRobinFile(), op)
    }

    /// Asynchronous engines, after issuing: submit the batch, then reap. Waits when the queue is full, the
    /// pass is done, the worker is stopping or pacing; otherwise only looks. A wait that follows a submit
    /// happens inside the submit's own system call.
    private mutating func commitAndReap(after pause: IssuePause) {
        if w.freeCount == 0 || (config.searchesDepth && inflight >= depthSearch.depth) { refilling = false }
        let mustWait = pause != .queueFull || !running || !refilling
        let minimum = inflight > 0 && mustWait ? max(1, min(config.completeMin, inflight)) : 0
        _ = commit(waitingFor: running ? minimum : 0)
        if inflight > 0 {
            _ = reap(min: minimum)
            if inflight <= config.iodepthLow { refilling = true }
        }
        if pause == .passDone && inflight == 0 && running { running = startNextPass() }
        if !running { drain() }
    }

    /// The end of a pass: read back what it wrote (verify), then the next loop, if any.
    @inline(never)
    private mutating func startNextPass() -> Bool {
        if V.on && w.verify.unsafelyUnwrapped.readsBack && !readBack() { return false }
        passesLeft -= 1
        if passesLeft <= 0 && !config.timeBased { return false }
        // Each loop is one do_io in fio, which ends with the end_fsync/fsync_on_close syncs.
        // fio has closed every file by then (the loop ends when none gives an I/O), so each is reopened to be
        // synced: a cache drop at the open.
        if passEndSync && !config.timeBased && !lastWasSync {
            w.passCacheDrop?.drop()
            guard syncFiles(.fsync) else { return false }
        }
        // fio resets its counters for a new loop (reset_io_counters), not when a time_based file wraps.
        if !config.timeBased { lastWasSync = false }
        // fio closes the files still open between loops: fsync_on_close syncs each as it goes.
        if !w.closeSyncFds.isEmpty && !config.timeBased {
            for file in 0..<w.fileCount where !w.cursors[file].done { closeSync(file) }
        }
        bytesIssued = 0
        iosIssued = 0
        for file in 0..<w.fileCount { w.cursors[file].rewind() }
        doneFiles = 0
        currentFile = -1
        w.passCacheDrop?.drop()
        // fio reseeds the buffer contents for a new loop, not when a time_based file wraps.
        if !config.timeBased { w.content.startLoop() }
        if V.on { w.verify.unsafelyUnwrapped.generation &+= 1 }
        return true
    }

    /// file_service_type other than the default (fio's __get_next_file): stay on the current file while its
    /// `:N` run lasts (for `sequential`, until it is done), else the next one round robin or at random. A file
    /// the I/O no longer fits is done for the pass; -1 once all are.
    @inline(never)
    mutating func pickFile(write: Bool, length: UInt64) -> Int {
        let service = config.fileService
        if currentFile >= 0 && !w.cursors[currentFile].done && (service.kind == .sequential || fileRunLeft > 0) {
            if fits(currentFile, write: write, length: length) {
                if fileRunLeft > 0 { fileRunLeft -= 1 }
                return currentFile
            }
        }
        while doneFiles < w.fileCount {
            let candidate: Int
            if service.isNonUniform {
                // fio's non-uniform kinds: no file is ever done; a full one starts over (fio_file_reset).
                let drawn = Int(w.fileDistribution.next(&w.choiceRandom, direction: .read) >> 10)
                let file = min(drawn, w.fileCount - 1)
                if !w.cursors[file].hasRoom(
                    write: write, length: length, gap: config.holeBytes, random: config.random,
                    useMap: config.useRandomMap, timeBased: config.timeBased)
                {
                    w.cursors[file].rewind()
                }
                currentFile = file
                fileRunLeft = 0
                return file
            } else if service.kind == .random {
                candidate = Int(w.choiceRandom.next(below: UInt64(w.fileCount)))
            } else {
                candidate = w.nextRoundRobinFile()
            }
            guard !w.cursors[candidate].done, fits(candidate, write: write, length: length) else { continue }
            currentFile = candidate
            fileRunLeft = service.run - 1
            return candidate
        }
        return -1
    }

    /// Whether file `slot` takes the next I/O; marks it done (once) when it does not.
    private mutating func fits(_ slot: Int, write: Bool, length: UInt64) -> Bool {
        if w.cursors[slot].done { return false }
        if w.cursors[slot].hasRoom(
            write: write, length: length, gap: config.holeBytes, random: config.random, useMap: config.useRandomMap,
            timeBased: config.timeBased)
        {
            return true
        }
        w.cursors[slot].done = true
        doneFiles += 1
        // fio closes a file once it is done: fsync_on_close syncs it then.
        if !w.closeSyncFds.isEmpty { closeSync(slot) }
        return false
    }

    /// end_fsync or fsync_on_close in a job that writes: fio's do_io syncs every file at its end.
    var passEndSync: Bool { (config.endFsync || config.fsyncOnClose) && config.readPercent < 100 }

    /// fsync_on_close: fio's put_file syncs a file it closes, unless the last I/O was a sync. A direct
    /// fsync(2), not the engine's, and not in the statistics, as in fio.
    @inline(never)
    mutating func closeSync(_ file: Int) {
        if lastWasSync { return }
        _ = fsync(w.closeSyncFds[file])
    }

    /// Ends the worker for `reason`; the first reason is the one reported.
    mutating func end(_ reason: WorkerStop) {
        running = false
        if w.stop == .finished { w.stop = reason }
    }
}

// MARK: - queue, commit, reap

extension IOLoop {
    /// Hands the prepared unit in `slot` to the engine and accounts for it: synchronous engines complete it
    /// here; asynchronous ones count it in flight and submit once a batch is full. `.busy` is left to the
    /// caller (the slot is still taken).
    @inline(__always)
    mutating func queue(_ slot: Int32) -> QueueStatus {
        let status = engine.queue(w.units, slot: slot)
        switch status {
        case .completed:
            w.stats.depth.recordDepth(1)
            w.stats.depth.recordSubmit(1)
            w.stats.depth.recordComplete(1)
            complete(slot, at: monotonicNanoseconds())
        case .queued:
            inflight &+= 1
            w.stats.depth.recordDepth(inflight)
            w.pending[w.pendingCount] = slot
            w.pendingCount &+= 1
            // The batch that fills the queue is left to the caller, which submits it and waits in one call.
            if w.pendingCount >= config.batchSubmit && w.freeCount > 0 { _ = commit() }
        case .busy:
            break
        }
        return status
    }

    /// Submits what is queued and stamps the batch's submit time for slat/clat. With `waitingFor` > 0 the
    /// same system call also waits for that many completions (the caller was about to wait anyway); such a
    /// batch's submit time is taken just before the call, so its slat leaves out the system call.
    @inline(__always)
    mutating func commit(waitingFor minimum: Int = 0) -> Bool {
        if E.isSynchronous || w.pendingCount == 0 { return true }
        let waits = minimum > 0
        let before = waits ? monotonicNanoseconds() : 0
        var result: Int
        repeat { result = waits ? engine.commit(waitingFor: minimum) : engine.commit() } while result == -Int(EAGAIN)
        let now = waits ? before : monotonicNanoseconds()
        for i in 0..<w.pendingCount { w.units[Int(w.pending[i])].submitNs = now }
        if config.logsSubmissions { logSubmissions() }
        w.stats.depth.recordSubmit(w.pendingCount)
        w.pendingCount = 0
        if result < 0 {
            end(.engineFailed(EngineCallFailure(call: .submit, errno: Int32(-result))))
            return false
        }
        return true
    }

    /// fio's log files: one completed read or write. Out of line, so a job without logs keeps a compact loop.
    @inline(never)
    func logCompletion(_ unit: UnsafeMutablePointer<IOUnit>, at now: UInt64) {
        w.logs.unsafelyUnwrapped.completed(
            unit.pointee.op == .read ? .read : .write, length: unit.pointee.result, offset: unit.pointee.offset,
            issueNs: unit.pointee.issueNs, submitNs: E.isSynchronous ? unit.pointee.issueNs : unit.pointee.submitNs,
            completeNs: now)
    }

    /// The slat log: each read or write of the batch just submitted (syncs are not logged, as in fio).
    @inline(never)
    func logSubmissions() {
        let logs = w.logs.unsafelyUnwrapped
        for i in 0..<w.pendingCount {
            let unit = w.units[Int(w.pending[i])]
            guard unit.op == .read || unit.op == .write else { continue }
            logs.submitted(
                unit.op == .read ? .read : .write, length: unit.length, offset: unit.offset, issueNs: unit.issueNs,
                submitNs: unit.submitNs)
        }
    }

    /// Reaps at least `min` completions; false when an error ends the worker.
    @inline(__always)
    mutating func reap(min: Int) -> Bool {
        let got = engine.getEvents(min: min, max: reapMax, units: w.units, completed: w.completed)
        if got == -Int(ETIME) || got == -Int(EAGAIN) { return true }
        if got < 0 {
            end(.engineFailed(EngineCallFailure(call: .reap, errno: Int32(-got))))
            return false
        }
        return got == 0 || completeReaped(got)
    }

    /// Accounts for the `got` units getEvents left in `completed`; false when one of them ends the worker.
    @inline(__always)
    @discardableResult
    mutating func completeReaped(_ got: Int) -> Bool {
        let now = monotonicNanoseconds()
        w.stats.depth.recordComplete(got)
        inflight &-= got
        var ok = true
        for i in 0..<got where !complete(w.completed[i], at: now) { ok = false }
        return ok
    }

    /// One finished I/O: its slot goes back, its latency and result are recorded, and an error that
    /// `continue_on_error` does not cover, or a verify_fatal finding, ends the worker (false).
    @inline(__always)
    @discardableResult
    mutating func complete(_ slot: Int32, at now: UInt64) -> Bool {
        let unit = w.units.advanced(by: Int(slot))
        let isRead = unit.pointee.op == .read
        let result = unit.pointee.result
        w.freeSlots[w.freeCount] = slot
        w.freeCount &+= 1
        // Recorded during ramp_time too: the stats restart when the ramp ends.
        w.stats.record(
            isRead ? .read : .write, requested: unit.pointee.length, result: result,
            offset: unit.pointee.offset, fileIndex: unit.pointee.fileIndex, issueNs: unit.pointee.issueNs,
            submitNs: E.isSynchronous ? unit.pointee.issueNs : unit.pointee.submitNs, completeNs: now)
        if config.logsCompletions && result >= 0 { logCompletion(unit, at: now) }
        if config.searchesDepth && result >= 0 && !searchDepth(unit, at: now) { return false }
        if _slowPath(result < 0) {
            let direction: IODirection = isRead ? .read : .write
            if !config.continues(afterErrorIn: direction) {
                end(
                    .ioFailed(
                        IOFailure(
                            errno: Int32(-result), direction: direction, fileIndex: unit.pointee.fileIndex,
                            offset: unit.pointee.offset, length: unit.pointee.length,
                            bufferAddress: UInt(bitPattern: unit.pointee.buffer))))
                return false
            }
        }
        if V.on && !w.verify.unsafelyUnwrapped.completed(unit, slot: slot) {
            end(.verifyFailed)
            return false
        }
        return true
    }

    /// Submits what is batched and waits until nothing is in flight (fio's io_u_quiesce); false when an error
    /// ends the worker. One reap takes at most `iodepth_batch_complete_max`, so it may take several.
    mutating func quiesce() -> Bool {
        guard commit() else { return false }
        while inflight > 0 { guard reap(min: min(inflight, reapMax)) else { return false } }
        return true
    }

    /// Waits for everything in flight before the worker leaves: its buffers and slots are the worker's. An
    /// error from getEvents ends the drain; a failed I/O among the completions is recorded but ends nothing.
    mutating func drain() {
        while inflight > 0 {
            // io_getevents refuses a minimum above the maximum (EINVAL): ask for at most reapMax.
            let got = engine.getEvents(
                min: min(inflight, reapMax), max: reapMax, units: w.units, completed: w.completed)
            if got < 0 { break }
            if got > 0 { completeReaped(got) }
        }
    }
}

// MARK: - syncs and read-back

extension IOLoop {
    /// A sync of every file once all earlier writes are done (`end_fsync`). Not counted in the job's sync
    /// statistics: fio 3.33 leaves end_fsync out of them too.
    mutating func syncFiles(_ op: IOOp) -> Bool {
        guard quiesce() else { return false }
        for file in 0..<w.fileCount where !syncFile(file, op, counted: false) { return false }
        return true
    }

    /// One sync of the worker's file `file` through the engine; false when its error ends the worker.
    private mutating func syncFile(_ file: Int, _ op: IOOp, counted: Bool = true) -> Bool {
        let slot = w.freeSlots[w.freeCount - 1]
        let unit = w.units.advanced(by: Int(slot))
        unit.pointee.op = op
        unit.pointee.fileIndex = w.cursors[file].fileIndex
        unit.pointee.offset = 0
        unit.pointee.length = 0
        let t0 = monotonicNanoseconds()
        unit.pointee.issueNs = t0
        if engine.queue(w.units, slot: slot) != .completed && !awaitSync(slot) { return false }
        if counted || unit.pointee.result < 0 {
            w.stats.recordSync(
                result: unit.pointee.result, fileIndex: unit.pointee.fileIndex, issueNs: t0,
                completeNs: monotonicNanoseconds())
        }
        if unit.pointee.result < 0 && !config.continues(afterErrorIn: .write) {
            end(
                .ioFailed(
                    IOFailure(
                        errno: Int32(-unit.pointee.result), direction: .write,
                        fileIndex: unit.pointee.fileIndex, offset: 0, length: 0, bufferAddress: 0)))
            return false
        }
        return true
    }

    /// Submits a queued sync in `slot` and waits for it alone.
    private mutating func awaitSync(_ slot: Int32) -> Bool {
        w.freeCount &-= 1
        w.pending[w.pendingCount] = slot
        w.pendingCount &+= 1
        guard commit() else { return false }
        var got = 0
        while got == 0 {
            got = engine.getEvents(min: 1, max: 1, units: w.units, completed: w.completed)
            if got < 0 {
                end(.engineFailed(EngineCallFailure(call: .reap, errno: Int32(-got))))
                return false
            }
        }
        w.freeCount &+= 1
        return true
    }

    /// fio's verify phase (end of a pass) and verify_backlog: reads back every logged write and checks it.
    /// Waits for the I/O in flight first. False when the worker must stop (I/O error, verify_fatal, signal);
    /// I/O still in flight then is drained by the caller.
    @inline(never)
    mutating func readBack() -> Bool {
        let v = w.verify.unsafelyUnwrapped
        guard let log = v.log else { return true }
        // A batch not yet full (iodepth_batch_submit > 1) is submitted first: waiting for it would never end.
        guard commit() else { return false }
        while inflight > 0 { guard reap(min: 1) else { return false } }
        defer { log.removeAll() }
        if log.isEmpty { return true }
        if v.dropCacheBeforeReadBack { v.dropCaches() }
        let order = v.readBackOrder.unsafelyUnwrapped
        v.blocksOverwritten &+= UInt64(order.prepare(log))
        var next = 0
        while running && (next < order.count || inflight > 0) {
            next = issueReadBacks(from: next, of: order, log: log, verify: v)
            if !commit(waitingFor: inflight > 0 ? 1 : 0) { break }
            if running && inflight > 0 { _ = reap(min: 1) }
        }
        return running
    }

    /// Queues read-backs from position `next` of `order` while slots are free; the position to go on from.
    private mutating func issueReadBacks(
        from next: Int, of order: ReadBackOrder, log: VerifyLog,
        verify v: WorkerVerify
    ) -> Int {
        var next = next
        while next < order.count && w.freeCount > 0 {
            if control.shouldStop {
                end(.stopped(bySignal: control.stopRequested))
                break
            }
            guard let index = order.logIndex(at: next) else {
                next &+= 1
                continue
            }
            let entry = log[index]
            let slot = prepare(
                .read, file: entry.fileIndex, offset: entry.offset, length: UInt64(entry.length),
                now: monotonicNanoseconds())
            v.expect(generation: entry.generation, inSlot: slot)
            if queue(slot) == .busy {
                v.expect(generation: 0, inSlot: slot)
                w.freeCount &+= 1
                break
            }
            next &+= 1
            if !running { break }
        }
        return next
    }
}
