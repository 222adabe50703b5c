import JobFile

/// The numbers one worker's I/O loop needs, taken out of `JobSpec` before the thread starts so the
/// loop reads plain fields (no strings, no optionals to unwrap per I/O).
public struct WorkerConfig: Sendable {
    public var random: Bool
    /// Percent of I/Os that are reads: 100 read-only, 0 write-only.
    public var readPercent: UInt32
    public var useRandomMap: Bool
    /// `rw=…:N`: for random patterns, I/Os per random offset; for sequential ones, the gap in bytes.
    public var sequenceModifier: UInt64
    public var iodepth: Int
    public var batchSubmit: Int
    public var completeMin: Int
    public var completeMax: Int
    public var iodepthLow: Int
    /// Bytes per pass over the files (`io_size`, else `size`).
    public var bytesPerLoop: UInt64
    public var loops: Int
    public var timeBased: Bool
    /// 0: no time limit.
    public var runtimeNs: UInt64
    public var rampNs: UInt64
    public var startDelayNs: UInt64
    public var fsyncEvery: Int
    public var fdatasyncEvery: Int
    public var endFsync: Bool
    /// Minimum ns between I/O issues (from `rate_iops`/`rate`); 0: unpaced.
    public var issueIntervalNs: UInt64
    public var continueOnError: ContinueOnError
    public var seed: UInt64

    public init(spec: JobSpec, bytesPerLoop: UInt64, seed: UInt64) {
        random = spec.rw.isRandom
        switch (spec.rw.reads, spec.rw.writes) {
        case (true, true): readPercent = spec.rwmixread
        case (true, false): readPercent = 100
        default: readPercent = 0
        }
        // fio: blockalign turns the random map off; lfsr never repeats a block by construction.
        useRandomMap = (!spec.norandommap && spec.blockAlign == nil) || spec.randomGenerator == .lfsr
        sequenceModifier = spec.rwSequenceModifier
        iodepth = max(spec.iodepth, 1)
        batchSubmit = spec.iodepthBatchSubmit == 0 ? iodepth : min(spec.iodepthBatchSubmit, iodepth)
        completeMin = min(spec.iodepthBatchCompleteMin, iodepth)
        completeMax = min(spec.iodepthBatchCompleteMax ?? iodepth, iodepth)
        iodepthLow = min(spec.iodepthLow ?? iodepth, iodepth)
        self.bytesPerLoop = bytesPerLoop
        loops = max(spec.loops, 1)
        timeBased = spec.timeBased
        runtimeNs = spec.runtimeNs ?? 0
        rampNs = spec.rampTimeNs
        startDelayNs = spec.startDelayNs
        fsyncEvery = spec.fsync
        fdatasyncEvery = spec.fdatasync
        endFsync = spec.endFsync
        issueIntervalNs = WorkerConfig.issueInterval(spec)
        continueOnError = spec.continueOnError
        self.seed = seed
    }

    /// The pacing interval from `rate_iops` or `rate` (bytes/s, using the mean block size).
    static func issueInterval(_ spec: JobSpec) -> UInt64 {
        let direction: DataDirection = spec.rw.reads ? .read : .write
        if let iops = spec.rateIOPS?[direction], iops > 0 { return 1_000_000_000 / iops }
        if let bytes = spec.rateBytes?[direction], bytes > 0 {
            let bs = spec.blockSize[direction]
            return UInt64((Double(bs) / Double(bytes)) * 1e9)
        }
        return 0
    }

    /// Whether an I/O error of this direction lets the job go on (fio's `continue_on_error`).
    public func continues(afterErrorIn direction: DataDirection) -> Bool {
        switch continueOnError {
        case .none, .verify: return false
        case .all, .io: return true
        case .read: return direction == .read
        case .write: return direction == .write
        }
    }
}
