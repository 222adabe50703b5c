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
    /// `verify_interval`: bytes per verify block within an I/O; 0: the whole I/O is one block.
    let interval: Int
    /// `verify_offset`: where in each verify block its header is moved to (0: at the start).
    let headerOffset: Int
    /// `verify_dump`: write a failed block's received and expected bytes to files.
    let dumps: Bool
    /// Dump files written (at most `recordCapacity`, so a bad device cannot fill the disk).
    public private(set) var dumpedFiles: [String] = []

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
        iodepth: Int, dropCacheBeforeReadBack: Bool, fds: [Int32], paths: [String], recordCapacity: Int = 16,
        interval: Int = 0, headerOffset: Int = 0, dumps: Bool = false
    ) {
        self.interval = interval
        self.headerOffset = headerOffset
        self.dumps = dumps
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
        let length = unit.pointee.length
        if interval == 0 && headerOffset == 0 {
            verifier.fill(
                block: unit.pointee.buffer, length: length, offset: unit.pointee.offset,
                job: identity.jobID, generation: generation, seed: identity.seed)
            return
        }
        fillPieces(unit.pointee.buffer, length: length, offset: unit.pointee.offset)
    }

    /// verify_interval/verify_offset: one verify block per interval, each header swapped into place.
    @inline(never)
    func fillPieces(_ buffer: UnsafeMutableRawPointer, length: Int, offset: UInt64) {
        let step = interval > 0 ? interval : length
        var at = 0
        while at < length {
            let piece = min(step, length - at)
            verifier.fill(
                block: buffer + at, length: piece, offset: offset &+ UInt64(at), job: identity.jobID,
                generation: generation, seed: identity.seed)
            if headerOffset > 0 { swapHeader(buffer + at) }
            at += piece
        }
    }

    /// fio's memswp of the header with the bytes at verify_offset; its own inverse.
    @inline(__always)
    func swapHeader(_ block: UnsafeMutableRawPointer) {
        let size = VerifyHeaderLayout.size
        for i in 0..<size {
            let a = block.load(fromByteOffset: i, as: UInt8.self)
            let b = block.load(fromByteOffset: headerOffset + i, as: UInt8.self)
            block.storeBytes(of: b, toByteOffset: i, as: UInt8.self)
            block.storeBytes(of: a, toByteOffset: headerOffset + i, as: UInt8.self)
        }
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
        if interval != 0 || headerOffset != 0 { return checkPieces(unit, expected: expected) }
        let outcome = check(unit.pointee.buffer, length: length, offset: unit.pointee.offset, expected: expected)
        if _fastPath(outcome.isOK) { return true }
        return noteFailure(unit, .outcome(outcome))
    }

    /// One verify block: of generation `expected`, or (0) of whichever generation its header says.
    @inline(__always)
    func check(_ block: UnsafeMutableRawPointer, length: Int, offset: UInt64, expected: UInt64) -> VerifyOutcome {
        expected == 0
            ? verifier.checkAnyGeneration(
                block: block, length: length, expectedOffset: offset, job: identity.jobID, seed: identity.seed)
            : verifier.check(
                block: block, length: length, expectedOffset: offset, job: identity.jobID, generation: expected,
                seed: identity.seed)
    }

    /// verify_interval/verify_offset: each verify block of the read, its header swapped back first, as fio's
    /// verify_io_u walks the headers; the first bad one is the block reported.
    @inline(never)
    func checkPieces(_ unit: UnsafeMutablePointer<IOUnit>, expected: UInt64) -> Bool {
        let buffer = unit.pointee.buffer, length = unit.pointee.length, offset = unit.pointee.offset
        let step = interval > 0 ? interval : length
        var at = 0
        while at < length {
            let piece = min(step, length - at)
            if headerOffset > 0 { swapHeader(buffer + at) }
            let outcome = check(buffer + at, length: piece, offset: offset &+ UInt64(at), expected: expected)
            if !outcome.isOK {
                return noteFailure(
                    unit, .outcome(outcome), block: (buffer + at, piece, offset &+ UInt64(at)), expected: expected)
            }
            at += piece
        }
        return true
    }

    @inline(never)
    private func noteFailure(
        _ unit: UnsafeMutablePointer<IOUnit>, _ finding: VerifyFailureRecord.Finding,
        block: (start: UnsafeMutableRawPointer, length: Int, offset: UInt64)? = nil, expected: UInt64 = 0
    ) -> Bool {
        blocksFailed &+= 1
        let failed = block ?? (unit.pointee.buffer, unit.pointee.length, unit.pointee.offset)
        if dumps && dumpedFiles.count < 2 * recordCapacity {
            dump(
                failed.start, length: failed.length, offset: failed.offset, file: Int(unit.pointee.fileIndex),
                expected: expected)
        }
        let record = VerifyFailureRecord(
            fileIndex: unit.pointee.fileIndex, offset: failed.offset,
            length: failed.length, finding: finding)
        kindCounts[record.kindIndex] &+= 1
        if recordCount < recordCapacity {
            (records + recordCount).initialize(to: record)
            recordCount += 1
        }
        if fatal { stoppedAtFirstFailure = true }
        return !fatal
    }

    /// verify_dump: the block as read and as it should be, in the current directory as fio's dump_buf names them
    /// (`<file's base name>.<offset>.received` and `.expected`). A slow path: a failure was found.
    private func dump(_ block: UnsafeMutableRawPointer, length: Int, offset: UInt64, file: Int, expected: UInt64) {
        guard file < paths.count else { return }
        let base = paths[file].split(separator: "/").last.map(String.init) ?? paths[file]
        var generation = expected
        if generation == 0 {
            // A read-only job: the generation the header claims, when it can be read, else the first.
            generation = max(verifier.headerGeneration(block: block, length: length) ?? 1, 1)
        }
        let good = UnsafeMutableRawPointer.allocate(byteCount: length, alignment: 64)
        defer { good.deallocate() }
        verifier.fill(
            block: good, length: length, offset: offset, job: identity.jobID, generation: generation,
            seed: identity.seed)
        for (data, kind) in [(UnsafeRawPointer(block), "received"), (UnsafeRawPointer(good), "expected")] {
            let name = "\(base).\(offset).\(kind)"
            let fd = open(name, O_CREAT | O_TRUNC | O_WRONLY, 0o644)
            guard fd >= 0 else { continue }
            var done = 0
            while done < length {
                let n = write(fd, data + done, length - done)
                if n <= 0 { break }
                done += n
            }
            close(fd)
            dumpedFiles.append(name)
        }
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
