// ZFS accounting, step 3 of 3, report (docs/ARCHITECTURE.md, "The accounting chain"): the JSON model of the
// measured and judged figures; Report/DiobenchTextBlock.swift prints it as text.

/// How many of a job's I/Os ZFS served direct and how many through the ARC: `jobs[].diobench.zfs`.
/// Plain data: the Runner copies it from the ZFS module's `ZFSAccountingOutcome` (`ZFSJobSupport.fill`), the reports
/// print it.
public struct ZFSAccounting: Sendable, Equatable, Codable {
    /// `/sys/module/zfs/version`, e.g. "2.3.9-1".
    public var zfsVersion: String?
    /// Which release's rules were applied (`ZFSRuleset`): "<2.3" (no Direct I/O), "2.3" (EINVAL or silent ARC) or
    /// "2.4+" (uncached I/O).
    public var rules: String?
    public var pool: String
    public var dataset: String?
    /// The dataset's `direct` property during the job ("disabled", "standard", "always").
    public var direct: String?
    public var recordsize: UInt64?
    /// `zfs_dio_strict` (2.4+), when read.
    public var dioStrict: Bool?
    /// Differences of `/proc/spl/kstat/zfs/<pool>/iostats` over the job.
    public var iostats: ZFSIOStatsDelta
    /// Differences of the dataset's objset kstat rows (writes, nwritten, reads, nread, …).
    public var objset: [ZFSCounterDelta]?
    /// I/Os the job asked to be direct (O_DIRECT, or any aligned I/O under `always`).
    public var requestedDirect: ZFSIOCounts?
    /// Inferred: asked to be direct minus what `direct_*` counted (ZFS has no fallback counter).
    public var inferredFallbacks: ZFSIOCounts?
    /// Requests ZFS refused (EINVAL under `standard` on 2.3), from the job's error counts.
    public var rejected: ZFSIOCounts?
    /// Set when the deltas exceed what the job could cause (other pool activity).
    public var pollutionWarning: String?
    public var notes: [String]?
    /// Direct I/Os the version's rules predict ZFS will count.
    public var expectedDirect: ZFSIOCounts?
    /// Direct I/Os ZFS counted: `direct_*_count` is per block, divided by the blocks one request covers.
    public var countedDirect: ZFSIOCounts?
    /// Per direction: the path the rules predict, why, and whether the counts agree.
    public var verdict: ZFSVerdict?
    /// Properties diobench set for the job (restored after it), e.g. "direct=always (was standard, default)".
    public var propertiesSet: [String]?
    /// The dataset (or the scratch pool it is on) was made by diobench for this run.
    public var datasetCreated: Bool?
    /// The known-crash guard's warning (OpenZFS issue 16956), when it allowed the job with one.
    public var guardWarning: String?

    public init(pool: String, iostats: ZFSIOStatsDelta = ZFSIOStatsDelta()) {
        self.pool = pool
        self.iostats = iostats
    }

    enum CodingKeys: String, CodingKey {
        case zfsVersion = "zfs_version", rules, pool, dataset, direct, recordsize, dioStrict = "dio_strict"
        case iostats = "iostats_delta", objset = "objset_delta", requestedDirect = "requested_direct"
        case inferredFallbacks = "inferred_fallbacks", rejected, pollutionWarning = "pollution_warning", notes
        case expectedDirect = "expected_direct", countedDirect = "counted_direct", verdict
        case propertiesSet = "properties_set", datasetCreated = "dataset_created", guardWarning = "guard_warning"
    }
}

/// The rules' prediction per direction and how the counts compare with it.
public struct ZFSVerdict: Sendable, Equatable, Codable {
    public var read: ZFSDirectionVerdict
    public var write: ZFSDirectionVerdict
    /// Both directions as expected (or without I/O).
    public var asExpected: Bool
    public init(read: ZFSDirectionVerdict, write: ZFSDirectionVerdict, asExpected: Bool) {
        self.read = read; self.write = write; self.asExpected = asExpected
    }
    enum CodingKeys: String, CodingKey { case read, write, asExpected = "as_expected" }
}

public struct ZFSDirectionVerdict: Sendable, Equatable, Codable {
    /// "direct", "arc", "uncached" or "einval".
    public var predictedPath: String
    /// "misaligned", "pageAligned" or "recordAligned".
    public var alignment: String
    /// The rule that applied, and where it comes from.
    public var rule: String
    public var ruleSource: String
    /// e.g. "as expected", "fewer direct I/Os than the rules predict", "no I/O".
    public var outcome: String
    public init(predictedPath: String, alignment: String, rule: String, ruleSource: String, outcome: String) {
        self.predictedPath = predictedPath; self.alignment = alignment; self.rule = rule
        self.ruleSource = ruleSource; self.outcome = outcome
    }
    enum CodingKeys: String, CodingKey {
        case predictedPath = "predicted_path", alignment, rule, ruleSource = "rule_source", outcome
    }
}

/// The direct/ARC rows of the pool's `iostats` kstat, as differences over a job.
public struct ZFSIOStatsDelta: Sendable, Equatable, Codable {
    public var directReadCount: Int64 = 0
    public var directReadBytes: Int64 = 0
    public var directWriteCount: Int64 = 0
    public var directWriteBytes: Int64 = 0
    /// ARC misses only: a read served from the ARC increments nothing.
    public var arcReadCount: Int64 = 0
    public var arcReadBytes: Int64 = 0
    public var arcWriteCount: Int64 = 0
    public var arcWriteBytes: Int64 = 0
    /// Every other row of the kstat that changed.
    public var other: [ZFSCounterDelta]?

    public init() {}

    enum CodingKeys: String, CodingKey {
        case directReadCount = "direct_read_count", directReadBytes = "direct_read_bytes"
        case directWriteCount = "direct_write_count", directWriteBytes = "direct_write_bytes"
        case arcReadCount = "arc_read_count", arcReadBytes = "arc_read_bytes"
        case arcWriteCount = "arc_write_count", arcWriteBytes = "arc_write_bytes", other
    }
}

/// One named kstat counter's difference.
public struct ZFSCounterDelta: Sendable, Equatable, Codable {
    public var name: String
    public var delta: Int64
    public init(name: String, delta: Int64) { self.name = name; self.delta = delta }
}

/// Read and write counts (and bytes) of one kind of I/O.
public struct ZFSIOCounts: Sendable, Equatable, Codable {
    public var reads: Int64 = 0
    public var writes: Int64 = 0
    public var readBytes: Int64?
    public var writeBytes: Int64?
    public init(reads: Int64 = 0, writes: Int64 = 0, readBytes: Int64? = nil, writeBytes: Int64? = nil) {
        self.reads = reads; self.writes = writes; self.readBytes = readBytes; self.writeBytes = writeBytes
    }
    enum CodingKeys: String, CodingKey { case reads, writes, readBytes = "read_bytes", writeBytes = "write_bytes" }
}
