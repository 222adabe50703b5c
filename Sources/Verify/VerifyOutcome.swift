// What reading a block back found. The cases are ordered the way `BlockVerifier.check` decides:
// zeros, then the header, then who wrote the block, then its payload.

public enum VerifyOutcome: Sendable, Equatable {
    /// The block is what this job wrote at this offset in this generation.
    case ok
    /// Every byte is zero: never written (or trimmed/zeroed since).
    case notWritten
    /// No usable header: not a diobench block, or its header is damaged.
    case headerCorrupt(HeaderDamage)
    /// A valid block that was written for another offset (a misdirected write, or a read from the
    /// wrong place): `writtenFor` is the offset in its header, `foundAt` where it was read.
    case misdirected(writtenFor: UInt64, foundAt: UInt64, generation: UInt64)
    /// A valid block of an older generation: the latest write to this offset was lost.
    /// `payloadIntact` false means the payload does not match even that old header (torn as well).
    case stale(foundGeneration: UInt64, expectedGeneration: UInt64, payloadIntact: Bool)
    /// A valid block from another job, another run (seed), or a later generation than expected.
    case foreign(job: UInt32, seed: UInt64, generation: UInt64)
    /// The header is right but the payload is not what was written: a torn or corrupted write.
    case torn(PayloadMismatch)
    /// verify=pattern: the block does not hold the repeated pattern.
    case patternMismatch(PayloadMismatch)

    public var isOK: Bool { self == .ok }

    /// Short name of the case, for counters and JSON.
    public var kind: String {
        switch self {
        case .ok: return "ok"
        case .notWritten: return "not-written"
        case .headerCorrupt: return "header-corrupt"
        case .misdirected: return "misdirected"
        case .stale: return "stale"
        case .foreign: return "foreign"
        case .torn: return "torn"
        case .patternMismatch: return "pattern-mismatch"
        }
    }
}

public struct HeaderDamage: Sendable, Equatable {
    public enum Reason: Sendable, Equatable {
        /// The first four bytes are not "DIBV".
        case badMagic(found: UInt32)
        case badHeaderChecksum(stored: UInt32, computed: UInt32)
        case unknownVersion(UInt16)
        case unknownChecksumKind(UInt8)
        /// The header describes a block of another length (written with another block size).
        case lengthMismatch(found: UInt32)
        /// The block is shorter than a header.
        case blockTooShort(length: Int)
    }

    public var reason: Reason
    /// Whether the bytes after the header are what this job would have written here: true points
    /// at damage confined to the header.
    public var payloadAsExpected: Bool
}

/// Where a block's bytes differ from what was expected, in file offsets.
public struct PayloadMismatch: Sendable, Equatable {
    public var firstBadOffset: UInt64
    public var lastBadOffset: UInt64
    /// How many bytes differ in the block.
    public var badBytes: Int
    /// Up to 8 bytes from `firstBadOffset` on: what should be there and what is.
    public var expected: ByteWindow
    public var found: ByteWindow
}

/// Up to 8 bytes in file order (the first byte in the low bits of `bytes`).
public struct ByteWindow: Sendable, Equatable, CustomStringConvertible {
    public var bytes: UInt64
    public var count: Int

    public init(bytes: UInt64, count: Int) {
        self.bytes = bytes
        self.count = count
    }

    public subscript(index: Int) -> UInt8 { UInt8(truncatingIfNeeded: bytes >> (UInt64(index) * 8)) }

    /// "de ad be ef"
    public var description: String {
        (0..<count).map { i in
            let b = self[i]
            return (b < 16 ? "0" : "") + String(b, radix: 16)
        }.joined(separator: " ")
    }
}
