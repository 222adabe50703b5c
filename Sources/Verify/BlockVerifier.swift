// fio's verify=crc32c|sha256|pattern for one block at a time. The runner fills every write buffer
// before it is queued and checks every read buffer of a verify pass after it completes.
//
// Hot path: fill and check allocate nothing, take no locks and call no closures; they work on raw
// pointers. The verifier is immutable after init, so workers may share one.
//
// What the runner passes:
//   offset      the block's byte offset in the file or device (what reports name as "file offset")
//   job         the job's index in the run: blocks of another job read back as `.foreign`
//   generation  1 for the first pass over the file, +1 for each later pass (loops, time_based wraps);
//               a check expects the generation the block was last written in (the VerifyLog entry's,
//               or the pass number when every pass covers every block)
//   seed        one per run, kept in the results so a later verify-only run can regenerate the data
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

public enum VerifyConfigurationError: Error, Equatable, CustomStringConvertible {
    case emptyPattern
    case blockTooShort(length: Int, minimum: Int, method: String)

    public var description: String {
        switch self {
        case .emptyPattern:
            return "verify=pattern needs verify_pattern (e.g. verify_pattern=0xdeadbeef)"
        case let .blockTooShort(length, minimum, method):
            return "verify=\(method) needs blocks of at least \(minimum) bytes (its header); bs=\(length) is too small"
        }
    }
}

public final class BlockVerifier: @unchecked Sendable {
    public enum Method: Sendable, Equatable {
        case checksum(VerifyChecksum)
        case pattern([UInt8])
    }

    public let method: Method
    /// verify=pattern: the pattern repeated to at least 4 KiB (a whole number of repeats), so
    /// filling is a few large copies. nil for the checksum methods.
    private let expandedPattern: UnsafeMutableRawBufferPointer?
    private let patternLength: Int
    private let patternIsZero: Bool

    /// verify=crc32c or verify=sha256: a header in every block, pseudo-random payload.
    public init(checksum: VerifyChecksum) {
        method = .checksum(checksum)
        expandedPattern = nil
        patternLength = 0
        patternIsZero = false
    }

    /// verify=pattern with `verify_pattern` bytes; no header.
    public init(pattern: [UInt8]) throws {
        guard !pattern.isEmpty else { throw VerifyConfigurationError.emptyPattern }
        method = .pattern(pattern)
        patternLength = pattern.count
        patternIsZero = pattern.allSatisfy { $0 == 0 }
        let repeats = (4096 + pattern.count - 1) / pattern.count
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: repeats * pattern.count, alignment: 64)
        for r in 0..<repeats {
            for (i, b) in pattern.enumerated() { buffer[r * pattern.count + i] = b }
        }
        expandedPattern = buffer
    }

    deinit { expandedPattern?.deallocate() }

    /// The smallest block this method can fill.
    public var minimumBlockLength: Int {
        if case .checksum = method { return VerifyHeaderLayout.size }
        return 1
    }

    /// Setup-time check of a job's block size (call once per distinct size, not per I/O).
    public func validate(blockLength: Int) throws {
        guard blockLength >= minimumBlockLength else {
            let name: String
            switch method {
            case let .checksum(kind): name = kind.description
            case .pattern: name = "pattern"
            }
            throw VerifyConfigurationError.blockTooShort(length: blockLength, minimum: minimumBlockLength, method: name)
        }
    }

    // MARK: - write side

    /// Fills `length` bytes at `block` with what a write of this block at file offset `offset` must carry.
    /// `length` must be at least `minimumBlockLength` (see `validate`).
    public func fill(
        block: UnsafeMutableRawPointer, length: Int, offset: UInt64, job: UInt32, generation: UInt64, seed: UInt64
    ) {
        switch method {
        case let .checksum(kind):
            fillWithHeader(
                block, length: length, offset: offset, job: job, generation: generation, seed: seed, kind: kind)
        case .pattern:
            fillPattern(block, length: length)
        }
    }

    @inline(__always)
    private func fillWithHeader(
        _ block: UnsafeMutableRawPointer, length: Int, offset: UInt64, job: UInt32, generation: UInt64, seed: UInt64,
        kind: VerifyChecksum
    ) {
        precondition(
            length >= VerifyHeaderLayout.size && length <= Int(UInt32.max), "verify block length \(length) out of range"
        )
        let key = VerifyPayload.key(seed: seed, offset: offset, generation: generation)
        VerifyHeader.write(
            into: block, kind: kind, offset: offset, length: UInt32(length), job: job, generation: generation,
            seed: seed)
        let field = block + VerifyHeaderLayout.payloadChecksumOffset
        switch kind {
        case .crc32c:
            let crc = VerifyPayload.fillWithCRC32C(block, from: VerifyHeaderLayout.size, to: length, key: key)
            field.initializeMemory(as: UInt8.self, repeating: 0, count: VerifyHeaderLayout.payloadChecksumSize)
            field.storeBytes(of: crc.littleEndian, as: UInt32.self)
        case .sha256:
            VerifyPayload.fill(block, from: VerifyHeaderLayout.size, to: length, key: key)
            Checksums.sha256(
                UnsafeRawPointer(block + VerifyHeaderLayout.size), count: length - VerifyHeaderLayout.size, into: field)
        }
        VerifyHeader.storeHeaderChecksum(block)
    }

    private func fillPattern(_ block: UnsafeMutableRawPointer, length: Int) {
        guard let unit = expandedPattern else { return }
        var done = 0
        while done < length {
            let n = min(unit.count, length - done)
            (block + done).copyMemory(from: unit.baseAddress!, byteCount: n)
            done += n
        }
    }

    // MARK: - read side

    /// Checks `length` bytes read from file offset `expectedOffset` against what this job wrote there
    /// in `generation` with `seed`.
    public func check(
        block: UnsafeRawPointer, length: Int, expectedOffset: UInt64, job: UInt32, generation: UInt64, seed: UInt64
    ) -> VerifyOutcome {
        switch method {
        case .checksum:
            return checkWithHeader(
                block, length: length, offset: expectedOffset, job: job, generation: generation, seed: seed)
        case .pattern:
            return checkPattern(block, length: length, offset: expectedOffset)
        }
    }

    private func checkWithHeader(
        _ block: UnsafeRawPointer, length: Int, offset: UInt64, job: UInt32, generation: UInt64, seed: UInt64
    ) -> VerifyOutcome {
        typealias L = VerifyHeaderLayout
        if Self.isAllZero(block, length: length) { return .notWritten }
        let expectedKey = VerifyPayload.key(seed: seed, offset: offset, generation: generation)
        guard length >= L.size else {
            return .headerCorrupt(HeaderDamage(reason: .blockTooShort(length: length), payloadAsExpected: false))
        }
        let header = VerifyHeader(reading: block)
        let computed = VerifyHeader.computeHeaderChecksum(block)
        var problem: HeaderDamage.Reason?
        if header.magic != L.magic {
            problem = .badMagic(found: header.magic)
        } else if computed != header.storedHeaderChecksum {
            problem = .badHeaderChecksum(stored: header.storedHeaderChecksum, computed: computed)
        } else if header.version != L.version {
            problem = .unknownVersion(header.version)
        } else if VerifyChecksum(rawValue: header.kindRaw) == nil {
            problem = .unknownChecksumKind(header.kindRaw)
        }
        if let problem { return Self.damaged(block, length: length, key: expectedKey, problem) }
        let kind = VerifyChecksum(rawValue: header.kindRaw)!

        // A valid header: now who wrote it, and for where.
        if header.offset != offset {
            return .misdirected(writtenFor: header.offset, foundAt: offset, generation: header.generation)
        }
        if header.job != job || header.seed != seed || header.generation > generation {
            return .foreign(job: header.job, seed: header.seed, generation: header.generation)
        }
        if header.length != UInt32(truncatingIfNeeded: length) {
            return Self.damaged(block, length: length, key: expectedKey, .lengthMismatch(found: header.length))
        }
        let payloadIntact = Self.payloadChecksumMatches(block, length: length, kind: kind)
        if header.generation < generation {
            return .stale(
                foundGeneration: header.generation, expectedGeneration: generation, payloadIntact: payloadIntact)
        }
        if payloadIntact { return .ok }
        let scan = MismatchScan.againstPayload(block, from: L.size, to: length, key: expectedKey)
        if scan.isEmpty {
            // The payload is what was written but its checksum field is not: the header was damaged
            // in a way its own checksum missed (possible with a 32-bit CRC, if very unlikely).
            return .headerCorrupt(
                HeaderDamage(
                    reason: .badHeaderChecksum(stored: header.storedHeaderChecksum, computed: computed),
                    payloadAsExpected: true))
        }
        return .torn(scan.mismatch(blockOffset: offset))
    }

    /// A header that cannot be trusted; the payload is compared with what this job would have written
    /// here, to tell header-only damage from a block that is not ours at all.
    private static func damaged(_ block: UnsafeRawPointer, length: Int, key: UInt64, _ reason: HeaderDamage.Reason)
        -> VerifyOutcome
    {
        let scan = MismatchScan.againstPayload(block, from: VerifyHeaderLayout.size, to: length, key: key)
        return .headerCorrupt(HeaderDamage(reason: reason, payloadAsExpected: scan.isEmpty))
    }

    @inline(__always)
    private static func payloadChecksumMatches(_ block: UnsafeRawPointer, length: Int, kind: VerifyChecksum) -> Bool {
        typealias L = VerifyHeaderLayout
        let payload = block + L.size
        let count = length - L.size
        switch kind {
        case .crc32c:
            let stored = UInt32(
                littleEndian: block.loadUnaligned(fromByteOffset: L.payloadChecksumOffset, as: UInt32.self))
            return Checksums.crc32c(payload, count: count) == stored
        case .sha256:
            // Stack space for the digest: four words, no allocation.
            var digest: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
            return withUnsafeMutableBytes(of: &digest) { out in
                Checksums.sha256(payload, count: count, into: out.baseAddress!)
                return memcmpEqual(out.baseAddress!, block + L.payloadChecksumOffset, count: 32)
            }
        }
    }

    private func checkPattern(_ block: UnsafeRawPointer, length: Int, offset: UInt64) -> VerifyOutcome {
        guard let unit = expandedPattern else { return .ok }
        var done = 0
        var equal = true
        while done < length {
            let n = min(unit.count, length - done)
            if !memcmpEqual(block + done, UnsafeRawPointer(unit.baseAddress!), count: n) {
                equal = false
                break
            }
            done += n
        }
        if equal { return .ok }
        if !patternIsZero && Self.isAllZero(block, length: length) { return .notWritten }
        let pattern = UnsafeRawBufferPointer(start: unit.baseAddress, count: patternLength)
        return .patternMismatch(
            MismatchScan.againstPattern(block, length: length, pattern: pattern).mismatch(blockOffset: offset))
    }

    @inline(__always)
    static func isAllZero(_ block: UnsafeRawPointer, length: Int) -> Bool {
        var i = 0
        var accumulated: UInt64 = 0
        while i + 64 <= length {
            for w in 0..<8 { accumulated |= block.loadUnaligned(fromByteOffset: i + w * 8, as: UInt64.self) }
            if accumulated != 0 { return false }
            i += 64
        }
        while i < length {
            if block.load(fromByteOffset: i, as: UInt8.self) != 0 { return false }
            i += 1
        }
        return accumulated == 0
    }
}

@inline(__always)
func memcmpEqual(_ a: UnsafeRawPointer, _ b: UnsafeRawPointer, count: Int) -> Bool {
    memcmp(a, b, count) == 0
}
