import Engines
import JobFile
import Stats
import Synchronization
#if canImport(Glibc)
import Glibc
import Vocabulary
#endif

/// Everything one worker thread owns: slots, cursors, pickers, random state and statistics.
/// Allocated before the thread starts and freed after it ends; the loop itself allocates nothing.
public struct WorkerState {
    public let config: WorkerConfig
    let units: UnsafeMutablePointer<IOUnit>
    let freeSlots: UnsafeMutablePointer<Int32>
    var freeCount: Int
    let pending: UnsafeMutablePointer<Int32>
    var pendingCount = 0
    let completed: UnsafeMutablePointer<Int32>
    let cursors: UnsafeMutablePointer<FileCursor>
    let fileCount: Int
    var nextFile = 0
    let readSizes: BlockSizePicker
    let writeSizes: BlockSizePicker
    var offsetRandom: RandomSource
    var choiceRandom: RandomSource
    /// Seeds `refill_buffers`' fills, one after another.
    var refillSeed: UInt64
    public var stats: WorkerStats
    /// Data verification (`verify=`); nil when the job does not verify.
    public let verify: WorkerVerify?
    /// First error that stopped the worker, with the request that hit it.
    public var fatalError: IOFailure?
    public var stoppedBySignal = false

    public init(config: WorkerConfig, cursors: [FileCursor], readSizes: BlockSizePicker, writeSizes: BlockSizePicker,
                buffers: AlignedBufferPool, stats: WorkerStats, verify: WorkerVerify? = nil) {
        self.config = config
        self.verify = verify
        let depth = config.iodepth
        units = .allocate(capacity: depth)
        freeSlots = .allocate(capacity: depth)
        pending = .allocate(capacity: depth)
        completed = .allocate(capacity: depth)
        for slot in 0..<depth {
            units.advanced(by: slot).initialize(to: IOUnit(bufferIndex: Int32(slot), buffer: buffers.buffer(slot)))
            freeSlots[slot] = Int32(depth - 1 - slot)
        }
        freeCount = depth
        fileCount = cursors.count
        self.cursors = .allocate(capacity: cursors.count)
        self.cursors.initialize(from: cursors, count: cursors.count)
        self.readSizes = readSizes
        self.writeSizes = writeSizes
        offsetRandom = RandomSource(seed: config.seed)
        choiceRandom = RandomSource(seed: config.seed ^ 0xC0FF_EE00_D15C_0001)
        refillSeed = config.seed ^ 0x5245_4649_4C4C_0001
        self.stats = stats
    }

    public func deallocate() {
        units.deinitialize(count: config.iodepth)
        units.deallocate()
        freeSlots.deallocate()
        pending.deallocate()
        completed.deallocate()
        cursors.deinitialize(count: fileCount)
        cursors.deallocate()
        readSizes.deallocate()
        writeSizes.deallocate()
    }
}

/// An I/O that failed and stopped the worker (or the first of many that did not).
public struct IOFailure: Sendable, Equatable {
    public var errno: Int32
    public var direction: IODirection
    public var fileIndex: Int32
    public var offset: UInt64
    public var length: Int
    public var bufferAddress: UInt
}

/// Flags raised for the workers, which read them once per I/O (relaxed: a late read costs one I/O):
/// a signal stops the run; a finished `exitall` job ends the phase (the jobs running beside it).
public final class RunControl: Sendable {
    private static let signalled: UInt8 = 1, phaseEnding: UInt8 = 2
    private let flags = Atomic<UInt8>(0)
    public init() {}
    /// Stop issuing and drain what is in flight (either flag).
    @inlinable public var shouldStop: Bool { anyFlag() }
    @usableFromInline func anyFlag() -> Bool { flags.load(ordering: .relaxed) != 0 }
    /// A signal asked the run to stop: its results are partial.
    public var stopRequested: Bool { flags.load(ordering: .relaxed) & Self.signalled != 0 }
    public func requestStop() { flags.bitwiseOr(Self.signalled, ordering: .relaxed) }
    /// fio's exitall: the jobs of this phase finish now, with whole results; later phases still run.
    public func endPhase() { flags.bitwiseOr(Self.phaseEnding, ordering: .relaxed) }
    public func beginPhase() { flags.bitwiseAnd(~Self.phaseEnding, ordering: .relaxed) }
}

/// The I/O loop, specialized for each engine type. fio's do_io in spirit: keep up to `iodepth` I/Os in
/// flight, submit in batches of `iodepth_batch_submit`, reap at least `iodepth_batch_complete_min`
/// when the queue is full, refill from `iodepth_low`, stop at the byte budget, the runtime, or a stop request.
@inline(never)
public func runWorker<E: IOEngine>(engine: inout E, state w: inout WorkerState, control: RunControl) {
    // Two specializations: without verify the loop carries no verify code at all, not even a branch.
    if w.verify != nil {
        ioLoop(engine: &engine, state: &w, control: control, verifying: VerifyOn.self)
    } else {
        ioLoop(engine: &engine, state: &w, control: control, verifying: VerifyOff.self)
    }
}

/// Whether a specialization of the I/O loop verifies data: a compile-time constant in each.
protocol VerifySwitch { static var on: Bool { get } }
enum VerifyOn: VerifySwitch { static var on: Bool { true } }
enum VerifyOff: VerifySwitch { static var on: Bool { false } }

func ioLoop<E: IOEngine, V: VerifySwitch>(engine: inout E, state w: inout WorkerState, control: RunControl, verifying: V.Type) {
    let config = w.config
    if config.startDelayNs > 0 { sleepUntil(monotonicNs: monotonicNanoseconds() &+ config.startDelayNs) }
    let start = monotonicNanoseconds()
    w.stats.start(atNs: start)
    let rampEnd = start &+ config.rampNs
    var recording = config.rampNs == 0
    let deadline = config.runtimeNs > 0 ? rampEnd &+ config.runtimeNs : UInt64.max
    var passesLeft = config.loops
    var bytesIssued: UInt64 = 0
    var iosIssued: UInt64 = 0   // this pass, for number_ios
    var inflight = 0
    var refilling = true
    var writesSinceSync = 0
    // When the next read and the next write may be issued under `rate`/`rate_iops` (fio's rate_next_io_time).
    var nextReadAt = start
    var nextWriteAt = start
    let mixed = config.readPercent > 0 && config.readPercent < 100
    let reapMax = max(config.completeMax, 1)

    @inline(__always) func complete(_ slot: Int32, at now: UInt64, w: inout WorkerState) -> Bool {
        let unit = w.units.advanced(by: Int(slot))
        let isRead = unit.pointee.op == .read
        let result = unit.pointee.result
        w.freeSlots[w.freeCount] = slot
        w.freeCount &+= 1
        // Recorded during ramp_time too: the stats restart when the ramp ends.
        w.stats.record(isRead ? .read : .write, requested: unit.pointee.length, result: result,
                       offset: unit.pointee.offset, fileIndex: unit.pointee.fileIndex, issueNs: unit.pointee.issueNs,
                       submitNs: E.isSynchronous ? unit.pointee.issueNs : unit.pointee.submitNs, completeNs: now)
        if _slowPath(result < 0) {
            let direction: IODirection = isRead ? .read : .write
            if !config.continues(afterErrorIn: direction) {
                if w.fatalError == nil {
                    w.fatalError = IOFailure(errno: Int32(-result), direction: direction, fileIndex: unit.pointee.fileIndex,
                                             offset: unit.pointee.offset, length: unit.pointee.length,
                                             bufferAddress: UInt(bitPattern: unit.pointee.buffer))
                }
                return false
            }
        }
        if V.on { return w.verify.unsafelyUnwrapped.completed(unit, slot: slot) }
        return true
    }

    /// Submits what is queued; stamps the batch's submit time for slat/clat. With `waitingFor` > 0 the
    /// same system call also waits for that many completions (the caller was about to wait anyway);
    /// such a batch's submit time is taken just before the call, so its slat leaves out the system call.
    @inline(__always) func commit(w: inout WorkerState, waitingFor minimum: Int = 0) -> Bool {
        if E.isSynchronous || w.pendingCount == 0 { return true }
        let waits = minimum > 0
        let before = waits ? monotonicNanoseconds() : 0
        var result: Int
        repeat { result = waits ? engine.commit(waitingFor: minimum) : engine.commit() } while result == -Int(EAGAIN)
        let now = waits ? before : monotonicNanoseconds()
        for i in 0..<w.pendingCount { w.units[Int(w.pending[i])].submitNs = now }
        w.stats.depth.recordSubmit(w.pendingCount)
        w.pendingCount = 0
        if result < 0 {
            w.fatalError = IOFailure(errno: Int32(-result), direction: .read, fileIndex: -1, offset: 0, length: 0, bufferAddress: 0)
            return false
        }
        return true
    }

    /// Reaps at least `min` completions; false when an error ends the worker.
    @inline(__always) func reap(min: Int, w: inout WorkerState) -> Bool {
        let got = engine.getEvents(min: min, max: reapMax, units: w.units, completed: w.completed)
        if got == -Int(ETIME) || got == -Int(EAGAIN) { return true }
        if got < 0 {
            w.fatalError = IOFailure(errno: Int32(-got), direction: .read, fileIndex: -1, offset: 0, length: 0, bufferAddress: 0)
            return false
        }
        if got == 0 { return true }
        return completeReaped(got, w: &w)
    }

    /// Accounts for the `got` units getEvents left in `completed`; false when one of them ends the worker.
    @inline(__always) func completeReaped(_ got: Int, w: inout WorkerState) -> Bool {
        let now = monotonicNanoseconds()
        w.stats.depth.recordComplete(got)
        inflight &-= got
        var ok = true
        for i in 0..<got where !complete(w.completed[i], at: now, w: &w) { ok = false }
        return ok
    }

    /// Hands the prepared unit in `slot` to the engine and accounts for it: synchronous engines complete
    /// it here; asynchronous ones count it in flight and submit once a batch is full. `ok` turns false
    /// when an error ends the worker. `.busy` is left to the caller (the slot is still taken).
    @inline(__always) func queue(_ slot: Int32, ok: inout Bool, w: inout WorkerState) -> QueueStatus {
        let status = engine.queue(w.units, slot: slot)
        switch status {
        case .completed:
            w.stats.depth.recordDepth(1)
            w.stats.depth.recordSubmit(1)
            w.stats.depth.recordComplete(1)
            if !complete(slot, at: monotonicNanoseconds(), w: &w) { ok = false }
        case .queued:
            inflight &+= 1
            w.stats.depth.recordDepth(inflight)
            w.pending[w.pendingCount] = slot
            w.pendingCount &+= 1
            // The batch that fills the queue is left to the caller, which submits it and waits in one call.
            if w.pendingCount >= config.batchSubmit && w.freeCount > 0 && !commit(w: &w) { ok = false }
        case .busy:
            break
        }
        return status
    }

    /// Issues a sync of every file once all earlier writes are done (`fsync=N`, `fdatasync=N`, `end_fsync`).
    func syncFiles(_ op: IOOp, w: inout WorkerState) -> Bool {
        while inflight > 0 { if !reap(min: inflight, w: &w) { return false } }
        for file in 0..<w.fileCount {
            let slot = w.freeSlots[w.freeCount - 1]
            let unit = w.units.advanced(by: Int(slot))
            unit.pointee.op = op
            unit.pointee.fileIndex = w.cursors[file].fileIndex
            unit.pointee.offset = 0
            unit.pointee.length = 0
            let t0 = monotonicNanoseconds()
            unit.pointee.issueNs = t0
            switch engine.queue(w.units, slot: slot) {
            case .completed:
                break
            case .queued, .busy:
                w.freeCount &-= 1
                w.pending[w.pendingCount] = slot
                w.pendingCount &+= 1
                if !commit(w: &w) { return false }
                var got = 0
                while got == 0 {
                    got = engine.getEvents(min: 1, max: 1, units: w.units, completed: w.completed)
                    if got < 0 { w.fatalError = IOFailure(errno: Int32(-got), direction: .write, fileIndex: -1, offset: 0, length: 0, bufferAddress: 0); return false }
                }
                w.freeCount &+= 1
            }
            w.stats.recordSync(result: unit.pointee.result, fileIndex: unit.pointee.fileIndex, issueNs: t0,
                               completeNs: monotonicNanoseconds())
            if unit.pointee.result < 0 {
                if !config.continues(afterErrorIn: .write) {
                    w.fatalError = IOFailure(errno: Int32(-unit.pointee.result), direction: .write, fileIndex: unit.pointee.fileIndex,
                                             offset: 0, length: 0, bufferAddress: 0)
                    return false
                }
            }
        }
        return true
    }

    /// fio's verify phase (end of a pass) and verify_backlog: reads back every logged write and checks
    /// it. Waits for the I/O in flight first. False when the worker must stop (I/O error, verify_fatal,
    /// signal); I/O still in flight then is drained by the caller.
    @inline(never) func readBack(w: inout WorkerState) -> Bool {
        let v = w.verify.unsafelyUnwrapped
        guard let log = v.log else { return true }
        // A batch not yet full (iodepth_batch_submit > 1) is submitted first: waiting for it would never end.
        if !commit(w: &w) { return false }
        while inflight > 0 { if !reap(min: 1, w: &w) { return false } }
        defer { log.removeAll() }
        if log.isEmpty { return true }
        if v.dropCacheBeforeReadBack { v.dropCaches() }
        let order = v.readBackOrder.unsafelyUnwrapped
        v.blocksOverwritten &+= UInt64(order.prepare(log))
        var next = 0
        var ok = true
        while ok && (next < order.count || inflight > 0) {
            issuing: while next < order.count && w.freeCount > 0 {
                if control.shouldStop { w.stoppedBySignal = control.stopRequested; ok = false; break }
                guard let index = order.logIndex(at: next) else {
                    next &+= 1
                    continue
                }
                let entry = log[index]
                w.freeCount &-= 1
                let slot = w.freeSlots[w.freeCount]
                let unit = w.units.advanced(by: Int(slot))
                unit.pointee.op = .read
                unit.pointee.fileIndex = entry.fileIndex
                unit.pointee.offset = entry.offset
                unit.pointee.length = Int(entry.length)
                unit.pointee.issueNs = monotonicNanoseconds()
                v.expect(generation: entry.generation, inSlot: slot)
                if queue(slot, ok: &ok, w: &w) == .busy {
                    v.expect(generation: 0, inSlot: slot)
                    w.freeCount &+= 1
                    break issuing
                }
                next &+= 1
                if !ok { break }
            }
            if !commit(w: &w, waitingFor: inflight > 0 ? 1 : 0) { ok = false }
            if ok && inflight > 0 && !reap(min: 1, w: &w) { ok = false }
        }
        return ok
    }

    @inline(never) func startNextPass(w: inout WorkerState) -> Bool {
        if V.on && w.verify.unsafelyUnwrapped.readsBack && !readBack(w: &w) { return false }
        passesLeft -= 1
        if passesLeft <= 0 && !config.timeBased { return false }
        bytesIssued = 0
        iosIssued = 0
        for file in 0..<w.fileCount { w.cursors[file].rewind() }
        if V.on { w.verify.unsafelyUnwrapped.generation &+= 1 }
        return true
    }

    var running = true
    while running {
        // Issue until the queue is full, the pass is done, or time is up.
        var passDone = false
        var paced = false
        while refilling && w.freeCount > 0 {
            if control.shouldStop { w.stoppedBySignal = control.stopRequested; running = false; break }
            var now = monotonicNanoseconds()
            if now >= deadline { running = false; break }
            if !recording && now >= rampEnd {
                w.stats.start(atNs: now)
                recording = true
            }
            // fio's rule: issue while fewer bytes than the budget were issued; the last I/O may overshoot.
            if bytesIssued >= config.bytesPerLoop || (config.iosPerPass != 0 && iosIssued >= config.iosPerPass) {
                passDone = true
                break
            }
            if V.on && w.verify.unsafelyUnwrapped.readBackDue {
                // verify_backlog (or a full log): check what was written so far before writing more.
                if !readBack(w: &w) { running = false; break }
                now = monotonicNanoseconds()
            }
            var isWrite = config.readPercent == 0 || (config.readPercent < 100 && w.choiceRandom.percent() >= config.readPercent)
            if config.hasRateLimit {
                // fio's rule: each direction keeps its own rate. Ahead of it, a mixed job takes the other
                // direction when that one may go sooner (or already may); otherwise it waits.
                var due = isWrite ? nextWriteAt : nextReadAt
                if mixed && now < due {
                    let other = isWrite ? nextReadAt : nextWriteAt
                    if other < due { isWrite.toggle(); due = other }
                }
                if now < due {
                    if inflight > 0 { paced = true; break }   // reap while we wait
                    sleepUntil(monotonicNs: due)
                    now = monotonicNanoseconds()
                }
            }
            if config.completeMin == 0 && inflight > 0 && !E.isSynchronous {
                if !reap(min: 0, w: &w) { running = false; break }
            }

            let length = isWrite ? w.writeSizes.pick(&w.choiceRandom) : w.readSizes.pick(&w.choiceRandom)
            if config.hasRateLimit {
                // At most 8 intervals of catch-up after a stall.
                let interval = (isWrite ? config.writeRate : config.readRate).intervalNs(length: length)
                if isWrite {
                    nextWriteAt = max(nextWriteAt &+ interval, now &- interval &* 8)
                } else {
                    nextReadAt = max(nextReadAt &+ interval, now &- interval &* 8)
                }
            }
            let fileSlot = w.nextFile
            w.nextFile = fileSlot &+ 1 == w.fileCount ? 0 : fileSlot &+ 1
            let offset: UInt64
            if config.random {
                offset = w.cursors[fileSlot].random(length: length, useMap: config.useRandomMap,
                                                    runLength: config.sequenceModifier, rng: &w.offsetRandom)
            } else {
                offset = w.cursors[fileSlot].sequential(write: isWrite, length: length, gap: config.sequenceModifier)
            }

            w.freeCount &-= 1
            let slot = w.freeSlots[w.freeCount]
            let unit = w.units.advanced(by: Int(slot))
            unit.pointee.op = isWrite ? .write : .read
            unit.pointee.fileIndex = w.cursors[fileSlot].fileIndex
            unit.pointee.offset = offset
            unit.pointee.length = Int(length)
            if V.on && isWrite {
                w.verify.unsafelyUnwrapped.fill(unit)
                now = monotonicNanoseconds()   // the latency starts once the block is ready
            } else if isWrite && config.refillBuffers {
                w.refillSeed &+= 0x9E37_79B9_7F4A_7C15
                AlignedBufferPool.fillPseudoRandom(unit.pointee.buffer, words: (Int(length) &+ 7) >> 3, seed: w.refillSeed)
                now = monotonicNanoseconds()
            } else if isWrite && config.scrambleBuffers {
                // A few stores per sector, inside the latency as in fio.
                AlignedBufferPool.stampSectors(unit.pointee.buffer, length: Int(length), offset: offset, stamp: now)
            }
            unit.pointee.issueNs = now
            // Holes of `rw=write:N` count against the budget, as fio's skipped bytes do.
            let budgeted = config.random ? length : length &+ config.sequenceModifier
            bytesIssued &+= budgeted
            iosIssued &+= 1

            if queue(slot, ok: &running, w: &w) == .busy {
                bytesIssued &-= budgeted
                iosIssued &-= 1
                w.freeCount &+= 1
                refilling = false
            }
            if !running { break }
            if isWrite && (config.fsyncEvery > 0 || config.fdatasyncEvery > 0) {
                writesSinceSync &+= 1
                if config.fsyncEvery > 0 && writesSinceSync % config.fsyncEvery == 0 {
                    if !commit(w: &w) || !syncFiles(.fsync, w: &w) { running = false; break }
                } else if config.fdatasyncEvery > 0 && writesSinceSync % config.fdatasyncEvery == 0 {
                    if !commit(w: &w) || !syncFiles(.fdatasync, w: &w) { running = false; break }
                }
            }
        }
        if E.isSynchronous {
            if passDone && running { running = startNextPass(w: &w) }
            continue
        }
        // Reap: wait when the queue is full or we are draining; otherwise just look. A wait that follows
        // a submit happens inside the submit's own system call.
        if w.freeCount == 0 { refilling = false }
        let mustWait = passDone || !running || !refilling || paced
        let minimum = inflight > 0 && mustWait ? max(1, min(config.completeMin, inflight)) : 0
        if !commit(w: &w, waitingFor: running ? minimum : 0) { running = false }
        if inflight > 0 {
            if !reap(min: minimum, w: &w) { running = false }
            if inflight <= config.iodepthLow { refilling = true }
        }
        if passDone && inflight == 0 && running { running = startNextPass(w: &w) }
        if !running {
            // Drain what is in flight before leaving; its buffers and slots are ours.
            while inflight > 0 {
                let got = engine.getEvents(min: inflight, max: reapMax, units: w.units, completed: w.completed)
                // An error from getEvents ends the drain; a failed I/O among the completions is recorded but
                // ends nothing (the worker is leaving anyway).
                if got < 0 { break }
                if got > 0 { _ = completeReaped(got, w: &w) }
            }
        }
    }

    if config.endFsync && w.fatalError == nil { _ = syncFiles(.fsync, w: &w) }
    w.stats.finish(atNs: monotonicNanoseconds())
}
