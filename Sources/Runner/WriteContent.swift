import Engines
import JobFile

#if canImport(Glibc)
import Glibc
#endif

/// What a worker writes, filled into a buffer before each write that refills (fio's `fill_io_buffer`, io_u.c):
/// pseudo-random bytes by default; `buffer_pattern` repeated; or, with `buffer_compress_percentage` or
/// `dedupe_percentage`, chunks of `min(buffer_compress_chunk, smallest write)` bytes that begin with
/// `100 - percentage`% random bytes and end with the pattern (or zeros). Under dedupe a buffer is either
/// unique or a copy of another one: the same seeds, so the same bytes.
///
/// Our generator, not fio's: a seed per chunk from a counter through splitmix64's finalizer, so the
/// working set's buffer `i` is reachable in one step. The bytes differ from fio's; their compressibility and
/// dedupe ratio do not (checked against fio in the tests and the lab).
@frozen
public struct WriteContent {
    @usableFromInline static let step: UInt64 = 0x9E37_79B9_7F4A_7C15

    /// The pattern's bytes (owned; freed by `deallocate`) and how many.
    @usableFromInline let pattern: UnsafeMutableRawPointer?
    @usableFromInline let patternCount: Int
    /// Bytes of each chunk that are random (per 100), and the chunk length; 0 when unchunked.
    @usableFromInline let randomPercent: Int
    @usableFromInline let chunk: Int
    @usableFromInline let dedupePercent: UInt32
    @usableFromInline let workingSet: Bool
    @usableFromInline let workingSetPages: UInt64
    @usableFromInline let chunksPerPage: UInt64
    /// The counter the next unique buffer starts from, and where the working set starts.
    @usableFromInline var counter: UInt64
    @usableFromInline let workingSetStart: UInt64
    @usableFromInline var random: RandomSource

    public init(spec: JobSpec, seed: UInt64) {
        let content = spec.content
        let smallestWrite = Int(spec.blockSizeBounds(.write).min)
        let chunked = content.compressPercentage > 0 || content.dedupePercentage > 0
        if content.pattern.isEmpty {
            pattern = nil
        } else {
            let bytes = UnsafeMutableRawPointer.allocate(byteCount: content.pattern.count, alignment: 8)
            bytes.copyMemory(from: content.pattern, byteCount: content.pattern.count)
            pattern = bytes
        }
        patternCount = content.pattern.count
        randomPercent = 100 - Int(content.compressPercentage)
        chunk = chunked ? Swift.min(smallestWrite, content.compressChunk > 0 ? Int(content.compressChunk) : .max) : 0
        dedupePercent = content.dedupePercentage
        workingSet = content.dedupeMode == .workingSet
        workingSetPages = Swift.max(
            1, (spec.size ?? 0) * UInt64(content.dedupeWorkingSetPercentage) / 100 / UInt64(Swift.max(1, smallestWrite))
        )
        chunksPerPage = UInt64(Swift.max(1, chunk > 0 ? smallestWrite / chunk : 1))
        counter = seed ^ 0x5245_4649_4C4C_0001
        workingSetStart = counter
        random = RandomSource(seed: seed ^ 0xDED0_BE00_0000_0001)
    }

    public func deallocate() { pattern?.deallocate() }

    /// Fills `length` bytes at `buffer`: the content of one write.
    @inlinable
    public mutating func fill(_ buffer: UnsafeMutableRawPointer, length: Int) {
        if chunk == 0 {
            if let pattern {
                Self.repeatPattern(pattern, count: patternCount, into: buffer, length: length)
            } else {
                counter &+= Self.step
                AlignedBufferPool.fillPseudoRandom(buffer, words: (length &+ 7) >> 3, seed: Self.mix(counter))
            }
            return
        }
        // fio's get_buf_state: 100% dedupe repeats one chunk everywhere; otherwise a buffer is a copy (of the
        // next unique buffer, as fio's saved state makes it, or of a working-set page) or unique.
        var state = counter
        var unique = true
        if dedupePercent == 100 {
            unique = false
        } else if dedupePercent > 0 && random.percent() < dedupePercent {
            unique = false
            if workingSet {
                state = workingSetStart &+ random.next(below: workingSetPages) &* chunksPerPage &* Self.step
            }
        }
        var at = 0
        while at < length {
            let size = Swift.min(chunk, length &- at)
            state &+= Self.step
            let randomBytes = size &* randomPercent / 100
            if randomBytes > 0 {
                AlignedBufferPool.fillPseudoRandom(buffer + at, words: (randomBytes &+ 7) >> 3, seed: Self.mix(state))
            }
            let rest = buffer + (at &+ randomBytes)
            if let pattern {
                Self.repeatPattern(pattern, count: patternCount, into: rest, length: size &- randomBytes)
            } else {
                memset(rest, 0, size &- randomBytes)
            }
            at &+= size
            if dedupePercent == 100 { state = counter }
        }
        if unique { counter = state }
    }

    /// splitmix64's finalizer: distinct, well-mixed seeds from consecutive counters.
    @inlinable @inline(__always)
    static func mix(_ x: UInt64) -> UInt64 {
        var z = x
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// The pattern from its first byte, again and again, over `length` bytes (fio's cpy_pattern).
    @inlinable
    static func repeatPattern(
        _ pattern: UnsafeMutableRawPointer, count: Int, into out: UnsafeMutableRawPointer, length: Int
    ) {
        guard length > 0 else { return }
        let first = Swift.min(count, length)
        out.copyMemory(from: pattern, byteCount: first)
        // Double the filled prefix until it covers the buffer.
        var filled = first
        while filled < length {
            let more = Swift.min(filled, length &- filled)
            (out + filled).copyMemory(from: out, byteCount: more)
            filled &+= more
        }
    }
}
