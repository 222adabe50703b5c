// The resolved form of one job section: every option has its final, typed value.
// The parser fills it from the option table (OptionTable*.swift); the runner reads it.
// Field meanings follow fio's HOWTO unless a comment says otherwise.
import Engines
import Vocabulary

/// `rw=` / `readwrite=`.
public enum RWPattern: String, Codable, Sendable, CaseIterable {
    case read, write, randread, randwrite
    case readwrite = "rw"  // fio accepts both `rw` and `readwrite`; the parser maps the alias
    case randrw
    case trim, randtrim, trimwrite

    public var isRandom: Bool { self == .randread || self == .randwrite || self == .randrw || self == .randtrim }
    public var reads: Bool { self == .read || self == .randread || self == .readwrite || self == .randrw }
    public var writes: Bool {
        self == .write || self == .randwrite || self == .readwrite || self == .randrw || self == .trimwrite
    }
    public var trims: Bool { self == .trim || self == .randtrim || self == .trimwrite }
    /// The directions this pattern issues, in read, write, trim order (never empty).
    public var directions: [IODirection] {
        var used: [IODirection] = []
        if reads { used.append(.read) }
        if writes { used.append(.write) }
        if trims { used.append(.trim) }
        return used
    }
}

/// fio's rw_sequencer: between the random offsets of `rw=randread:N`, go on from the last I/O or repeat it.
public enum RWSequencer: String, Codable, Sendable, CaseIterable {
    case sequential
    case identical
}

public struct SizeRange: Codable, Sendable, Equatable {
    public var min: UInt64
    public var max: UInt64
    public init(min: UInt64, max: UInt64) { self.min = min; self.max = max }
}

/// One `size/percent` entry of `bssplit=`. After parsing, entries are sorted by size and their percents add up
/// to exactly 100: entries written without a percent share what is left equally, and any rounding remainder goes
/// to the last (largest) entry, which is where fio's selection puts it. A percent of 0 means "never chosen".
public struct BlockSizeShare: Codable, Sendable, Equatable {
    public var size: UInt64
    public var percent: UInt32
    public init(size: UInt64, percent: UInt32) { self.size = size; self.percent = percent }
}

/// fio's `rate_process`: how a rated job spaces its I/Os.
public enum RateProcess: String, Codable, Sendable, CaseIterable {
    /// Evenly: each I/O uses up its share of the rate.
    case linear
    /// Exponential gaps of the same mean, so arrivals form a Poisson process (fio's usec_for_io).
    case poisson
}

public enum RandomGenerator: String, Codable, Sendable, CaseIterable {
    case tausworthe, lfsr, tausworthe64
}

/// fio's `fadvise_hint=`: what posix_fadvise(2) is told about each file before the job.
public enum FadviseHint: String, Codable, Sendable, CaseIterable {
    case none = "0"
    case workload = "1"
    case sequential, random
}

/// fio's `cpus_allowed_policy=`: every worker gets the whole set, or one CPU of it each (round robin).
public enum CPUsAllowedPolicy: String, Codable, Sendable, CaseIterable {
    case shared, split

    /// The CPUs worker number `workerNumber` (0-based, counted over the whole run as fio counts its
    /// jobs) may use.
    public func cpus(from allowed: [Int], workerNumber: Int) -> [Int] {
        guard self == .split, !allowed.isEmpty else { return allowed }
        return [allowed[workerNumber % allowed.count]]
    }
}

/// fio's `continue_on_error=` classes.
public enum ContinueOnError: String, Codable, Sendable, CaseIterable {
    case none, read, write, io, verify, all
}

/// A job's options once `[global]` defaults, includes and `${VAR}`s are applied.
public struct JobSpec: Codable, Sendable, Equatable {
    // Where it came from, for error messages and `--parse-only`.
    public var name: String
    public var description: String?
    public var sourceFile: String
    public var sourceLine: Int
    /// Reporting group (fio's `groupid`): starts at 0 and goes up by one at each job with `stonewall` or
    /// `new_group` that follows another job. `group_reporting` decides whether a group is merged, not the number.
    public var group: Int = 0
    /// The options written in this job's own section (includes inlined), canonical names, values after `${VAR}`
    /// expansion, in file order; a repeated option keeps its first position and its last value.
    /// fio's JSON "job options" is `writtenOptions.fioDictionary`.
    public var writtenOptions: [WrittenOption] = []
    /// Canonical names of the options this job got from the file (its own section or a `[global]` above it).
    /// Everything else has its default (or a value derived from other options, e.g. `iodepth_low`).
    public var explicitOptions: Set<String> = []

    // Files.
    /// Explicit `filename=` entries (already split on `:`, `\:` unescaped). Empty: fio's `name.jobnum.filenum` names.
    public var filenames: [String] = []
    /// All `directory=` entries (`:`-separated, `\:` unescaped); numjobs clones with generated names take turns,
    /// explicit filenames use the first (as fio does).
    public var directories: [String] = []
    public var nrfiles: Int = 1
    /// `openfiles=`: fio's limit on files open at once; diobench keeps every file open (the resolver warns).
    public var openFiles: Int?
    /// `create_serialize=`: diobench always lays files out one after another, so both values lay out the same.
    public var createSerialize = true
    /// `filename_format=`: how files are named without `filename=` (see `generatedFileName`).
    public var filenameFormat = JobSpec.defaultFilenameFormat
    /// `filesize=`: each file's own size; a range draws one size per file. The job's `size` then only caps the
    /// bytes of a pass, as in fio.
    public var fileSize: SizeRange?
    /// `allow_file_create=0`: a missing file is an error instead of being laid out.
    public var allowFileCreate = true
    /// Total bytes over all files of this job; nil means "the size of the existing files or devices".
    public var size: UInt64?
    /// `size=N%` of the existing file or device.
    public var sizePercent: Double?
    /// `io_size=`: bytes of I/O to do (default: `size`).
    public var ioSize: UInt64?
    public var offset: UInt64 = 0
    public var offsetPercent: Double?
    public var offsetIncrement: UInt64 = 0
    /// `offset_increment=N%` of the file or device size.
    public var offsetIncrementPercent: Double?

    // Pattern.
    public var rw: RWPattern = .read
    /// fio's `rw=randread:8` style suffix: issue this many I/Os per offset step (sequential gaps). 0 = none.
    public var rwSequenceModifier: UInt64 = 0
    /// `rw=read:-8k`: the sequential suffix is negative, each I/O starts that far before the end of the last.
    public var rwSequenceBackward = false
    /// `rw_sequencer`: what the I/Os between two random offsets of `rw=randread:N` do.
    public var rwSequencer: RWSequencer = .sequential
    public var rwmixread: UInt32 = 50
    public var blockSize = PerDirection<UInt64>(4096)
    public var blockSizeRange: PerDirection<SizeRange>?
    public var bssplit: PerDirection<[BlockSizeShare]>?
    /// `blockalign=`: offsets are multiples of this (default: the minimum block size).
    public var blockAlign: PerDirection<UInt64>?
    /// `iomem_align=`: buffers start this many bytes after a page boundary, as in fio (512 makes them misaligned).
    public var iomemAlign: UInt64 = 0
    /// `zero_buffers`: write buffers hold zeros instead of pseudo-random bytes.
    public var zeroBuffers = false
    /// `scramble_buffers`: stamp each 512-byte sector of a write buffer with its offset and the time
    /// before every write, so deduplication cannot fold the blocks (fio's default).
    public var scrambleBuffers = true
    /// `refill_buffers`: fresh pseudo-random bytes before every write.
    public var refillBuffers = false
    /// `buffer_pattern`, `buffer_compress_*`, `dedupe_*`: what the write buffers hold.
    public var content = BufferContentOptions()
    /// `thinktime` and its companions: pauses between I/Os.
    public var thinkTime = ThinkTime()
    /// `random_distribution=`: uniform or skewed random offsets.
    public var randomDistribution: RandomDistribution = .random
    /// `file_service_type=`: which file each I/O goes to.
    public var fileService = FileService()
    /// `sync=`: O_SYNC or O_DSYNC on every open of the job's files.
    public var syncIO: SyncIOMode = .none

    // Engine.
    public var ioengine: EngineKind = .psync
    public var iodepth: Int = 1
    /// `iodepth_batch_submit=` / `iodepth_batch=`: I/Os queued before one submit. Resolved as fio does:
    /// 0 or more than iodepth becomes iodepth.
    public var iodepthBatchSubmit: Int = 1
    /// `iodepth_batch_complete_min=` / `iodepth_batch_complete=`.
    public var iodepthBatchCompleteMin: Int = 1
    /// `iodepth_batch_complete_max=`. Resolved: never below the min (fio's default is the min, i.e. 1).
    public var iodepthBatchCompleteMax: Int?
    /// Resolved: 0, unset or more than iodepth becomes iodepth.
    public var iodepthLow: Int?
    public var direct: Bool = false
    /// The engine's own options (`EngineDescription.options`), set straight into the config the engine gets;
    /// its `iodepth` is the job's, filled in when a worker is made.
    public var engineOptions = EngineConfig()
    /// What the chosen engine is.
    public var engine: EngineDescription { EngineCatalog[ioengine] }

    // Workers.
    public var numjobs: Int = 1
    public var thread: Bool = false
    /// fio's `cpus_allowed`/`cpumask`: the CPUs the job's workers may run on (sorted, unique); nil: any.
    public var cpusAllowed: [Int]?
    public var cpusAllowedPolicy: CPUsAllowedPolicy = .shared

    // Time, in nanoseconds.
    public var runtimeNs: UInt64?
    public var timeBased: Bool = false
    public var rampTimeNs: UInt64 = 0
    public var startDelayNs: UInt64 = 0
    /// `startdelay=MIN-MAX`: each job picks a delay in [startDelayNs, startDelayMaxNs].
    public var startDelayMaxNs: UInt64?
    public var loops: Int = 1
    /// `number_ios`: I/Os per pass per worker before the pass ends (0: no limit).
    public var numberIOs: UInt64 = 0

    // Syncing.
    public var fsync: Int = 0
    public var fdatasync: Int = 0
    public var endFsync: Bool = false
    /// `fsync_on_close`: each file is fsynced when the job closes it (fio's td_io_close_file).
    public var fsyncOnClose: Bool = false

    // Random offsets.
    /// Seed from `randseed` (repeatable). Written `randseed=` forces this on, as fio's explicit seed does;
    /// false means seeding from the system's randomness.
    public var randrepeat: Bool = true
    /// `allrandrepeat`: every random choice repeats from randseed; diobench draws them all from one seed, so
    /// this makes the whole job repeatable, as in fio.
    public var allRandRepeat: Bool = false
    public var randseed: UInt64 = 0x89
    public var norandommap: Bool = false
    public var randomGenerator: RandomGenerator = .tausworthe

    // File handling.
    public var fallocate: FileAllocation = .native
    public var overwrite: Bool = false
    public var createOnOpen: Bool = false
    public var unlink: Bool = false
    public var invalidate: Bool = true
    public var fadviseHint: FadviseHint = .workload

    // Pacing and errors.
    public var rateIOPS: PerDirection<UInt64>?
    public var rateBytes: PerDirection<UInt64>?
    public var rateProcess: RateProcess = .linear
    public var latencyTarget = LatencyTarget()
    /// fio's `flow`: this job's weight among the jobs of its `flow_id` (0: no flow control).
    public var flow: UInt64 = 0
    public var flowID: UInt64 = 0
    /// `flow_sleep`: how long a held-back worker sleeps (after its I/O in flight completes); 0: it spins.
    public var flowSleepNs: UInt64 = 0
    /// fio's `prio` and `prioclass`: the workers' I/O priority (ioprio_set), when either is written.
    public var ioPriority: UInt64?
    public var ioPriorityClass: UInt64?
    /// `rate_min`, `rate_iops_min`, `rate_cycle`.
    public var rateFloor = RateFloor()
    /// `steadystate`, `ss_dur`, `ss_ramp`.
    public var steadyState = SteadyStateOptions()
    public var continueOnError: ContinueOnError = .none

    // Reporting.
    public var groupReporting: Bool = false
    public var stonewall: Bool = false
    /// `exitall`: this job's end ends the jobs running beside it.
    public var exitAll: Bool = false
    /// `exitall_on_error`: the same, when this job ends in an error.
    public var exitAllOnError: Bool = false
    public var newGroup: Bool = false
    public var waitFor: String?
    public var percentileList: [Double] = JobSpec.fioDefaultPercentiles
    public var clatPercentiles: Bool = true
    public var latPercentiles: Bool = false
    public var slatPercentiles: Bool = false
    /// `disable_slat`, `disable_clat`, `disable_lat` (all three with `gtod_reduce`): fio keeps no such statistic,
    /// and its report shows it empty.
    public var disableSlat = false
    public var disableClat = false
    public var disableLat = false
    /// `disable_bw_measurement`: in fio 3.33 it only stops the per-I/O entries of a bandwidth log.
    public var disableBandwidthMeasurement = false
    public var kbBase: UInt64 = 1024
    /// fio's log files (`write_lat_log`, `write_bw_log`, …).
    public var logs = LogOptions()

    // Safety: fio's `allow_mounted_write`, plus diobench's explicit override for data-bearing targets.
    public var allowMountedWrite: Bool = false
    public var allowOverwriteData: Bool = false

    // diobench extensions, each owned by its own option-table file.
    public var loop: LoopOptions?
    public var zfs: ZFSOptions?
    public var verify: VerifyOptions = VerifyOptions()

    public static let fioDefaultPercentiles: [Double] = [
        1, 5, 10, 20, 30, 40, 50, 60, 70, 80, 90, 95, 99, 99.5, 99.9, 99.95, 99.99,
    ]

    public init(name: String, sourceFile: String, sourceLine: Int) {
        self.name = name
        self.sourceFile = sourceFile
        self.sourceLine = sourceLine
    }
}

/// The job's I/O goes to a loop device that diobench creates over `backingFile` (see the loop-device issue).
public struct LoopOptions: Codable, Sendable, Equatable {
    public var backingFile: String
    /// LO_FLAGS_DIRECT_IO from the loop device to its backing file.
    public var directIO: Bool = false
    /// 512, 1024, 2048 or 4096.
    public var logicalBlockSize: UInt32 = 512
    public var readOnly: Bool = false
    public init(backingFile: String) { self.backingFile = backingFile }
}

public enum ZFSDirectSetting: String, Codable, Sendable, CaseIterable {
    case disabled, standard, always
}

/// ZFS dataset control and accounting for the job (see the ZFS issue).
public struct ZFSOptions: Codable, Sendable, Equatable {
    /// Dataset to use; nil: found from the target file's mount.
    public var dataset: String?
    public var direct: ZFSDirectSetting?
    public var recordsize: UInt64?
    /// A throwaway pool made for the job: its name and its vdevs (`file:SIZE` or device paths).
    public var scratchPool: String?
    /// Each entry is a device path or `file:BYTES` (the job's `file:SIZE` with SIZE resolved to bytes).
    public var scratchVdevs: [String] = []
    /// Run a combination known to crash the kernel (OpenZFS issue 16956) anyway.
    public var allowKnownCrash: Bool = false
    /// Where ZFS is not available: run the job here (a local directory) without the ZFS parts,
    /// with a warning, instead of refusing. nil: refuse.
    public var fallbackDirectory: String?
    public init() {}
}

public enum VerifyMethod: String, Codable, Sendable, CaseIterable {
    case none = "0"
    case crc32c, sha256, pattern
}

/// fio's log file options. A prefix is nil when its log is not written; the resolver turns an empty one into
/// the job's name, as fio does.
public struct LogOptions: Codable, Sendable, Equatable {
    public var latLogPrefix: String?
    public var bwLogPrefix: String?
    public var iopsLogPrefix: String?
    public var histLogPrefix: String?
    /// `log_avg_msec`: 0 logs every I/O.
    public var averageMsec: UInt64 = 0
    /// `log_max_value`: a window's largest value instead of its mean.
    public var maxValue = false
    /// `log_hist_msec`: 0 writes no histogram lines.
    public var histogramMsec: UInt64 = 0
    /// `log_hist_coarseness`: 2^N fio latency bins per column.
    public var histogramCoarseness = 0
    /// `log_offset`: an offset column.
    public var offset = false
    /// `per_job_logs`: the job number in file names.
    public var perJob = true
    /// `log_unix_epoch`, `log_alternate_epoch`: times count from the epoch of a clock (ms), not from the job's start.
    public var unixEpoch = false
    public var alternateEpoch = false
    /// `log_alternate_epoch_clock_id`: that clock (clock_gettime's id; 0 is CLOCK_REALTIME).
    public var alternateEpochClockID: Int32 = 0
    public init() {}

    /// Whether the job writes any log.
    public var any: Bool { latLogPrefix != nil || bwLogPrefix != nil || iopsLogPrefix != nil || histLogPrefix != nil }
}

/// fio's verify options.
public struct VerifyOptions: Codable, Sendable, Equatable {
    public var method: VerifyMethod = .none
    public var doVerify: Bool = true
    public var verifyFatal: Bool = false
    public var verifyBacklog: Int = 0
    public var pattern: [UInt8] = []
    /// `verify_interval`: a verify block (header and checksum) every this many bytes of a write; 0: one per I/O.
    public var interval: UInt64 = 0
    /// `verify_offset`: the header is swapped with the bytes this far into each verify block.
    public var headerOffset: UInt64 = 0
    /// `verify_dump`: a failed block's received and expected bytes go to files, as fio's dump_buf writes them.
    public var dump: Bool = false
    public init() {}
}

/// One option as the job file wrote it. `value` is nil for a bare flag (`direct`, `time_based`).
public struct WrittenOption: Codable, Sendable, Equatable {
    public var name: String
    public var value: String?
    public init(name: String, value: String?) { self.name = name; self.value = value }
}

extension Array where Element == WrittenOption {
    /// The shape of fio's JSON "job options" / "global options": name to value, bare flags left out as fio does.
    public var fioDictionary: [String: String] {
        var out: [String: String] = [:]
        for option in self { if let value = option.value { out[option.name] = value } }
        return out
    }
}
