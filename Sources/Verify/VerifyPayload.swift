// The pseudo-random payload of a verify block. Every 8-byte word is a function of (seed, block
// offset, generation) and its position in the block alone, so a reader can regenerate any byte the
// writer wrote without storing the data, and two passes (generations) over one offset differ.
// The word function and the fill loops are C (CVerifyChecksums) so that filling and CRC-32C share
// one pass over the block.
import CVerifyChecksums

enum VerifyPayload {
    /// Per-block key: the three inputs mixed so that neighbouring offsets or generations share nothing.
    @inline(__always)
    static func key(seed: UInt64, offset: UInt64, generation: UInt64) -> UInt64 {
        mix(seed ^ mix(offset &+ 0x632B_E59B_D9B4_E019 ^ mix(generation &+ 0x8CB9_2BA7_2F3D_8DD7)))
    }

    /// The word at byte position 8·`index` of the block (defined once, in C, for the fused fill).
    @inline(__always)
    static func word(key: UInt64, index: Int) -> UInt64 {
        verify_payload_word(key, UInt64(truncatingIfNeeded: index))
    }

    /// Fills block bytes `start..<end` (start a multiple of 8).
    @inline(__always)
    static func fill(_ block: UnsafeMutableRawPointer, from start: Int, to end: Int, key: UInt64) {
        verify_fill_payload(block, start, end, key)
    }

    /// Fills block bytes `start..<end` and returns their CRC-32C, in one pass.
    @inline(__always)
    static func fillWithCRC32C(_ block: UnsafeMutableRawPointer, from start: Int, to end: Int, key: UInt64) -> UInt32 {
        verify_fill_payload_crc32c(block, start, end, key)
    }

    /// splitmix64's finaliser.
    @inline(__always)
    static func mix(_ value: UInt64) -> UInt64 {
        var z = value &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
