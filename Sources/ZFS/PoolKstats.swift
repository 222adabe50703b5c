import Foundation
import Targets

/// `/proc/spl/kstat/zfs/<pool>/iostats`: pool-wide counters, among them the Direct I/O and ARC ones.
public struct ZFSIostats: Sendable, Equatable, Codable {
    /// Every numeric row, by kstat name.
    public var counters: [String: UInt64]
    /// The kstat's creation time (ns since boot): a new value means the pool was re-imported and
    /// the counters restarted from zero.
    public var crtime: UInt64

    public init(counters: [String: UInt64], crtime: UInt64) {
        self.counters = counters
        self.crtime = crtime
    }

    public init(_ file: KstatFile) {
        self.init(counters: file.counters, crtime: file.header.crtime)
    }
}

/// `/proc/spl/kstat/zfs/<pool>/objset-0x<id>`: per-dataset VFS counters (`reads`, `writes`,
/// `nread`, `nwritten`, ZIL counters …). Only successful reads and writes are counted: a request
/// that failed with EINVAL leaves them unchanged (lab capture 26).
public struct ZFSObjsetStats: Sendable, Equatable, Codable {
    /// The file name's id, e.g. `0x59`.
    public var objsetID: String
    public var datasetName: String
    public var counters: [String: UInt64]

    public init(objsetID: String, datasetName: String, counters: [String: UInt64]) {
        self.objsetID = objsetID
        self.datasetName = datasetName
        self.counters = counters
    }
}

/// The kstats of one pool at one moment: iostats plus every objset, keyed by dataset name.
public struct ZFSPoolKstats: Sendable, Equatable, Codable {
    public var pool: String
    public var iostats: ZFSIostats
    public var objsets: [String: ZFSObjsetStats]

    public init(pool: String, iostats: ZFSIostats, objsets: [String: ZFSObjsetStats]) {
        self.pool = pool
        self.iostats = iostats
        self.objsets = objsets
    }

    public static let defaultKstatRoot = "/proc/spl/kstat/zfs"

    /// Reads `<kstatRoot>/<pool>/iostats` and every `objset-0x*` next to it.
    public static func snapshot(pool: String, kstatRoot: String = defaultKstatRoot) throws -> ZFSPoolKstats {
        try snapshot(directory: kstatRoot + "/" + pool, pool: pool)
    }

    /// Reads `iostats` and `objset-0x*` from one directory (a live pool's kstat directory or a capture).
    public static func snapshot(directory: String, pool: String) throws -> ZFSPoolKstats {
        let fm = FileManager.default
        let iostatsPath = directory + "/iostats"
        guard fm.fileExists(atPath: iostatsPath) else {
            throw ZFSError.kstatMissing(
                path: iostatsPath,
                hint: "is pool '\(pool)' imported, and is this OpenZFS 2.3 or newer?")
        }
        let iostats = ZFSIostats(try KstatParser.parse(readText(iostatsPath), source: iostatsPath))
        var objsets: [String: ZFSObjsetStats] = [:]
        let names = try fm.contentsOfDirectory(atPath: directory).filter { $0.hasPrefix("objset-0x") }.sorted()
        for name in names {
            let path = directory + "/" + name
            // An objset can vanish between listing and reading (dataset destroyed): skip it.
            guard let text = try? readText(path) else { continue }
            let file = try KstatParser.parse(text, source: path)
            guard let dataset = file["dataset_name"]?.string else {
                throw ZFSError.kstatMalformed(path: path, reason: "no dataset_name row")
            }
            objsets[dataset] = ZFSObjsetStats(
                objsetID: String(name.dropFirst("objset-".count)),
                datasetName: dataset, counters: file.counters)
        }
        return ZFSPoolKstats(pool: pool, iostats: iostats, objsets: objsets)
    }

    private static func readText(_ path: String) throws -> String {
        guard let text = readTextFile(path) else { throw ZFSError.kstatMissing(path: path, hint: "cannot open it") }
        return text
    }
}

/// Per-dataset change of the objset counters during a job.
public struct ZFSObjsetDelta: Sendable, Equatable, Codable {
    public var reads: UInt64
    public var writes: UInt64
    public var nread: UInt64
    public var nwritten: UInt64

    public init(reads: UInt64 = 0, writes: UInt64 = 0, nread: UInt64 = 0, nwritten: UInt64 = 0) {
        self.reads = reads
        self.writes = writes
        self.nread = nread
        self.nwritten = nwritten
    }

    public var isZero: Bool { reads == 0 && writes == 0 && nread == 0 && nwritten == 0 }
}

/// After − before for one pool: the named Direct I/O and ARC counters, every other iostats row,
/// and the objset counters per dataset.
public struct ZFSKstatDelta: Sendable, Equatable, Codable {
    public var pool: String
    /// `direct_read_count`: blocks read with Direct I/O (one per block, not per request).
    public var directReadCount: UInt64
    public var directReadBytes: UInt64
    /// `direct_write_count`: blocks written with Direct I/O (one per block).
    public var directWriteCount: UInt64
    public var directWriteBytes: UInt64
    /// `arc_read_count`: ARC misses only (prefetch and metadata included); ARC hits add nothing.
    public var arcReadCount: UInt64
    public var arcReadBytes: UInt64
    /// `arc_write_count`: buffered writes (plus small metadata writes).
    public var arcWriteCount: UInt64
    public var arcWriteBytes: UInt64
    /// Every iostats row that changed (trim counters …), by kstat name.
    public var otherIostats: [String: UInt64]
    /// Objset changes by dataset name; datasets whose counters did not move are left out.
    public var objsets: [String: ZFSObjsetDelta]
    /// The iostats kstat was re-created during the job (pool exported and imported): the counters
    /// restarted from zero, so the delta is only what happened after the re-import.
    public var countersRestarted: Bool

    public init(
        pool: String, directReadCount: UInt64 = 0, directReadBytes: UInt64 = 0,
        directWriteCount: UInt64 = 0, directWriteBytes: UInt64 = 0,
        arcReadCount: UInt64 = 0, arcReadBytes: UInt64 = 0,
        arcWriteCount: UInt64 = 0, arcWriteBytes: UInt64 = 0,
        otherIostats: [String: UInt64] = [:], objsets: [String: ZFSObjsetDelta] = [:],
        countersRestarted: Bool = false
    ) {
        self.pool = pool
        self.directReadCount = directReadCount
        self.directReadBytes = directReadBytes
        self.directWriteCount = directWriteCount
        self.directWriteBytes = directWriteBytes
        self.arcReadCount = arcReadCount
        self.arcReadBytes = arcReadBytes
        self.arcWriteCount = arcWriteCount
        self.arcWriteBytes = arcWriteBytes
        self.otherIostats = otherIostats
        self.objsets = objsets
        self.countersRestarted = countersRestarted
    }

    static let namedCounters = [
        "direct_read_count", "direct_read_bytes", "direct_write_count", "direct_write_bytes",
        "arc_read_count", "arc_read_bytes", "arc_write_count", "arc_write_bytes",
    ]

    /// after − before. A counter that went backwards, or a changed kstat creation time, means the
    /// pool was re-imported: the after value is then the whole delta.
    public init(before: ZFSPoolKstats, after: ZFSPoolKstats) {
        let restarted = before.iostats.crtime != after.iostats.crtime
        func diff(_ b: UInt64?, _ a: UInt64?) -> (UInt64, Bool) {
            let a = a ?? 0, b = b ?? 0
            if restarted { return (a, true) }
            return a >= b ? (a - b, false) : (a, true)
        }
        var wentBack = restarted
        var values: [String: UInt64] = [:]
        for name in Set(before.iostats.counters.keys).union(after.iostats.counters.keys) {
            let (d, back) = diff(before.iostats.counters[name], after.iostats.counters[name])
            wentBack = wentBack || back
            if d != 0 || Self.namedCounters.contains(name) { values[name] = d }
        }
        var objsets: [String: ZFSObjsetDelta] = [:]
        for (name, a) in after.objsets {
            let b = before.objsets[name]
            func field(_ key: String) -> UInt64 {
                let (d, back) = diff(b?.counters[key], a.counters[key])
                wentBack = wentBack || back
                return d
            }
            let delta = ZFSObjsetDelta(
                reads: field("reads"), writes: field("writes"),
                nread: field("nread"), nwritten: field("nwritten"))
            if !delta.isZero { objsets[name] = delta }
        }
        self.init(
            pool: after.pool,
            directReadCount: values["direct_read_count"] ?? 0, directReadBytes: values["direct_read_bytes"] ?? 0,
            directWriteCount: values["direct_write_count"] ?? 0, directWriteBytes: values["direct_write_bytes"] ?? 0,
            arcReadCount: values["arc_read_count"] ?? 0, arcReadBytes: values["arc_read_bytes"] ?? 0,
            arcWriteCount: values["arc_write_count"] ?? 0, arcWriteBytes: values["arc_write_bytes"] ?? 0,
            otherIostats: values.filter { !Self.namedCounters.contains($0.key) },
            objsets: objsets, countersRestarted: wentBack)
    }
}
