// The pseudo-random payload of a verify block. Every 8-byte word is a function of (seed, block
// offset, generation) and its position in the block alone, so a reader can regenerate any byte the
// writer wrote without storing the data, and two passes (generations) over one offset differ.

enum VerifyPayload {
    /// Per-block key: the three inputs mixed so that neighbouring offsets or generations share nothing.
    @inline(__always)
    static func key(seed: UInt64, offset: UInt64, generation: UInt64) -> UInt64 {
        mix(seed ^ mix(offset &+ 0x632B_E59B_D9B4_E019 ^ mix(generation &+ 0x8CB9_2BA7_2F3D_8DD7)))
    }

    /// The word at byte position 8·`index` of the block.
    @inline(__always)
    static func word(key: UInt64, index: Int) -> UInt64 {
        let x = key &+ UInt64(truncatingIfNeeded: index) &* 0x9E37_79B9_7F4A_7C15
        let product = (x ^ 0xE703_7ED1_A0B4_28DB).multipliedFullWidth(by: x ^ 0xA076_1D64_78BD_642F)
        return product.high ^ product.low
    }

    /// The byte at position `position` of the block (position ≥ the header).
    @inline(__always)
    static func byte(key: UInt64, position: Int) -> UInt8 {
        UInt8(truncatingIfNeeded: word(key: key, index: position >> 3) >> (UInt64(position & 7) * 8))
    }

    /// Fills block bytes `start..<end` (start a multiple of 8).
    @inline(__always)
    static func fill(_ block: UnsafeMutableRawPointer, from start: Int, to end: Int, key: UInt64) {
        var position = start
        while position + 8 <= end {
            block.storeBytes(of: word(key: key, index: position >> 3).littleEndian, toByteOffset: position, as: UInt64.self)
            position += 8
        }
        if position < end {
            var last = word(key: key, index: position >> 3)
            while position < end {
                block.storeBytes(of: UInt8(truncatingIfNeeded: last), toByteOffset: position, as: UInt8.self)
                last >>= 8
                position += 1
            }
        }
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
