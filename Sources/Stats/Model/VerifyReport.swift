/// What a job's data verification found (fio's `verify=`): JSON `diobench.verify`. Plain data: the
/// runner fills it from its workers, the reports print it.
public struct VerifyReport: Sendable, Equatable, Codable {
    /// "crc32c", "sha256" or "pattern".
    public var method: String
    /// "write" (blocks written by this job, read back after the pass or every `verify_backlog` writes)
    /// or "read" (a read-only job checking every block it reads).
    public var mode: String
    /// Write mode: whether the written blocks are read back in this run (false with `do_verify=0`,
    /// or `time_based` without `verify_backlog`: then only a later read-only job checks them).
    public var readBack: Bool?
    /// The identity written into each block's header and expected back: a hash of the job name
    /// and the job's `randseed` (see docs/SAFETY.md).
    public var jobID: UInt32
    public var seed: UInt64
    public var blocksChecked: UInt64 = 0
    public var bytesChecked: UInt64 = 0
    public var blocksFailed: UInt64 = 0
    /// Written blocks not read back because a later write of the same pass overlapped them (several
    /// block sizes, a pass wrapping around, norandommap): their bytes are no longer there to check.
    public var blocksOverwritten: UInt64?
    public var byKind = VerifyKindCounts()
    /// The first failures, in the order they were found.
    public var failures: [VerifyFailureReport] = []
    /// Failures counted but not listed (only the first few per worker are kept).
    public var failuresNotListed: UInt64?
    /// `verify_fatal=1` stopped the job at its first failure.
    public var stoppedAtFirstFailure: Bool?

    public init(method: String, mode: String, jobID: UInt32, seed: UInt64) {
        self.method = method
        self.mode = mode
        self.jobID = jobID
        self.seed = seed
    }

    /// Adds another worker's findings (numjobs clones or a reporting group).
    public mutating func merge(_ other: VerifyReport) {
        blocksChecked += other.blocksChecked
        bytesChecked += other.bytesChecked
        blocksFailed += other.blocksFailed
        let overwritten = (blocksOverwritten ?? 0) + (other.blocksOverwritten ?? 0)
        blocksOverwritten = overwritten > 0 ? overwritten : nil
        byKind.add(other.byKind)
        failures += other.failures
        let notListed = (failuresNotListed ?? 0) + (other.failuresNotListed ?? 0)
        failuresNotListed = notListed > 0 ? notListed : nil
        if other.stoppedAtFirstFailure == true { stoppedAtFirstFailure = true }
    }

    enum CodingKeys: String, CodingKey {
        case method, mode, readBack = "read_back", jobID = "job_id", seed, blocksChecked = "blocks_checked",
            bytesChecked = "bytes_checked"
        case blocksFailed = "blocks_failed", blocksOverwritten = "blocks_overwritten", byKind = "by_kind", failures,
            failuresNotListed = "failures_not_listed"
        case stoppedAtFirstFailure = "stopped_at_first_failure"
    }
}

/// Failed blocks per kind; kinds with no failure are left out of the JSON.
public struct VerifyKindCounts: Sendable, Equatable, Codable {
    /// Same header, different payload: a torn or corrupted write.
    public var torn: UInt64 = 0
    /// An older generation of the block: the latest write was lost.
    public var stale: UInt64 = 0
    /// A block written for another offset.
    public var misdirected: UInt64 = 0
    /// All zeros: never written, or zeroed/trimmed since.
    public var notWritten: UInt64 = 0
    /// No usable header.
    public var headerCorrupt: UInt64 = 0
    /// Another job's, another run's (seed) or a later pass's block.
    public var foreign: UInt64 = 0
    /// verify=pattern: not the pattern.
    public var patternMismatch: UInt64 = 0
    /// The read returned fewer bytes than the block.
    public var shortRead: UInt64 = 0

    public init() {}

    /// The kinds, as `VerifyOutcome.kind` names them, in this struct's (and the JSON's) order.
    public static let names = [
        "torn", "stale", "misdirected", "not-written", "header-corrupt", "foreign", "pattern-mismatch", "short-read",
    ]

    private var all: [UInt64] {
        [torn, stale, misdirected, notWritten, headerCorrupt, foreign, patternMismatch, shortRead]
    }

    /// (kind, count) for the kinds that occurred, in a fixed order; kinds as in `VerifyOutcome.kind`.
    public var nonZero: [(kind: String, count: UInt64)] {
        zip(Self.names, all).filter { $0.1 > 0 }.map { (kind: $0.0, count: $0.1) }
    }

    public subscript(kind: String) -> UInt64 {
        get { zip(Self.names, all).first { $0.0 == kind }?.1 ?? 0 }
        set {
            switch kind {
            case "torn": torn = newValue
            case "stale": stale = newValue
            case "misdirected": misdirected = newValue
            case "not-written": notWritten = newValue
            case "header-corrupt": headerCorrupt = newValue
            case "foreign": foreign = newValue
            case "pattern-mismatch": patternMismatch = newValue
            case "short-read": shortRead = newValue
            default: break
            }
        }
    }

    public mutating func add(_ other: VerifyKindCounts) {
        for name in Self.names { self[name] += other[name] }
    }

    struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: Key.self)
        for (kind, count) in nonZero { try c.encode(count, forKey: Key(stringValue: kind)) }
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: Key.self)
        for key in c.allKeys { self[key.stringValue] = try c.decode(UInt64.self, forKey: key) }
    }
}

/// One failed block: where, what kind, and what was expected against what was found.
public struct VerifyFailureReport: Sendable, Equatable, Codable {
    public var file: String
    /// Byte offset of the block in the file or device.
    public var offset: UInt64
    public var length: UInt64
    /// "torn", "stale", "misdirected", "not-written", "header-corrupt", "foreign", "pattern-mismatch", "short-read".
    public var kind: String
    /// torn and pattern-mismatch: the first and last differing byte (file offsets) and how many differ.
    public var firstBadOffset: UInt64?
    public var lastBadOffset: UInt64?
    public var badBytes: UInt64?
    /// misdirected: the offset the block was written for.
    public var writtenFor: UInt64?
    /// What should be there and what is, in words or bytes ("9c 01 ff", "offset 0x20000", "generation 2").
    public var expected: String
    public var found: String
    /// The whole explanation, as printed on stderr.
    public var message: String

    public init(
        file: String, offset: UInt64, length: UInt64, kind: String, expected: String, found: String, message: String
    ) {
        self.file = file
        self.offset = offset
        self.length = length
        self.kind = kind
        self.expected = expected
        self.found = found
        self.message = message
    }

    enum CodingKeys: String, CodingKey {
        case file, offset, length, kind, firstBadOffset = "first_bad_offset", lastBadOffset = "last_bad_offset"
        case badBytes = "bad_bytes", writtenFor = "written_for", expected, found, message
    }
}
