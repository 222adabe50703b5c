import Engines
import JobFile

#if canImport(Glibc)
import Glibc
#endif

/// What a worker writes, filled into a buffer at setup and before each write that refills, byte for byte as
/// fio 3.33's `fill_io_buffer` (io_u.c) fills it for the same seed: pseudo-random bytes by default;
/// `buffer_pattern` repeated; zeros; or, with `buffer_compress_percentage` or `dedupe_percentage`, chunks of
/// `min(buffer_compress_chunk, smallest write)` bytes, each from its own seed, that begin with
/// `100 - percentage`% random bytes and end with the pattern (or zeros). Under dedupe a buffer is either
/// unique or replays a saved generator state, so it repeats another buffer's bytes.
///
/// The generator is fio's (`FioRandom`), seeded as fio seeds a thread's `buf_state`: from `randseed` and the
/// worker's run-wide number (fio's thread_number), so worker `n` of diobench writes what fio's thread `n` does.
@frozen
public struct WriteContent {
    /// The pattern's bytes (owned; freed by `deallocate`) and how many.
    @usableFromInline let pattern: UnsafeMutableRawPointer?
    @usableFromInline let patternCount: Int
    /// `buffer_compress_percentage`, and whether buffers are chunked (compression or dedupe asked).
    @usableFromInline let compressPercent: Int
    @usableFromInline let chunked: Bool
    @usableFromInline let compressChunk: Int
    /// The smallest write (fio's min_bs[write]), which bounds a chunk.
    @usableFromInline let minWrite: Int
    @usableFromInline let zeros: Bool
    @usableFromInline let dedupePercent: UInt64
    @usableFromInline let workingSet: Bool
    /// fio's buf_state and buf_state_prev (the state after the last unique chunk), dedupe_state and
    /// dedupe_working_set_index_state.
    @usableFromInline var state: FioRandom
    @usableFromInline var previous: FioRandom
    @usableFromInline var dedupeState: FioRandom
    @usableFromInline var workingSetIndex: FioRandom
    /// dedupe_mode=working_set: the generator state each unique page starts from (owned).
    @usableFromInline let workingSetStates: UnsafeMutablePointer<FioRandom>?
    @usableFromInline let workingSetPages: UInt64
    /// fio reseeds these at each new loop when `randrepeat` holds and `randseed` is not written
    /// (libfio.c, clear_io_state; a written seed clears fio's rand_repeatable): the seeded states.
    @usableFromInline let reseedsEachLoop: Bool
    @usableFromInline let seeded: (state: FioRandom, dedupe: FioRandom, workingSetIndex: FioRandom)

    /// `thread`: the worker's run-wide number from 1, as fio numbers its threads in job order.
    /// `fallbackSeed`: the worker's seed, used when the job's random choices do not repeat (randrepeat=0).
    public init(spec: JobSpec, thread: Int, fallbackSeed: UInt64) {
        let content = spec.content
        let smallestWrite = Int(spec.blockSizeBounds(.write).min)
        if content.pattern.isEmpty {
            pattern = nil
        } else {
            let bytes = UnsafeMutableRawPointer.allocate(byteCount: content.pattern.count, alignment: 8)
            bytes.copyMemory(from: content.pattern, byteCount: content.pattern.count)
            pattern = bytes
        }
        patternCount = content.pattern.count
        compressPercent = Int(content.compressPercentage)
        chunked = content.compressPercentage > 0 || content.dedupePercentage > 0
        compressChunk = Int(content.compressChunk)
        minWrite = smallestWrite
        zeros = spec.zeroBuffers
        dedupePercent = UInt64(content.dedupePercentage)
        workingSet = content.dedupeMode == .workingSet && content.dedupePercentage > 0

        let use64 = spec.randomGenerator == .tausworthe64
        let repeats = spec.randrepeat || spec.allRandRepeat
        func seed(_ index: UInt64) -> UInt64 {
            repeats
                ? FioRandom.seed(
                    index: index, randseed: spec.randseed, allRandRepeat: spec.allRandRepeat, thread: UInt64(thread))
                : fallbackSeed &* 0x9E37_0001 &+ index
        }
        state = FioRandom(seed: seed(FioRandom.bufferSeedIndex), use64: use64)
        previous = state
        dedupeState = FioRandom(seed: seed(FioRandom.dedupeSeedIndex), use64: false)
        workingSetIndex = FioRandom(seed: seed(FioRandom.workingSetIndexSeedIndex), use64: use64)
        reseedsEachLoop = spec.randrepeat && !spec.explicitOptions.contains("randseed")
        seeded = (state, dedupeState, workingSetIndex)
        if workingSet {
            // fio's init_dedupe_working_set_seeds: page i starts where page i-1 did, advanced by the seeds one
            // write of the smallest size takes (one per chunk).
            let pages = Swift.max(
                1,
                (spec.size ?? 0) * UInt64(content.dedupeWorkingSetPercentage) / 100
                    / UInt64(Swift.max(1, smallestWrite)))
            let perPage =
                smallestWrite
                / Swift.max(1, compressChunk > 0 ? Swift.min(smallestWrite, compressChunk) : smallestWrite)
            let states = UnsafeMutablePointer<FioRandom>.allocate(capacity: Int(pages))
            var walker = state
            states.initialize(to: walker)
            for page in 1..<Int(pages) {
                for _ in 0..<perPage { _ = walker.nextSeed() }
                (states + page).initialize(to: walker)
            }
            workingSetStates = states
            workingSetPages = pages
        } else {
            workingSetStates = nil
            workingSetPages = 0
        }
    }

    public func deallocate() {
        pattern?.deallocate()
        workingSetStates?.deallocate()
    }

    /// A new loop (not a time_based wrap): fio's buffers start again from the seeds if it reseeds.
    public mutating func startLoop() {
        guard reseedsEachLoop else { return }
        (state, dedupeState, workingSetIndex) = seeded
        previous = state
    }

    /// Fills `length` bytes at `buffer`: the content of one write (fio's `fill_io_buffer` with the
    /// smallest write and `length`).
    @inlinable
    public mutating func fill(_ buffer: UnsafeMutableRawPointer, length: Int) {
        if chunked {
            fillChunks(buffer, length: length, minWrite: minWrite)
        } else if pattern != nil {
            FioBufferFill.fillPattern(buffer, length: length, pattern: pattern, patternCount: patternCount)
        } else if zeros {
            memset(buffer, 0, length)
        } else {
            FioBufferFill.random(buffer, length: length, seed: state.nextSeed())
        }
    }

    /// A chunk of a file laid out by writing it (fio's extend_file fills it as a write of its own length).
    public mutating func fillLayout(_ buffer: UnsafeMutableRawPointer, length: Int) {
        if chunked {
            fillChunks(buffer, length: length, minWrite: length)
        } else {
            fill(buffer, length: length)
        }
    }

    /// Compression and dedupe: a state for the whole buffer (fio's get_buf_state), then a seed per chunk.
    @inlinable
    mutating func fillChunks(_ buffer: UnsafeMutableRawPointer, length: Int, minWrite: Int) {
        // 100% dedupe: every chunk replays the same state. Otherwise a buffer is a copy (of the next unique
        // one, as fio's saved state makes it, or of a working-set page) or unique.
        var unique = true
        var replay = previous
        if dedupePercent == 100 {
            previous = state
            unique = false
            replay = state
        } else if dedupePercent > 0 && dedupeState.between(1, 100) <= dedupePercent {
            unique = false
            if workingSet {
                replay = workingSetStates.unsafelyUnwrapped[Int(workingSetIndex.between(0, workingSetPages &- 1))]
            }
        }
        var at = 0
        var smallest = minWrite
        while at < length {
            let left = length &- at
            smallest = Swift.min(smallest, left)
            let size =
                compressChunk > 0 && smallest > 0
                ? Swift.min(smallest, compressChunk) : Swift.max(smallest, compressChunk)
            let seed: UInt64
            if unique {
                seed = state.nextSeed()
                previous = state
            } else {
                seed = replay.nextSeed()
                if dedupePercent == 100 { replay = previous }
            }
            FioBufferFill.percentage(
                buffer + at, length: size, seed: seed, percentage: compressPercent, segment: size,
                pattern: pattern, patternCount: patternCount)
            at &+= size
        }
    }
}
