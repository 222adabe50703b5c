// Per-worker pseudo-random numbers: small, fast, repeatable from a seed.
// Not fio's generator (write buffers use fio's, FioBufferRandom.swift); the job's `random_generator` picks between
// this xoshiro256** stream and the Feistel permutation below, which plays the part of fio's lfsr.

/// xoshiro256** (Blackman and Vigna, public domain). Seeded through splitmix64 so nearby seeds diverge.
@frozen
public struct RandomSource {
    @usableFromInline var s0: UInt64, s1: UInt64, s2: UInt64, s3: UInt64

    public init(seed: UInt64) {
        var x = seed
        @inline(__always) func splitmix(_ x: inout UInt64) -> UInt64 {
            x &+= 0x9E37_79B9_7F4A_7C15
            var z = x
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        s0 = splitmix(&x); s1 = splitmix(&x); s2 = splitmix(&x); s3 = splitmix(&x)
    }

    @inlinable @inline(__always)
    public mutating func next() -> UInt64 {
        let result = ((s1 &* 5) << 7 | (s1 &* 5) >> 57) &* 9
        let t = s1 << 17
        s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3
        s2 ^= t
        s3 = (s3 << 45) | (s3 >> 19)
        return result
    }

    /// Uniform in 0..<bound (Lemire's multiply-shift; the bias is below 2^-32 for our bounds).
    @inlinable @inline(__always)
    public mutating func next(below bound: UInt64) -> UInt64 {
        next().multipliedFullWidth(by: bound).high
    }

    /// Uniform in 0..<100, for mix and split decisions.
    @inlinable @inline(__always)
    public mutating func percent() -> UInt32 {
        UInt32(truncatingIfNeeded: next(below: 100))
    }
}

/// A keyed bijection of 0..<count: visiting indices 0, 1, 2, … of it yields every block exactly once
/// in a scrambled order. This is how a size-bound random job touches each block once per loop
/// (fio's random map) with O(1) memory. A 4-round Feistel network over the smallest even number of
/// bits covering `count`, with cycle walking for values past the end (fewer than 4 steps on average).
@frozen
public struct BlockPermutation {
    public let count: UInt64
    @usableFromInline let halfBits: UInt64
    @usableFromInline let halfMask: UInt64
    @usableFromInline let keys: (UInt64, UInt64, UInt64, UInt64)

    public init(count: UInt64, seed: UInt64) {
        precondition(count > 0)
        self.count = count
        var bits: UInt64 = 2
        while bits < 64 && (UInt64(1) << bits) < count { bits += 2 }
        halfBits = bits / 2
        halfMask = (UInt64(1) << halfBits) &- 1
        var rng = RandomSource(seed: seed ^ 0x5EED_B10C)
        keys = (rng.next(), rng.next(), rng.next(), rng.next())
    }

    @inlinable @inline(__always)
    static func round(_ x: UInt64, _ key: UInt64) -> UInt64 {
        var z = (x ^ key) &* 0xD6E8_FEB8_6659_FD93
        z ^= z >> 32
        z = z &* 0xD6E8_FEB8_6659_FD93
        return z ^ (z >> 29)
    }

    @inlinable @inline(__always)
    func encrypt(_ x: UInt64) -> UInt64 {
        var left = x >> halfBits
        var right = x & halfMask
        (left, right) = (right, left ^ (Self.round(right, keys.0) & halfMask))
        (left, right) = (right, left ^ (Self.round(right, keys.1) & halfMask))
        (left, right) = (right, left ^ (Self.round(right, keys.2) & halfMask))
        (left, right) = (right, left ^ (Self.round(right, keys.3) & halfMask))
        return (left << halfBits) | right
    }

    /// The block visited at position `index` (0..<count).
    @inlinable @inline(__always)
    public func block(at index: UInt64) -> UInt64 {
        var x = encrypt(index)
        while x >= count { x = encrypt(x) }
        return x
    }
}
