import Vocabulary

/// Where the next I/O in one file goes. One per file per worker; plain values, no allocation.
///
/// Sequential: each direction keeps its own position (as fio keeps `last_pos` per direction) and wraps
/// at the end of the region. Random: with the random map (fio's default) a `BlockPermutation` yields
/// every block once before any repeats; with `norandommap` (which the parser sets, as fio does, for a
/// `blockalign` other than the smallest block size) blocks are drawn uniformly.
@frozen
public struct FileCursor {
    public let fileIndex: Int32
    public let regionStart: UInt64
    public let regionLength: UInt64
    /// Granularity of random offsets: `blockalign`, else the smallest block size.
    public let unit: UInt64
    public let blockCount: UInt64
    @usableFromInline var permutation: BlockPermutation
    @usableFromInline var visited: UInt64 = 0
    @usableFromInline var nextRead: UInt64
    @usableFromInline var nextWrite: UInt64
    /// Random with `rw=randread:N`: I/Os since the last new random offset (fio's ddir_seq_nr counts down),
    /// where the next I/O of the run starts, and where the last one started (`rw_sequencer=identical`).
    @usableFromInline var runLeft: UInt64 = 0
    @usableFromInline var runNext: UInt64
    @usableFromInline var runStart: UInt64
    @usableFromInline var permutationSeed: UInt64
    /// `random_distribution` other than uniform (only without the random map, as in fio).
    @usableFromInline var distribution = BlockDistribution.uniform
    @usableFromInline var skewed = false
    /// file_service_type other than the default: this file's region is done for the pass (fio's
    /// fio_file_set_done), so the worker picks among the others.
    public var done = false

    public init(fileIndex: Int32, regionStart: UInt64, regionLength: UInt64, unit: UInt64, seed: UInt64) {
        self.fileIndex = fileIndex
        self.regionStart = regionStart
        self.regionLength = regionLength
        self.unit = max(unit, 1)
        blockCount = max(regionLength / max(unit, 1), 1)
        permutationSeed = seed
        permutation = BlockPermutation(count: blockCount, seed: seed)
        nextRead = regionStart
        nextWrite = regionStart
        runNext = regionStart
        runStart = regionStart
    }

    @inlinable
    public var regionEnd: UInt64 { regionStart &+ regionLength }

    /// Draws this file's random blocks from `distribution` (built for `blockCount` blocks of `unit` bytes).
    public mutating func skew(_ distribution: BlockDistribution) {
        self.distribution = distribution
        skewed = true
    }

    public func deallocate() { distribution.deallocate() }

    /// Starts a new pass: sequential positions back to the start, a fresh permutation.
    public mutating func rewind() {
        nextRead = regionStart
        nextWrite = regionStart
        visited = 0
        runLeft = 0
        done = false
        runNext = regionStart
        runStart = regionStart
        permutationSeed = permutationSeed &* 0x9E37_79B9_7F4A_7C15 &+ 1
        permutation = BlockPermutation(count: blockCount, seed: permutationSeed)
    }

    /// Offset of a sequential I/O of `length` bytes; `gap` is the `rw=write:N` hole before each one but the
    /// first, as fio's get_next_seq_offset adds it to the end of the last I/O and starts over at the region's
    /// start when that is past the end.
    @inlinable @inline(__always)
    public mutating func sequential(write: Bool, length: UInt64, gap: UInt64) -> UInt64 {
        var position = holed(write ? nextWrite : nextRead, gap: gap)
        if position &+ length > regionEnd { position = regionStart }
        if write { nextWrite = position &+ length } else { nextRead = position &+ length }
        return position
    }

    /// Where an I/O after one that ended at `last` starts, with a hole of `gap`.
    @inlinable @inline(__always)
    func holed(_ last: UInt64, gap: UInt64) -> UInt64 {
        guard gap > 0 && last != regionStart else { return last }
        let position = last &+ gap
        return position >= regionEnd ? regionStart : position
    }

    /// Offset of a sequential I/O that steps back (`rw=read:-8k`), as fio's get_next_seq_offset: each I/O starts
    /// `step` before the end of the last one; the first is at the region's start, and a step before the start
    /// goes to `step` before the region's end.
    @inlinable @inline(__always)
    public mutating func backward(write: Bool, length: UInt64, step: UInt64) -> UInt64 {
        var relative = (write ? nextWrite : nextRead) &- regionStart
        if relative != 0 {
            relative = relative >= step ? relative &- step : (regionLength >= step ? regionLength &- step : 0)
        }
        // A step shorter than the block moves forward; past the end it starts over.
        if relative &+ length > regionLength { relative = 0 }
        let position = regionStart &+ relative
        if write { nextWrite = position &+ length } else { nextRead = position &+ length }
        return position
    }

    /// Whether the next I/O of `length` bytes still fits this pass, as fio's fill_io_u asks before it marks a
    /// file done: a sequential position past the region's end, or a random map with every block used.
    /// Random offsets without the map (and time_based ones, which fio resets) never run out.
    public func hasRoom(
        write: Bool, length: UInt64, gap: UInt64, random: Bool, useMap: Bool, timeBased: Bool
    ) -> Bool {
        if random { return !useMap || timeBased || visited < blockCount }
        let last = write ? nextWrite : nextRead
        return last < regionEnd && holed(last, gap: gap) &+ length <= regionEnd
    }

    /// Offset of a random I/O of `length` bytes.
    @inlinable @inline(__always)
    /// With `rw=randread:N` (runLength N), fio draws a new offset only every Nth I/O, the first after N I/Os
    /// that start at the region's start; the others continue from the last I/O (a sequential run that falls
    /// off the region's end draws a random offset instead) or, `identical`, repeat its offset.
    public mutating func random(
        length: UInt64, useMap: Bool, runLength: UInt64, write: Bool = false, identical: Bool = false,
        rng: inout RandomSource
    ) -> UInt64 {
        if runLength > 1 {
            if runLeft < runLength {
                runLeft &+= 1
                let position = identical ? runStart : runNext
                if identical || position &+ length <= regionEnd {
                    runNext = position &+ length
                    runStart = position
                    return position
                }
            } else {
                runLeft = 1
            }
        }
        let block: UInt64
        if useMap {
            if visited >= blockCount { visited = 0 }
            block = permutation.block(at: visited)
            visited &+= 1
        } else if !skewed {
            block = rng.next(below: blockCount)
        } else {
            block = distribution.next(&rng, direction: write ? .write : .read)
        }
        var position = regionStart &+ block &* unit
        if position &+ length > regionEnd {
            // A large block near the end of the region: pull it back inside, keeping alignment.
            let room = regionLength >= length ? regionLength &- length : 0
            position = regionStart &+ room - room % unit
        }
        runNext = position &+ length
        runStart = position
        return position
    }
}
