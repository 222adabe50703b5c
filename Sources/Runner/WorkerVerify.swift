import Engines
import Stats
import Targets
import Verify
#if canImport(Glibc)
import Glibc
#endif

/// One worker's data verification (fio's `verify=`), allocated before its thread starts.
///
/// `.writes` (the job writes): every write buffer is filled with a verify block before it is queued;
/// completed writes go into the log, which the worker reads back and checks at the end of each pass
/// (`do_verify`) and whenever `verify_backlog` writes have completed (or the log is full).
/// `.reads` (a read-only job): every completed read is checked against what a job with the same
/// identity (`VerifyIdentity`) wrote there, in whatever generation.
///
/// The calls the I/O loop makes (`fill`, `completed`) allocate nothing and take no locks; failures
/// are kept as plain records and turned into words after the thread has ended.
public final class WorkerVerify {
    public enum Mode: Sendable { case writes, reads }

    public let mode: Mode
    public let verifier: BlockVerifier
    public let identity: VerifyIdentity
    /// `verify_fatal`: stop the worker at the first failed block.
    public let fatal: Bool
    /// Completed writes not yet read back; nil when this worker never reads back (`do_verify=0`,
    /// read-only jobs, `time_based` without `verify_backlog`).
    let log: VerifyLog?
    /// The log's read-back order (sorted, overwritten entries skipped); nil with the log.
    let readBackOrder: ReadBackOrder?
    /// Read back once this many writes are logged (`verify_backlog`, else the log's size). The log
    /// holds `iodepth` more, for the writes still in flight when the threshold is reached.
    let readBackThreshold: Int
    /// 1 for the first pass over the files, +1 for each later pass.
    var generation: UInt64 = 1
    /// Per I/O slot: the generation a read-back expects there, 0 for an I/O of the workload.
    let slotGeneration: UnsafeMutablePointer<UInt64>
    /// Buffered jobs (with `invalidate`): flush and drop the page cache before reading back, so the
    /// check reads the storage rather than the pages the writes left behind.
    let dropCacheBeforeReadBack: Bool
    let fds: [Int32]
    let paths: [String]

    public private(set) var blocksChecked: UInt64 = 0
    public private(set) var bytesChecked: UInt64 = 0
    public private(set) var blocksFailed: UInt64 = 0
    /// Writes that completed but found the log full (not read back; should stay 0).
    public private(set) var writesNotLogged: UInt64 = 0
    /// Writes not read back because a later write of the same read-back overlapped them (see ReadBackOrder).
    public internal(set) var blocksOverwritten: UInt64 = 0
    public private(set) var stoppedAtFirstFailure = false
    /// Failures per kind, indexed as `VerifyFailureRecord.kindIndex`.
    let kindCounts: UnsafeMutablePointer<UInt64>
    let records: UnsafeMutablePointer<VerifyFailureRecord>
    public let recordCapacity: Int
    public private(set) var recordCount = 0

    /// `logCapacity`: entries in the read-back log (nil: no read-back).
    init(
        mode: Mode, verifier: BlockVerifier, identity: VerifyIdentity, fatal: Bool, readBackThreshold: Int?,
        iodepth: Int, dropCacheBeforeReadBack: Bool, fds: [Int32], paths: [String], recordCapacity: Int = 16
    ) {
        self.mode = mode
        self.verifier = verifier
        self.identity = identity
        self.fatal = fatal
        if let threshold = readBackThreshold {
            log = VerifyLog(capacity: threshold + iodepth)
            readBackOrder = ReadBackOrder(capacity: threshold + iodepth)
            self.readBackThreshold = threshold
        } else {
            log = nil
            readBackOrder = nil
            self.readBackThreshold = Int.max
        }
        slotGeneration = .allocate(capacity: iodepth)
        slotGeneration.initialize(repeating: 0, count: iodepth)
        self.dropCacheBeforeReadBack = dropCacheBeforeReadBack
        self.fds = fds
        self.paths = paths
        kindCounts = .allocate(capacity: VerifyFailureRecord.kindCount)
        kindCounts.initialize(repeating: 0, count: VerifyFailureRecord.kindCount)
        self.recordCapacity = recordCapacity
        records = .allocate(capacity: recordCapacity)
    }

    deinit {
        slotGeneration.deallocate()
        kindCounts.deallocate()
        records.deinitialize(count: recordCount)
        records.deallocate()
    }

    /// Whether the log is read back at the end of every pass (and when it fills).
    var readsBack: Bool { log != nil }

    /// Enough writes are logged: read them back before issuing more.
    @inline(__always)
    var readBackDue: Bool { (log?.count ?? 0) >= readBackThreshold }

    /// Fills a write's buffer with the block this job writes at its offset in this generation.
    @inline(__always)
    func fill(_ unit: UnsafeMutablePointer<IOUnit>) {
        verifier.fill(
            block: unit.pointee.buffer, length: unit.pointee.length, offset: unit.pointee.offset,
            job: identity.jobID, generation: generation, seed: identity.seed)
    }

    /// A completed I/O: logs a write, checks a read that needs it. False when `verify_fatal` must stop the worker.
    @inline(__always)
    func completed(_ unit: UnsafeMutablePointer<IOUnit>, slot: Int32) -> Bool {
        let result = unit.pointee.result
        let length = unit.pointee.length
        if unit.pointee.op == .write {
            if let log, result == length,
                !log.record(
                    offset: unit.pointee.offset, length: UInt32(truncatingIfNeeded: length), generation: generation,
                    fileIndex: unit.pointee.fileIndex)
            {
                writesNotLogged &+= 1
            }
            return true
        }
        guard unit.pointee.op == .read else { return true }
        let expected: UInt64
        if mode == .writes {
            expected = slotGeneration[Int(slot)]
            if expected == 0 { return true }  // a read of the mixed workload, not a read-back
            slotGeneration[Int(slot)] = 0
        } else {
            expected = 0
        }
        if result < 0 { return true }  // an I/O error: counted with the job's errors, nothing to check
        blocksChecked &+= 1
        if result < length {
            return noteFailure(unit, .shortRead(bytes: result))
        }
        bytesChecked &+= UInt64(length)
        let outcome =
            expected == 0
            ? verifier.checkAnyGeneration(
                block: unit.pointee.buffer, length: length, expectedOffset: unit.pointee.offset,
                job: identity.jobID, seed: identity.seed)
            : verifier.check(
                block: unit.pointee.buffer, length: length, expectedOffset: unit.pointee.offset,
                job: identity.jobID, generation: expected, seed: identity.seed)
        if _fastPath(outcome.isOK) { return true }
        return noteFailure(unit, .outcome(outcome))
    }

    @inline(never)
    private func noteFailure(_ unit: UnsafeMutablePointer<IOUnit>, _ finding: VerifyFailureRecord.Finding) -> Bool {
        blocksFailed &+= 1
        let record = VerifyFailureRecord(
            fileIndex: unit.pointee.fileIndex, offset: unit.pointee.offset,
            length: unit.pointee.length, finding: finding)
        kindCounts[record.kindIndex] &+= 1
        if recordCount < recordCapacity {
            (records + recordCount).initialize(to: record)
            recordCount += 1
        }
        if fatal { stoppedAtFirstFailure = true }
        return !fatal
    }

    /// Flushes what the workers wrote and drops the cached pages (regular files: fadvise DONTNEED;
    /// block devices: BLKFLSBUF), so the read-back goes to the storage.
    func dropCaches() {
        for (fd, path) in zip(fds, paths) {
            _ = fdatasync(fd)
            try? FileTarget.invalidateCache(fd: fd, path: path)
        }
    }

    /// Reads the log back next: remembers what a read-back in `slot` expects.
    @inline(__always)
    func expect(generation: UInt64, inSlot slot: Int32) { slotGeneration[Int(slot)] = generation }

    public func failureCount(kindIndex: Int) -> UInt64 { kindCounts[kindIndex] }

    public func record(_ index: Int) -> VerifyFailureRecord {
        precondition(index >= 0 && index < recordCount, "verify record \(index) out of range")
        return records[index]
    }
}

/// One failed block, as the worker found it.
public struct VerifyFailureRecord: Sendable {
    public enum Finding: Sendable, Equatable {
        case outcome(VerifyOutcome)
        /// The read returned fewer bytes than the block.
        case shortRead(bytes: Int)
    }

    public var fileIndex: Int32
    public var offset: UInt64
    public var length: Int
    public var finding: Finding

    /// The kinds, in `VerifyKindCounts` order (`kindIndex` indexes them).
    public static let kinds = VerifyKindCounts.names
    static let kindCount = 8

    public var kindIndex: Int {
        switch finding {
        case .shortRead: return 7
        case let .outcome(outcome):
            switch outcome {
            case .torn: return 0
            case .stale: return 1
            case .misdirected: return 2
            case .notWritten, .ok: return 3
            case .headerCorrupt: return 4
            case .foreign: return 5
            case .patternMismatch: return 6
            }
        }
    }

    public var kind: String { Self.kinds[kindIndex] }
}
