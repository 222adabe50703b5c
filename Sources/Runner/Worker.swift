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
    /// What `refill_buffers` (and the buffer content options) put in a write buffer.
    var content: WriteContent
    public var stats: WorkerStats
    /// Data verification (`verify=`); nil when the job does not verify.
    public let verify: WorkerVerify?
    /// The page-cache drop at each new pass (PassCacheDrop); nil when the job does not drop.
    let passCacheDrop: PassCacheDrop?
    /// fio's log files (`write_lat_log`, …); nil when the job writes none.
    public let logs: WorkerLogs?
    /// file_service_type=zipf|pareto|normal: draws over `fileCount << 10` ranges, as fio's, one file per 1024.
    var fileDistribution: BlockDistribution
    /// `fsync_on_close`: the files' descriptors, by cursor slot, for fio's fsync at close; empty otherwise.
    let closeSyncFds: [Int32]
    /// flow: the worker's flow group and the I/Os it counted there; nil without `flow`.
    var flow: FlowGroup?
    var flowIssued = 0
    /// Why the I/O loop ended: the first reason wins.
    public var stop: WorkerStop = .finished
    /// The I/O error that stopped the worker, if one did.
    public var fatalError: IOFailure? {
        if case .ioFailed(let failure) = stop { return failure }
        return nil
    }
    public var stoppedBySignal: Bool { stop == .stopped(bySignal: true) }

    init(
        config: WorkerConfig, cursors: [FileCursor], readSizes: BlockSizePicker, writeSizes: BlockSizePicker,
        buffers: AlignedBufferPool, content: WriteContent, stats: WorkerStats, verify: WorkerVerify? = nil,
        passCacheDrop: PassCacheDrop? = nil, logs: WorkerLogs? = nil, closeSyncFds: [Int32] = [],
        fileDistribution: BlockDistribution = .uniform
    ) {
        self.fileDistribution = fileDistribution
        self.config = config
        self.closeSyncFds = closeSyncFds
        self.verify = verify
        self.passCacheDrop = passCacheDrop
        self.logs = logs
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
        self.content = content
        self.stats = stats
    }

    /// The next file in turn (fio's round robin), wrapping after the last.
    @inline(__always)
    mutating func nextRoundRobinFile() -> Int {
        let file = nextFile
        nextFile = file &+ 1 == fileCount ? 0 : file &+ 1
        return file
    }

    public func deallocate() {
        units.deinitialize(count: config.iodepth)
        units.deallocate()
        freeSlots.deallocate()
        pending.deallocate()
        completed.deallocate()
        for index in 0..<fileCount { cursors[index].deallocate() }
        fileDistribution.deallocate()
        cursors.deinitialize(count: fileCount)
        cursors.deallocate()
        readSizes.deallocate()
        writeSizes.deallocate()
        content.deallocate()
    }
}

/// Why a worker's I/O loop ended.
public enum WorkerStop: Sendable, Equatable {
    /// Every pass is done, or the runtime is over.
    case finished
    /// A signal (`bySignal`) or the end of an `exitall` phase stopped it; what was in flight was drained.
    case stopped(bySignal: Bool)
    /// An I/O failed, and `continue_on_error` does not cover it.
    case ioFailed(IOFailure)
    /// One of the engine's own calls failed (a submit or a reap), not any one I/O.
    case engineFailed(EngineCallFailure)
    /// `verify_fatal`: a block read back did not hold what was written.
    case verifyFailed

    /// An error ended the worker: its job failed. (A stop or a verify finding is reported on its own.)
    public var isError: Bool {
        switch self {
        case .ioFailed, .engineFailed: return true
        case .finished, .stopped, .verifyFailed: return false
        }
    }
}

/// An engine call that failed, with its errno.
public struct EngineCallFailure: Sendable, Equatable {
    public enum Call: String, Sendable {
        /// `commit`: handing queued I/O to the kernel (io_uring_enter's submit).
        case submit
        /// `getEvents`: waiting for or collecting completions.
        case reap
    }
    public var call: Call
    public var errno: Int32
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
/// a signal stops the run; a finished `exitall` job ends the phase (the jobs running beside it); a monitor
/// (steadystate attained, rate_min missed) ends one job. One word is shared by the run: the session's control
/// and each job's view (`forJob`) read it, each with its own mask, so a worker's check stays one load.
public final class RunControl: Sendable {
    private static let signalled: UInt64 = 1, phaseEnding: UInt64 = 2
    /// Bits 2...63 end single jobs: at most this many jobs of a phase can be ended one by one.
    public static let jobBits = 62
    @usableFromInline let word: Word
    @usableFromInline let mask: UInt64
    private let jobBit: UInt64

    @usableFromInline final class Word: Sendable {
        @usableFromInline let flags = Atomic<UInt64>(0)
        init() {}
    }

    public init() {
        word = Word()
        jobBit = 0
        mask = Self.signalled | Self.phaseEnding
    }

    private init(sharing control: RunControl, jobBit: UInt64) {
        word = control.word
        self.jobBit = jobBit
        mask = Self.signalled | Self.phaseEnding | jobBit
    }

    /// The view of the worker with number `slot` (0..<jobBits) of the phase: it also stops when `endJob()` is
    /// called on it.
    public func forJob(slot: Int) -> RunControl {
        precondition((0..<Self.jobBits).contains(slot), "RunControl: slot \(slot) outside 0..<\(Self.jobBits)")
        return RunControl(sharing: self, jobBit: 1 << UInt64(slot + 2))
    }

    /// Stop issuing and drain what is in flight.
    @inlinable public var shouldStop: Bool { word.flags.load(ordering: .relaxed) & mask != 0 }
    /// A signal asked the run to stop: its results are partial.
    public var stopRequested: Bool { word.flags.load(ordering: .relaxed) & Self.signalled != 0 }
    public func requestStop() { word.flags.bitwiseOr(Self.signalled, ordering: .relaxed) }
    /// fio's exitall: the jobs of this phase finish now, with whole results; later phases still run.
    public func endPhase() { word.flags.bitwiseOr(Self.phaseEnding, ordering: .relaxed) }
    /// This job's workers finish now, with whole results (a job view only).
    public func endJob() { word.flags.bitwiseOr(jobBit, ordering: .relaxed) }
    /// A new phase: only a signal's flag carries over.
    public func beginPhase() { word.flags.bitwiseAnd(Self.signalled, ordering: .relaxed) }
}

/// Runs the worker's I/O loop (`IOLoop`) on `engine`, specialized for the engine type and for verify on or off.
@inline(never)
public func runWorker<E: IOEngine>(engine: inout E, state w: inout WorkerState, control: RunControl) {
    // Two specializations: without verify the loop carries no verify code at all, not even a branch.
    if w.verify != nil {
        runLoop(VerifyOn.self, engine: &engine, state: &w, control: control)
    } else {
        runLoop(VerifyOff.self, engine: &engine, state: &w, control: control)
    }
}

/// The loop owns the engine and the state while it runs; they go back to the caller's thread afterwards.
private func runLoop<E: IOEngine, V: VerifySwitch>(
    _: V.Type, engine: inout E, state: inout WorkerState,
    control: RunControl
) {
    var loop = IOLoop<E, V>(engine: engine, state: state, control: control)
    loop.run()
    engine = loop.engine
    state = loop.w
}

/// Whether a specialization of the I/O loop verifies data: a compile-time constant in each.
protocol VerifySwitch { static var on: Bool { get } }
enum VerifyOn: VerifySwitch { static var on: Bool { true } }
enum VerifyOff: VerifySwitch { static var on: Bool { false } }
