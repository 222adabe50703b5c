/// diobench's per-job `"diobench"` object. Each sub-object is filled by the module that knows it
/// (targets, loop devices, ZFS, kernel watch); absent ones are left out of the JSON.
import Vocabulary
public struct JobExtension: Sendable, Equatable, Codable {
    /// Workers merged into this entry (numjobs clones, or the jobs of a group).
    public var members: Int?
    /// Exact wall time the worker(s) ran, ns (fio's `job_runtime` is in ms).
    public var runtimeNs: UInt64?
    /// Exact time per direction, ns (fio's `runtime` per direction is in ms).
    public var elapsedNs: PerDirection<UInt64>?
    /// How latencies were binned (HDR histogram, 3 significant digits, 1 ns … 1 h).
    public var latencyHistogram: HistogramInfo?
    /// The files or devices the job did I/O to, with what statx/statfs said about them.
    public var targets: [TargetInfo]?
    /// The loop device diobench set up for the job.
    public var loop: LoopDeviceReport?
    /// ZFS direct/ARC accounting for the job.
    public var zfs: ZFSAccounting?
    /// Kernel log lines of interest seen while the job ran (oops, BUG, hung task, ZFS events).
    public var kernelEvents: [KernelEvent]?
    /// Failed I/Os: counts per errno and the first few with offset and file.
    public var ioErrors: IOErrorReport?
    /// Text of the error that stopped the job (fio's verror).
    public var errorMessage: String?
    /// The job stopped early (signal or error).
    public var partial: Bool?
    /// Per-interval bytes and I/Os (the samples behind bw_*/iops_*).
    public var rateSeries: RateSeries?
    /// Data verification (`verify=`): blocks checked and what the failed ones held.
    public var verify: VerifyReport?
    /// "crashed" when the kernel crashed during the job (see `crash`); absent otherwise, for tools to test.
    public var status: String?
    /// The kernel crash report that ended the job, and when it came.
    public var crash: KernelCrash?

    public init() {}

    enum CodingKeys: String, CodingKey {
        case members, runtimeNs = "runtime_ns", elapsedNs = "elapsed_ns", latencyHistogram = "latency_histogram"
        case targets, loop, zfs, kernelEvents = "kernel_events", ioErrors = "io_errors"
        case errorMessage = "error_message", partial, rateSeries = "rate_series", verify, status, crash
    }
}

public struct HistogramInfo: Sendable, Equatable, Codable {
    public var kind = "hdr"
    public var significantDigits = 3
    public var lowestNs: UInt64 = 1
    public var highestNs: UInt64 = LatencyHistogram.maxTrackableNs
    public init() {}
    enum CodingKeys: String, CodingKey {
        case kind, significantDigits = "significant_digits", lowestNs = "lowest_ns", highestNs = "highest_ns"
    }
}

/// A file or device a job did I/O to.
public struct TargetInfo: Sendable, Equatable, Codable {
    public var path: String
    /// "file", "block" or "loop".
    public var kind: String?
    /// File system type name ("ext4", "zfs", "tmpfs", …) from statfs.
    public var fsType: String?
    /// statfs `f_type` (ZFS: 0x2fc12fc1).
    public var fsMagic: UInt64?
    /// statx STATX_DIOALIGN: required buffer alignment for O_DIRECT (0: O_DIRECT unsupported).
    public var dioMemAlign: UInt32?
    /// statx STATX_DIOALIGN: required offset/length alignment for O_DIRECT.
    public var dioOffsetAlign: UInt32?
    /// Why the alignment is unknown (e.g. "EOPNOTSUPP", "statx without STATX_DIOALIGN").
    public var dioAlignNote: String?
    /// Block devices: `queue/logical_block_size`.
    public var logicalBlockSize: UInt32?
    /// Alignment diobench used for the I/O buffers (max of page size and dio_mem_align).
    public var bufferAlign: UInt64?
    public var sizeBytes: UInt64?

    public init(path: String) { self.path = path }

    enum CodingKeys: String, CodingKey {
        case path, kind, fsType = "fs_type", fsMagic = "fs_magic", dioMemAlign = "dio_mem_align"
        case dioOffsetAlign = "dio_offset_align", dioAlignNote = "dio_align_note"
        case logicalBlockSize = "logical_block_size", bufferAlign = "buffer_align", sizeBytes = "size_bytes"
    }
}

/// Failed I/Os of a job, for text and JSON.
public struct IOErrorReport: Sendable, Equatable, Codable {
    public var total: UInt64
    public var byErrno: [ErrnoCount]
    public var otherErrnos: UInt64?
    public var samples: [Sample]

    public struct ErrnoCount: Sendable, Equatable, Codable {
        public var errno: Int32
        /// Symbolic name, e.g. "EINVAL".
        public var name: String
        public var count: UInt64
        public init(errno: Int32, name: String, count: UInt64) {
            self.errno = errno; self.name = name; self.count = count
        }
    }

    public struct Sample: Sendable, Equatable, Codable {
        public var errno: Int32
        public var name: String
        /// "read", "write", "trim" or "sync".
        public var op: String
        public var offset: UInt64
        public var length: UInt64
        public var file: String?
        public var atNs: UInt64
        public init(errno: Int32, name: String, op: String, offset: UInt64, length: UInt64, file: String?, atNs: UInt64)
        {
            self.errno = errno; self.name = name; self.op = op; self.offset = offset; self.length = length
            self.file = file; self.atNs = atNs
        }
        enum CodingKeys: String, CodingKey { case errno, name, op, offset, length, file, atNs = "at_ns" }
    }

    public init(total: UInt64, byErrno: [ErrnoCount], otherErrnos: UInt64? = nil, samples: [Sample]) {
        self.total = total; self.byErrno = byErrno; self.otherErrnos = otherErrnos; self.samples = samples
    }

    enum CodingKeys: String, CodingKey { case total, byErrno = "by_errno", otherErrnos = "other_errnos", samples }
}

/// The per-interval samples of a job (interval ends, ns after start, and deltas per direction).
public struct RateSeries: Sendable, Equatable, Codable {
    public var intervalNs: UInt64
    public var samples: [RateSample]
    /// Intervals that did not fit in the preallocated series (their statistics are still counted).
    public var dropped: Int?
    public init(intervalNs: UInt64, samples: [RateSample], dropped: Int? = nil) {
        self.intervalNs = intervalNs; self.samples = samples; self.dropped = dropped
    }
    enum CodingKeys: String, CodingKey { case intervalNs = "interval_ns", samples, dropped }
}
