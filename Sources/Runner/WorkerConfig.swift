import Glibc
import JobFile
import Vocabulary

/// The numbers one worker's I/O loop needs, taken out of `JobSpec` before the thread starts so the
/// loop reads plain fields (no strings, no optionals to unwrap per I/O).
public struct WorkerConfig: Sendable {
    public var random: Bool
    /// Percent of I/Os that are reads: 100 read-only, 0 write-only.
    public var readPercent: UInt32
    public var useRandomMap: Bool
    /// `rw=…:N`: for random patterns, I/Os per random offset; for sequential ones, the gap in bytes.
    public var sequenceModifier: UInt64
    /// `rw=write:4k`: the hole before each sequential I/O. fio ends a pass with holes when the file is done, not
    /// only at the byte budget (which counts the I/O only), so such jobs pick their files through `pickFile`.
    public var holeBytes: UInt64
    /// `rw=read:-8k`: sequential offsets step back by `sequenceModifier`.
    public var sequenceBackward: Bool
    /// `rw_sequencer=identical`: the I/Os between random offsets repeat the last one.
    public var identicalRuns: Bool
    public var iodepth: Int
    public var batchSubmit: Int
    public var completeMin: Int
    public var completeMax: Int
    public var iodepthLow: Int
    /// Bytes per pass over the files (`io_size`, else `size`).
    public var bytesPerLoop: UInt64
    public var loops: Int
    /// `number_ios`: I/Os issued per pass before it ends (0: no limit).
    public var iosPerPass: UInt64
    public var timeBased: Bool
    /// 0: no time limit.
    public var runtimeNs: UInt64
    public var rampNs: UInt64
    public var startDelayNs: UInt64
    public var fsyncEvery: Int
    public var fdatasyncEvery: Int
    public var endFsync: Bool
    /// `fsync=N` or `fdatasync=N` is set: the loop counts writes and issues the syncs.
    public var periodicSync: Bool
    /// `exitall`: when this worker is done, the jobs running beside it finish too.
    public var exitAll: Bool
    /// `exitall_on_error`: the same, when this worker ends in an error.
    public var exitAllOnError: Bool
    /// `refill_buffers` (and not `zero_buffers`): new bytes in the buffer before every write.
    public var refillBuffers: Bool
    /// `scramble_buffers`, where fio applies it: each sector of a write buffer stamped before the write.
    public var scrambleBuffers: Bool
    /// fio's `rate_iops`/`rate`, per direction: each direction keeps its own rate, as in fio.
    public var readRate: RateLimit
    public var writeRate: RateLimit
    /// Either direction has a rate: the loop paces its issues.
    public var hasRateLimit: Bool
    /// `rate_process=poisson`: the gaps are exponential, drawn per I/O (only read when `hasRateLimit`).
    public var poissonRate: Bool
    public var continueOnError: ContinueOnError
    public var seed: UInt64
    /// `thinktime` (0: no pauses, and no thinktime code runs) and its companions.
    public var thinkTime: ThinkTime
    /// thinktime_iotime without thinktime_blocks: only the I/O time triggers a pause (fio's rule).
    public var thinkOnIOTimeOnly: Bool
    /// `file_service_type`: the default (round robin, one I/O per file) keeps the loop's inline rotation;
    /// anything else goes through `IOLoop.pickFile`.
    public var defaultFileService: Bool
    public var fileService: FileService
    /// `fsync_on_close`: fsync each file as the job closes it.
    public var fsyncOnClose: Bool
    /// `latency_target` and its companions; `searchesDepth`: a target is set, so the loop limits its depth.
    public var latencyTarget: LatencyTarget
    public var searchesDepth: Bool
    /// `flow` (0: no flow control, and no flow code runs) and `flow_sleep`.
    public var flowWeight: Int
    public var flowSleepNs: UInt64
    /// The job writes fio log files: each completion goes to the worker's `WorkerLogs`.
    public var logsCompletions: Bool
    /// The slat log of an engine that queues: each submission goes there too.
    public var logsSubmissions: Bool

    public init(spec: JobSpec, bytesPerLoop: UInt64, seed: UInt64) {
        random = spec.rw.isRandom
        switch (spec.rw.reads, spec.rw.writes) {
        case (true, true): readPercent = spec.rwmixread
        case (true, false): readPercent = 100
        default: readPercent = 0
        }
        // fio's blockalign rule is the resolver's (a blockalign other than the smallest block size sets
        // norandommap); lfsr never repeats a block by construction.
        useRandomMap = !spec.norandommap || spec.randomGenerator == .lfsr
        sequenceModifier = spec.rwSequenceModifier
        sequenceBackward = !spec.rw.isRandom && spec.rwSequenceBackward
        holeBytes = spec.rw.isRandom || sequenceBackward ? 0 : spec.rwSequenceModifier
        identicalRuns = spec.rwSequencer == .identical
        // Resolved values, copied as they are: JobResolver.resolveDepths keeps the batch sizes and iodepth_low
        // within iodepth and always sets complete_max and iodepth_low; the option table keeps iodepth ≥ 1, and
        // resolveMisc turns loops=0 into one pass.
        iodepth = spec.iodepth
        batchSubmit = spec.iodepthBatchSubmit
        completeMin = spec.iodepthBatchCompleteMin
        completeMax = spec.iodepthBatchCompleteMax!
        iodepthLow = spec.iodepthLow!
        self.bytesPerLoop = bytesPerLoop
        loops = spec.loops
        iosPerPass = spec.numberIOs
        timeBased = spec.timeBased
        runtimeNs = spec.runtimeNs ?? 0
        rampNs = spec.rampTimeNs
        // startdelay=MIN-MAX: each worker picks its own delay in the range (from its seed, so randrepeat repeats it).
        if let max = spec.startDelayMaxNs, max > spec.startDelayNs {
            var random = RandomSource(seed: seed ^ 0x5354_4152_5444_4C59)
            startDelayNs = spec.startDelayNs + random.next(below: max - spec.startDelayNs + 1)
        } else {
            startDelayNs = spec.startDelayNs
        }
        fsyncEvery = spec.fsync
        fdatasyncEvery = spec.fdatasync
        endFsync = spec.endFsync
        periodicSync = spec.fsync > 0 || spec.fdatasync > 0
        exitAll = spec.exitAll
        exitAllOnError = spec.exitAllOnError
        refillBuffers = spec.refillBuffers && (!spec.zeroBuffers || spec.content.isShaped)
        // fio's rules: zero_buffers (only ever on when written) turns the default off, a written
        // scramble_buffers wins over it; refill_buffers and verify write their own content.
        let zerosAsked = spec.zeroBuffers && !spec.explicitOptions.contains("scramble_buffers")
        scrambleBuffers = spec.scrambleBuffers && !zerosAsked && !spec.refillBuffers && spec.verify.method == .none
        readRate = RateLimit(
            iops: spec.rateIOPS?.read ?? 0, bytesPerSecond: spec.rateBytes?.read ?? 0,
            minBlockSize: spec.blockSizeBounds(.read).min)
        writeRate = RateLimit(
            iops: spec.rateIOPS?.write ?? 0, bytesPerSecond: spec.rateBytes?.write ?? 0,
            minBlockSize: spec.blockSizeBounds(.write).min)
        hasRateLimit = (spec.rw.reads && readRate.isSet) || (spec.rw.writes && writeRate.isSet)
        poissonRate = hasRateLimit && spec.rateProcess == .poisson
        continueOnError = spec.continueOnError
        self.seed = seed
        thinkTime = spec.thinkTime
        thinkOnIOTimeOnly = spec.thinkTime.ioTimeNs > 0 && !spec.explicitOptions.contains("thinktime_blocks")
        defaultFileService = spec.fileService.isDefault && holeBytes == 0
        fileService = spec.fileService
        fsyncOnClose = spec.fsyncOnClose
        latencyTarget = spec.latencyTarget
        searchesDepth = spec.latencyTarget.targetNs > 0
        flowWeight = Int(spec.flow)
        flowSleepNs = spec.flowSleepNs
        logsCompletions = spec.logs.any
        logsSubmissions =
            spec.logs.latLogPrefix != nil && !spec.disableSlat && spec.engine.queues(iodepth: spec.iodepth)
    }

    /// Whether an I/O error of this direction lets the job go on (fio's `continue_on_error`).
    public func continues(afterErrorIn direction: IODirection) -> Bool {
        switch continueOnError {
        case .none, .verify: return false
        case .all, .io: return true
        case .read: return direction == .read
        case .write: return direction == .write
        }
    }
}

/// One direction's rate cap: `rate_iops` (I/Os per second) or `rate` (bytes per second, so the pause
/// after an I/O follows its real length, as fio's byte-based rate does).
public struct RateLimit: Sendable {
    /// ns between I/Os from `rate_iops`; 0 when not set.
    public var nsPerIO: UInt64
    /// `rate`; 0 when not set.
    public var bytesPerSecond: UInt64
    /// rate_process=poisson's mean gap in µs, as fio computes it: 10^6 / (bytes per second / smallest block),
    /// in whole µs (fio's integer division), whichever of `rate`/`rate_iops` is set.
    public var poissonMeanUs: UInt64

    public init(iops: UInt64, bytesPerSecond: UInt64, minBlockSize: UInt64 = 4096) {
        nsPerIO = iops > 0 ? 1_000_000_000 / iops : 0
        self.bytesPerSecond = bytesPerSecond
        // fio turns rate_iops into bytes per second (times the smallest block) and back.
        let perSecond = iops > 0 ? iops : bytesPerSecond / max(minBlockSize, 1)
        poissonMeanUs = perSecond > 0 ? 1_000_000 / perSecond : 0
    }

    public var isSet: Bool { nsPerIO > 0 || bytesPerSecond > 0 }

    /// The time an I/O of `length` bytes uses up of this direction's rate; 0 when unlimited.
    @inline(__always)
    func intervalNs(length: UInt64) -> UInt64 {
        if nsPerIO > 0 { return nsPerIO }
        if bytesPerSecond == 0 { return 0 }
        return UInt64(Double(length) * 1e9 / Double(bytesPerSecond))
    }

    /// rate_process=poisson: an exponential gap with the mean of `poissonMeanUs` (fio's usec_for_io draws
    /// mean × -ln(u) in whole µs). u is in (0, 1], so the gap is finite.
    @inline(__always)
    func poissonIntervalNs(_ random: inout RandomSource) -> UInt64 {
        let u = Double((random.next() >> 11) &+ 1) * 0x1p-53
        let us = Double(poissonMeanUs) * -log(u)
        return UInt64(us) &* 1000
    }
}
