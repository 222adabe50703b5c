// fio's buffer generator, written from the facts of fio 3.33's lib/rand.{c,h}, hash.h and init.c (not its
// code), so that a write job lays down the very bytes fio writes for the same randseed. The generators are
// L'Ecuyer's published combined Tausworthe generators (taus88, 1996; taus258, 1999) with fio's seeding.

/// fio's `frand_state`: the tausworthe generator, 32-bit (taus88, fio's default `random_generator`) or
/// 64-bit (taus258, `random_generator=tausworthe64`). A value type: copying it is fio's `frand_copy`.
@frozen
public struct FioRandom {
    @usableFromInline var use64: Bool
    /// taus88's three words (32-bit).
    @usableFromInline var t1: UInt32, t2: UInt32, t3: UInt32
    /// taus258's five words (64-bit).
    @usableFromInline var s1: UInt64, s2: UInt64, s3: UInt64, s4: UInt64, s5: UInt64

    /// fio's `init_rand_seed`: the words from an LCG over the seed, kept above each word's minimum, then
    /// six steps. fio's start value is written `(2^31) + (2^17) + (2^7)`, which in C (^ is xor) is 53.
    public init(seed: UInt64, use64: Bool) {
        self.use64 = use64
        let start: UInt64 = 53
        t1 = 0
        t2 = 0
        t3 = 0
        s1 = 0
        s2 = 0
        s3 = 0
        s4 = 0
        s5 = 0
        if use64 {
            func lcg(_ x: UInt64) -> UInt64 { x &* 6_906_969_069 ^ seed }
            s1 = Self.atLeast(lcg(start), 1)
            s2 = Self.atLeast(lcg(s1), 7)
            s3 = Self.atLeast(lcg(s2), 15)
            s4 = Self.atLeast(lcg(s3), 33)
            s5 = Self.atLeast(lcg(s4), 49)
        } else {
            let seed32 = UInt32(truncatingIfNeeded: seed)
            func lcg(_ x: UInt32) -> UInt32 { x &* 69069 ^ seed32 }
            t1 = UInt32(Self.atLeast(UInt64(lcg(UInt32(start))), 1))
            t2 = UInt32(Self.atLeast(UInt64(lcg(t1)), 7))
            t3 = UInt32(Self.atLeast(UInt64(lcg(t2)), 15))
        }
        for _ in 0..<6 { _ = next() }
    }

    /// A word below its generator's minimum gets the minimum added (fio's `__seed`).
    static func atLeast(_ x: UInt64, _ minimum: UInt64) -> UInt64 { x < minimum ? x &+ minimum : x }

    /// One step (fio's `__rand`): 32 random bits in the 32-bit generator, 64 in the 64-bit one.
    @inlinable @inline(__always)
    public mutating func next() -> UInt64 {
        if use64 {
            s1 = ((s1 & 0xFFFF_FFFF_FFFF_FFFE) << 10) ^ (((s1 << 1) ^ s1) >> 53)
            s2 = ((s2 & 0xFFFF_FFFF_FFFF_FE00) << 5) ^ (((s2 << 24) ^ s2) >> 50)
            s3 = ((s3 & 0xFFFF_FFFF_FFFF_F000) << 29) ^ (((s3 << 3) ^ s3) >> 23)
            s4 = ((s4 & 0xFFFF_FFFF_FFFE_0000) << 23) ^ (((s4 << 5) ^ s4) >> 24)
            s5 = ((s5 & 0xFFFF_FFFF_FF80_0000) << 8) ^ (((s5 << 3) ^ s5) >> 33)
            return s1 ^ s2 ^ s3 ^ s4 ^ s5
        }
        t1 = ((t1 & 0xFFFF_FFFE) << 12) ^ (((t1 << 13) ^ t1) >> 19)
        t2 = ((t2 & 0xFFFF_FFF8) << 4) ^ (((t2 << 2) ^ t2) >> 25)
        t3 = ((t3 & 0xFFFF_FFF0) << 17) ^ (((t3 << 3) ^ t3) >> 11)
        return UInt64(t1 ^ t2 ^ t3)
    }

    /// The seed of one buffer fill (fio's `__get_next_seed` on a 64-bit host): two steps multiplied.
    @inlinable @inline(__always)
    public mutating func nextSeed() -> UInt64 {
        let first = next()
        return first &* next()
    }

    /// Uniform in `start...end` as fio's `rand_between` computes it (through a double).
    @inlinable
    public mutating func between(_ start: UInt64, _ end: UInt64) -> UInt64 {
        if use64 {
            let r = next()
            let span = end &- start &+ 1
            return start &+ UInt64(Double(span) * (Double(r) / 18_446_744_073_709_551_616.0))
        }
        let r = UInt32(truncatingIfNeeded: next())
        let span = UInt32(truncatingIfNeeded: end &- start) &+ 1
        return start &+ UInt64(UInt32(truncatingIfNeeded: Int32(Double(span) * (Double(r) / 4_294_967_296.0))))
    }

    /// fio's per-thread seeds (init.c, setup_random_seeds): `randseed` multiplied by 0x9e370001 four times,
    /// then seed `i` is `seed * thread_number + i`, the multiplier applied again after each. With
    /// `allrandrepeat`, seed `i` is 0xb1899bed * thread_number + i instead. `thread` counts from 1 over
    /// every worker of the run, in job order.
    public static func seed(index: UInt64, randseed: UInt64, allRandRepeat: Bool, thread: UInt64) -> UInt64 {
        if allRandRepeat { return 0xB189_9BED &* thread &+ index }
        var seed = randseed
        for _ in 0..<(4 + index) { seed &*= 0x9E37_0001 }
        return seed &* thread &+ index
    }

    /// Indices into fio's seed table (fio.h, the FIO_RAND_* order).
    public static let bufferSeedIndex: UInt64 = 9
    public static let dedupeSeedIndex: UInt64 = 14
    public static let workingSetIndexSeedIndex: UInt64 = 20
}

/// fio's buffer fills (lib/rand.c): a seed spread over the buffer by multiplying with the 64-bit golden
/// ratio, in four interleaved streams (fio's default CONFIG_SEED_BUCKETS, as Debian builds it).
public enum FioBufferFill {
    @usableFromInline static let golden: UInt64 = 0x61C8_8646_80B5_83EB

    /// fio's `__fill_random_buf`: words in groups of four, stream `p` starting at `seed * prime[p]`
    /// (1, 2, 3, 5); the tail from stream 0 (`__fill_random_buf_small`).
    @inlinable
    public static func random(_ buffer: UnsafeMutableRawPointer, length: Int, seed: UInt64) {
        let grouped = (length >> 5) << 2
        var a = seed
        var b = seed &* 2
        var c = seed &* 3
        var d = seed &* 5
        var word = 0
        while word < grouped {
            let at = buffer + (word << 3)
            at.storeBytes(of: a.littleEndian, toByteOffset: 0, as: UInt64.self)
            at.storeBytes(of: b.littleEndian, toByteOffset: 8, as: UInt64.self)
            at.storeBytes(of: c.littleEndian, toByteOffset: 16, as: UInt64.self)
            at.storeBytes(of: d.littleEndian, toByteOffset: 24, as: UInt64.self)
            a &*= golden
            b &*= golden
            c &*= golden
            d &*= golden
            word &+= 4
        }
        small(buffer + (word << 3), length: length &- (word << 3), seed: a)
    }

    /// fio's `__fill_random_buf_small`: one stream of words, then the first bytes of the next.
    @inlinable
    public static func small(_ buffer: UnsafeMutableRawPointer, length: Int, seed: UInt64) {
        var value = seed
        var at = 0
        while at &+ 8 <= length {
            buffer.storeBytes(of: value.littleEndian, toByteOffset: at, as: UInt64.self)
            value &*= golden
            at &+= 8
        }
        // The next word's low bytes first, as fio's memcpy of it on a little-endian host.
        while at < length {
            buffer.storeBytes(of: UInt8(truncatingIfNeeded: value), toByteOffset: at, as: UInt8.self)
            value >>= 8
            at &+= 1
        }
    }

    /// fio's `__fill_random_buf_percentage`: segments that begin with `100 - percentage`% random bytes
    /// (every segment from the same seed) and end with the pattern (or zeros); a tail of 8 bytes or less
    /// joins the last pattern run.
    @inlinable
    public static func percentage(
        _ buffer: UnsafeMutableRawPointer, length: Int, seed: UInt64, percentage: Int, segment: Int,
        pattern: UnsafeRawPointer?, patternCount: Int
    ) {
        if percentage == 100 {
            fillPattern(buffer, length: length, pattern: pattern, patternCount: patternCount)
            return
        }
        let segment = Swift.min(segment, length)
        var at = 0
        var left = length
        while left > 0 {
            let randomBytes = Swift.min(segment &* (100 &- percentage) / 100, left)
            random(buffer + at, length: randomBytes, seed: seed)
            left &-= randomBytes
            at &+= randomBytes
            if left == 0 { break }
            var patterned = segment &- randomBytes
            if patterned > left || left &- patterned <= 8 { patterned = left }
            fillPattern(buffer + at, length: patterned, pattern: pattern, patternCount: patternCount)
            left &-= patterned
            at &+= patterned
        }
    }

    /// The pattern from its first byte, again and again (fio's `cpy_pattern`), or zeros without one.
    @inlinable
    public static func fillPattern(
        _ out: UnsafeMutableRawPointer, length: Int, pattern: UnsafeRawPointer?, patternCount: Int
    ) {
        guard length > 0 else { return }
        guard let pattern, patternCount > 0 else {
            out.initializeMemory(as: UInt8.self, repeating: 0, count: length)
            return
        }
        out.copyMemory(from: pattern, byteCount: Swift.min(patternCount, length))
        // Double the filled prefix until it covers the buffer.
        var filled = Swift.min(patternCount, length)
        while filled < length {
            let more = Swift.min(filled, length &- filled)
            (out + filled).copyMemory(from: out, byteCount: more)
            filled &+= more
        }
    }
}
