// The header at the start of every block written with verify=crc32c|sha256. Little-endian, 80 bytes:
//
//   0  magic "DIBV"            24  generation (UInt64)
//   4  version (UInt16) = 1    32  seed (UInt64)
//   6  checksum kind (UInt8)   40  payload checksum (32 bytes; crc32c uses the first 4)
//   7  reserved                72  header checksum: CRC-32C of bytes 0..<72
//   8  block offset (UInt64)   76  reserved
//  16  block length (UInt32)
//  20  job id (UInt32)
//
// The header checksum covers the payload checksum, so a damaged header is told apart from a
// damaged payload.

/// The payload checksum a block carries (fio's verify=crc32c and verify=sha256).
public enum VerifyChecksum: UInt8, Sendable, CaseIterable, CustomStringConvertible {
    case crc32c = 1
    case sha256 = 2

    public var description: String { self == .crc32c ? "crc32c" : "sha256" }
}

public enum VerifyHeaderLayout {
    public static let size = 80
    public static let magic: UInt32 = 0x5642_4944  // bytes "DIBV" on disk
    public static let version: UInt16 = 1

    static let magicOffset = 0
    static let versionOffset = 4
    static let kindOffset = 6
    static let blockOffsetOffset = 8
    static let lengthOffset = 16
    static let jobOffset = 20
    static let generationOffset = 24
    static let seedOffset = 32
    static let payloadChecksumOffset = 40
    static let payloadChecksumSize = 32
    static let headerChecksumOffset = 72
    static let reservedOffset = 76
}

/// A decoded header (no validation beyond reading the fields).
struct VerifyHeader {
    var magic: UInt32
    var version: UInt16
    var kindRaw: UInt8
    var offset: UInt64
    var length: UInt32
    var job: UInt32
    var generation: UInt64
    var seed: UInt64
    var storedHeaderChecksum: UInt32

    typealias L = VerifyHeaderLayout

    @inline(__always)
    init(reading block: UnsafeRawPointer) {
        magic = UInt32(littleEndian: block.loadUnaligned(fromByteOffset: L.magicOffset, as: UInt32.self))
        version = UInt16(littleEndian: block.loadUnaligned(fromByteOffset: L.versionOffset, as: UInt16.self))
        kindRaw = block.load(fromByteOffset: L.kindOffset, as: UInt8.self)
        offset = UInt64(littleEndian: block.loadUnaligned(fromByteOffset: L.blockOffsetOffset, as: UInt64.self))
        length = UInt32(littleEndian: block.loadUnaligned(fromByteOffset: L.lengthOffset, as: UInt32.self))
        job = UInt32(littleEndian: block.loadUnaligned(fromByteOffset: L.jobOffset, as: UInt32.self))
        generation = UInt64(littleEndian: block.loadUnaligned(fromByteOffset: L.generationOffset, as: UInt64.self))
        seed = UInt64(littleEndian: block.loadUnaligned(fromByteOffset: L.seedOffset, as: UInt64.self))
        storedHeaderChecksum = UInt32(
            littleEndian: block.loadUnaligned(fromByteOffset: L.headerChecksumOffset, as: UInt32.self))
    }

    /// Writes every field except the two checksums.
    @inline(__always)
    static func write(
        into block: UnsafeMutableRawPointer, kind: VerifyChecksum, offset: UInt64, length: UInt32,
        job: UInt32, generation: UInt64, seed: UInt64
    ) {
        block.storeBytes(of: L.magic.littleEndian, toByteOffset: L.magicOffset, as: UInt32.self)
        block.storeBytes(of: L.version.littleEndian, toByteOffset: L.versionOffset, as: UInt16.self)
        block.storeBytes(of: kind.rawValue, toByteOffset: L.kindOffset, as: UInt8.self)
        block.storeBytes(of: 0, toByteOffset: L.kindOffset + 1, as: UInt8.self)
        block.storeBytes(of: offset.littleEndian, toByteOffset: L.blockOffsetOffset, as: UInt64.self)
        block.storeBytes(of: length.littleEndian, toByteOffset: L.lengthOffset, as: UInt32.self)
        block.storeBytes(of: job.littleEndian, toByteOffset: L.jobOffset, as: UInt32.self)
        block.storeBytes(of: generation.littleEndian, toByteOffset: L.generationOffset, as: UInt64.self)
        block.storeBytes(of: seed.littleEndian, toByteOffset: L.seedOffset, as: UInt64.self)
        block.storeBytes(of: UInt32(0), toByteOffset: L.reservedOffset, as: UInt32.self)
    }

    /// CRC-32C of the header bytes before the header checksum field.
    @inline(__always)
    static func computeHeaderChecksum(_ block: UnsafeRawPointer) -> UInt32 {
        Checksums.crc32c(block, count: L.headerChecksumOffset)
    }

    @inline(__always)
    static func storeHeaderChecksum(_ block: UnsafeMutableRawPointer) {
        let crc = computeHeaderChecksum(UnsafeRawPointer(block))
        block.storeBytes(of: crc.littleEndian, toByteOffset: L.headerChecksumOffset, as: UInt32.self)
    }
}
