// ZFS accounting, step 2 of 3, judge (docs/ARCHITECTURE.md, "The accounting chain"): per job, what the job did,
// what the rules (DirectIORules.swift) predict,
// what ZFS counted (ZFSKstatDelta), and the inferred fallbacks. There is no fallback counter in
// ZFS; a fallback is an I/O the job asked to be direct that the direct counters did not see.

/// One direction (reads or writes) of a job, as the job issued it.
public struct ZFSRequestShape: Sendable, Equatable, Codable {
    /// I/Os that completed.
    public var ios: UInt64
    /// Bytes those I/Os transferred.
    public var bytes: UInt64
    /// I/Os that failed with EINVAL (not in `ios`).
    public var einvalErrors: UInt64
    /// Shortest and longest request. Lengths are multiples of the shortest (fio's `bsrange` rule).
    public var minBlockSize: UInt64
    public var maxBlockSize: UInt64
    /// Largest power of two dividing every file offset used (512 for `offset=512`; the block size
    /// for block-aligned I/O).
    public var offsetAlignment: UInt64

    public init(
        ios: UInt64, bytes: UInt64, einvalErrors: UInt64 = 0, minBlockSize: UInt64, maxBlockSize: UInt64? = nil,
        offsetAlignment: UInt64
    ) {
        self.ios = ios
        self.bytes = bytes
        self.einvalErrors = einvalErrors
        self.minBlockSize = minBlockSize
        self.maxBlockSize = maxBlockSize ?? minBlockSize
        self.offsetAlignment = offsetAlignment
    }

    public static let none = ZFSRequestShape(ios: 0, bytes: 0, minBlockSize: 4096, offsetAlignment: 4096)

    var issued: UInt64 { ios + einvalErrors }
}

/// What a job did, as far as Direct I/O is concerned.
public struct ZFSJobIO: Sendable, Equatable, Codable {
    public var read: ZFSRequestShape
    public var write: ZFSRequestShape
    /// The file was opened with O_DIRECT (for a loop device target: the loop's direct I/O to its
    /// backing file is in effect, per /sys/block/loopN/loop/dio).
    public var oDirect: Bool
    /// Largest power of two dividing every buffer address: the page size or more for page-aligned
    /// buffers (fio aligns them with direct=1 or iomem_align=4096; malloc'ed ones are not).
    /// The loop driver always passes page-aligned kernel pages.
    public var bufferAlignment: UInt64
    /// Files that were empty when the job first wrote them. The first write to each grows the
    /// file's block size, and such a write goes through the ARC.
    public var filesGrownFromEmpty: UInt64
    /// The I/O reaches the dataset through a loop device, so the dataset's per-request counters
    /// do not match the job's requests one to one.
    public var viaLoopDevice: Bool

    public init(
        read: ZFSRequestShape = .none, write: ZFSRequestShape = .none, oDirect: Bool, bufferAlignment: UInt64,
        filesGrownFromEmpty: UInt64 = 0, viaLoopDevice: Bool = false
    ) {
        self.read = read
        self.write = write
        self.oDirect = oDirect
        self.bufferAlignment = bufferAlignment
        self.filesGrownFromEmpty = filesGrownFromEmpty
        self.viaLoopDevice = viaLoopDevice
    }
}

/// The dataset the job ran on.
public struct ZFSDatasetSettings: Sendable, Equatable, Codable {
    public var pool: String
    public var dataset: String
    public var direct: ZFSDirectProperty
    public var recordsize: UInt64

    public init(pool: String, dataset: String, direct: ZFSDirectProperty, recordsize: UInt64) {
        self.pool = pool
        self.dataset = dataset
        self.direct = direct
        self.recordsize = recordsize
    }
}

public enum ZFSAccountingVerdict: String, Sendable, Codable {
    case asExpected = "as expected"
    case fewerDirectThanExpected = "fewer direct I/Os than the rules predict"
    /// A Direct I/O read of a block whose dbuf is still cached copies it from memory: no zio, so
    /// neither `direct_read_count` nor an ARC miss (OpenZFS dmu_direct.c). Reads the rules send
    /// direct that were counted neither way found their blocks cached.
    case someReadsServedFromCache = "as expected; some reads found their block cached in memory and were copied from it"
    case moreDirectThanExpected = "more direct I/Os than the rules predict"
    case missingEINVAL = "no EINVAL where the rules predict one"
    case unexpectedEINVAL = "EINVAL where the rules predict none"
    case noIO = "no I/O"
}

/// Reads or writes of one job: prediction, counts and inference.
public struct ZFSDirectionOutcome: Sendable, Equatable, Codable {
    public var completed: UInt64
    public var einvalErrors: UInt64
    public var alignment: ZFSRequestAlignment
    /// The path the rules predict, why, and where the rule comes from.
    public var predictedPath: ZFSIOPath
    public var rule: String
    public var ruleSource: String
    /// I/Os the job asked to be direct: those issued with O_DIRECT, or page-aligned ones under
    /// `direct=always`.
    public var askedDirect: UInt64
    /// Direct I/Os the rules predict ZFS will count.
    public var expectedDirectIOs: UInt64
    /// Blocks one request covers: `direct_*_count` counts blocks, so counted I/Os are blocks / this.
    public var blocksPerIO: UInt64
    public var directBlocksCounted: UInt64
    public var directBytesCounted: UInt64
    public var directIOsCounted: UInt64
    /// `arc_*_count` / `_bytes` deltas (pool-wide; reads are ARC misses only).
    public var arcCount: UInt64
    public var arcBytes: UInt64
    /// Asked to be direct but not counted as direct: went through the ARC (or were uncached).
    public var fallbacks: UInt64
    public var verdict: ZFSAccountingVerdict
}

/// The Direct I/O outcome of one job, for the text and JSON reports.
public struct ZFSAccountingOutcome: Sendable, Equatable, Codable {
    public var zfsVersion: String
    public var ruleset: ZFSRuleset
    public var pool: String
    public var dataset: String
    public var direct: ZFSDirectProperty
    /// `direct` after `zfs_dio_enabled=0` is applied.
    public var effectiveDirect: ZFSEffectiveDirect
    public var recordsize: UInt64
    public var dioStrict: Bool?
    public var read: ZFSDirectionOutcome
    public var write: ZFSDirectionOutcome
    /// Signs that other activity is in the pool-wide counts.
    public var pollutionWarnings: [String]
    public var notes: [String]

    public var fallbacks: UInt64 { read.fallbacks + write.fallbacks }
    public var asExpected: Bool {
        [ZFSAccountingVerdict.asExpected, .noIO, .someReadsServedFromCache].contains(read.verdict)
            && [ZFSAccountingVerdict.asExpected, .noIO].contains(write.verdict)
    }
}

public enum ZFSDirectAccounting {
    /// Metadata and small ZIL writes the lab saw around every job (tens of KiB at most).
    static let metadataSlackBytes: UInt64 = 1 << 20
    /// `zfetch_max_distance` default since 2.2, used when the module does not say.
    static let defaultPrefetchDistance: UInt64 = 64 << 20

    public static func account(
        job: ZFSJobIO, dataset: ZFSDatasetSettings, module: ZFSModuleInfo,
        delta: ZFSKstatDelta, pageSize: UInt64 = 4096
    ) -> ZFSAccountingOutcome {
        let ruleset = ZFSRuleset.of(module)
        let effective = ZFSEffectiveDirect(dataset.direct, dioEnabled: module.dioEnabled)
        let strict = module.dioStrict ?? false
        let rs = max(dataset.recordsize, 1)

        func direction(_ shape: ZFSRequestShape, isWrite: Bool) -> ZFSDirectionOutcome {
            let alignment = classify(shape, bufferAlignment: job.bufferAlignment, recordsize: rs, pageSize: pageSize)
            let rule = ZFSDirectRules.rule(
                ruleset: ruleset, setting: effective, oDirect: job.oDirect,
                alignment: alignment, strict: strict)
            let path = isWrite ? rule.write : rule.read
            let asked: UInt64
            if job.oDirect {
                asked = shape.ios
            } else {
                asked = effective == .always && ruleset != .noDirectIO && alignment != .misaligned ? shape.ios : 0
            }
            // The first write into an empty file grows its block size and goes through the ARC.
            let grown = isWrite ? min(job.filesGrownFromEmpty, shape.ios) : 0
            let expected = path == .direct ? shape.ios - grown : 0
            // direct_*_count adds one per block (record) a request covers, not one per request:
            // a 1 MiB read of 128 KiB records adds 8, a 4 KiB read adds 1 (and 128 KiB to
            // direct_read_bytes, since the whole block is read). Dividing by the blocks one request
            // covers, ceil(request length / recordsize) for record-aligned requests, turns blocks
            // back into requests.
            let avg = shape.ios > 0 ? ceilDiv(shape.bytes, shape.ios) : shape.minBlockSize
            let blocksPerIO = max(1, ceilDiv(avg, rs))
            let blocks = isWrite ? delta.directWriteCount : delta.directReadCount
            let counted = blocks / blocksPerIO
            let verdict: ZFSAccountingVerdict
            if shape.issued == 0 {
                // A loop device's writes can make ZFS read blocks too: no verdict without requests.
                verdict = blocks == 0 || job.viaLoopDevice ? .noIO : .moreDirectThanExpected
            } else if path == .einval {
                verdict =
                    shape.einvalErrors > 0 ? (blocks == 0 ? .asExpected : .moreDirectThanExpected) : .missingEINVAL
            } else if shape.einvalErrors > 0 {
                verdict = .unexpectedEINVAL
            } else if job.viaLoopDevice {
                // ZFS sees the loop driver's requests, not the job's: the driver splits them, each
                // split piece can straddle one more record, and a block still cached from an
                // earlier buffered write is not counted. At least the job's blocks less one per
                // request; at most what the splitting can cause, the pollution bound's twice the
                // blocks of every request (the lab saw 511 to 615 blocks for 512 on 2.3.9).
                let expectedBlocks = expected * blocksPerIO
                let slack = shape.issued
                let most = 2 * expected * (blocksPerIO + 1) + slack
                verdict =
                    blocks + slack < expectedBlocks
                    ? .fewerDirectThanExpected
                    : (blocks > most ? .moreDirectThanExpected : .asExpected)
            } else if !isWrite, counted < expected, delta.arcReadBytes < (expected - counted) * blocksPerIO * rs {
                // The missing direct reads did not miss the ARC either (its misses, metadata included,
                // are less than their whole blocks): their blocks were in memory.
                verdict = .someReadsServedFromCache
            } else {
                verdict =
                    counted == expected
                    ? .asExpected : (counted < expected ? .fewerDirectThanExpected : .moreDirectThanExpected)
            }
            return ZFSDirectionOutcome(
                completed: shape.ios, einvalErrors: shape.einvalErrors, alignment: alignment,
                predictedPath: path, rule: rule.reason, ruleSource: rule.source,
                askedDirect: asked, expectedDirectIOs: expected, blocksPerIO: blocksPerIO,
                directBlocksCounted: blocks,
                directBytesCounted: isWrite ? delta.directWriteBytes : delta.directReadBytes,
                directIOsCounted: counted,
                arcCount: isWrite ? delta.arcWriteCount : delta.arcReadCount,
                arcBytes: isWrite ? delta.arcWriteBytes : delta.arcReadBytes,
                fallbacks: asked > counted ? asked - counted : 0,
                verdict: verdict)
        }

        var notes: [String] = []
        switch ruleset {
        case .noDirectIO:
            notes.append(
                "OpenZFS \(module.version) has no Direct I/O: O_DIRECT is served by the ARC and there are no direct counters"
            )
        case .v2_4:
            notes.append(
                "OpenZFS 2.4+ rules (uncached fallback, zfs_dio_strict=\(strict ? 1 : 0)) are from the documentation and not yet checked in the lab"
            )
        case .v2_3: break
        }
        if module.dioEnabled == false {
            notes.append("zfs_dio_enabled=0: all I/O goes through the ARC, as with direct=disabled")
        }
        if job.viaLoopDevice {
            notes.append(
                "through a loop device ZFS counts the loop driver's requests, which it splits: direct blocks are checked against a range (the job's blocks less one per request, up to twice the blocks its requests can touch)"
            )
        }
        if job.filesGrownFromEmpty > 0, job.write.ios > 0 {
            notes.append(
                "\(min(job.filesGrownFromEmpty, job.write.ios)) first write(s) into empty files grow the block size and go through the ARC"
            )
        }

        return ZFSAccountingOutcome(
            zfsVersion: module.version.raw, ruleset: ruleset, pool: dataset.pool, dataset: dataset.dataset,
            direct: dataset.direct, effectiveDirect: effective, recordsize: dataset.recordsize,
            dioStrict: module.dioStrict,
            read: direction(job.read, isWrite: false), write: direction(job.write, isWrite: true),
            pollutionWarnings: pollution(
                job: job, dataset: dataset, module: module, ruleset: ruleset,
                effective: effective, delta: delta, recordsize: rs, pageSize: pageSize),
            notes: notes)
    }

    /// Where a direction's requests stand against what Direct I/O needs.
    public static func classify(
        _ shape: ZFSRequestShape, bufferAlignment: UInt64, recordsize: UInt64,
        pageSize: UInt64 = 4096
    ) -> ZFSRequestAlignment {
        func multiple(_ v: UInt64, of m: UInt64) -> Bool { m > 0 && v % m == 0 }
        guard multiple(bufferAlignment, of: pageSize), multiple(shape.offsetAlignment, of: pageSize),
            multiple(shape.minBlockSize, of: pageSize)
        else { return .misaligned }
        return multiple(shape.offsetAlignment, of: recordsize) && multiple(shape.minBlockSize, of: recordsize)
            ? .recordAligned : .pageAligned
    }

    /// Counter deltas larger than the job could have caused mean other I/O is in the counts.
    static func pollution(
        job: ZFSJobIO, dataset: ZFSDatasetSettings, module: ZFSModuleInfo, ruleset: ZFSRuleset,
        effective: ZFSEffectiveDirect, delta: ZFSKstatDelta, recordsize rs: UInt64,
        pageSize: UInt64
    ) -> [String] {
        var out: [String] = []
        let pool = dataset.pool
        if delta.countersRestarted {
            out.append(
                "the iostats counters of pool \(pool) restarted during the job (export/import?): the deltas cover only part of it"
            )
        }
        // Direct I/O is possible at all only with Direct I/O support, a setting that allows it and
        // O_DIRECT or direct=always. A request covers at most ceil(max length / recordsize) + 1
        // blocks (one more when it straddles a record boundary).
        let directPossible = ruleset != .noDirectIO && effective != .disabled && (job.oDirect || effective == .always)
        func maxBlocks(_ s: ZFSRequestShape) -> UInt64 { s.issued * (ceilDiv(s.maxBlockSize, rs) + 1) }
        // Through a loop device the driver splits requests (each piece may straddle a record),
        // reads ahead, and its writes can read blocks too: allow twice the blocks, both
        // directions' requests for reads, and 4 MiB of readahead.
        let loop = job.viaLoopDevice
        let readBlocks =
            loop ? 2 * (maxBlocks(job.read) + maxBlocks(job.write)) + ceilDiv(4 << 20, rs) : maxBlocks(job.read)
        let writeBlocks = loop ? 2 * maxBlocks(job.write) : maxBlocks(job.write)
        let checks: [(String, UInt64, UInt64, ZFSRequestShape, String)] = [
            ("direct_read_count", delta.directReadCount, readBlocks, job.read, "reads"),
            ("direct_write_count", delta.directWriteCount, writeBlocks, job.write, "writes"),
        ]
        for (name, value, blocks, shape, what) in checks {
            let bound = directPossible ? blocks : 0
            if value > bound {
                out.append(
                    "\(name) of pool \(pool) rose by \(value) blocks, more than the job's \(shape.issued) \(what) can cause (at most \(bound)): other I/O on the pool is in the counts"
                )
            }
        }
        // Buffered writes count their own bytes, plus a little metadata.
        let writeBound = job.write.bytes + job.write.bytes / 100 + metadataSlackBytes
        if delta.arcWriteBytes > writeBound {
            out.append(
                "arc_write_bytes of pool \(pool) rose by \(delta.arcWriteBytes), more than the job wrote (\(job.write.bytes)): other writes on the pool are in the counts"
            )
        }
        // ARC misses: whole blocks of every read, prefetch ahead of buffered readers, and the
        // read-modify-write of writes that are not whole records.
        var readBound = maxBlocks(job.read) * rs + metadataSlackBytes
        if job.read.issued > 0 { readBound += module.prefetchMaxDistance ?? defaultPrefetchDistance }
        readBound += maxBlocks(job.write) * rs
        if delta.arcReadBytes > readBound {
            out.append(
                "arc_read_bytes of pool \(pool) rose by \(delta.arcReadBytes), more than the job's I/O can miss (at most \(readBound)): other reads on the pool are in the counts"
            )
        }
        // Per-dataset counters: any other dataset's reads and writes are someone else's.
        for (name, d) in delta.objsets.sorted(by: { $0.key < $1.key })
        where name != dataset.dataset && (d.reads > 0 || d.writes > 0) {
            out.append(
                "dataset \(name) on pool \(pool) did \(d.reads) reads and \(d.writes) writes during the job: its I/O is in the pool-wide counts"
            )
        }
        // The job's own dataset counts successful requests one to one (not through a loop device).
        if !job.viaLoopDevice, let own = delta.objsets[dataset.dataset] {
            func bound(_ n: UInt64) -> UInt64 { n + n / 100 + 16 }
            if own.reads > bound(job.read.ios) || own.writes > bound(job.write.ios) {
                out.append(
                    "dataset \(dataset.dataset) saw \(own.reads) reads and \(own.writes) writes, more than the job's \(job.read.ios) and \(job.write.ios): something else uses the dataset"
                )
            }
        }
        return out
    }
}

func ceilDiv(_ a: UInt64, _ b: UInt64) -> UInt64 {
    b == 0 ? 0 : (a + b - 1) / b
}
