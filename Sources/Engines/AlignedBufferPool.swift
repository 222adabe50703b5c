import Glibc
import SystemCalls

/// `count` I/O buffers of `size` bytes in one allocation. Buffer `i` starts at
/// `misalignment` bytes past a multiple of `alignment`.
///
/// `misalignment` is fio's `iomem_align` (alias `mem_align`). fio's backend.c (init_io_u) places the
/// first buffer at `PTR_ALIGN(orig_buffer, page_mask) + mem_align`, i.e. `mem_align` bytes *after* a
/// page boundary, not at a multiple of `mem_align`; so `iomem_align=512` yields a buffer 512 bytes past
/// a page boundary, deliberately not page-aligned (and `iomem_align=4096` is page-aligned again).
/// fio then lays the remaining buffers out at a stride of max_bs; we round the stride up to
/// `alignment` instead, so every buffer has the same misalignment, which is what the option means
/// when bs is a multiple of the page size (the HOWTO's words) and stays true when it is not.
///
/// The bytes are pseudo-random (xorshift), written once at creation like fio's default buffers,
/// so compressing file systems (ZFS with lz4) store the data at full size.
///
/// The pool owns the memory and frees it in `deinit`; workers keep the pool alive while the
/// engine and units use the raw pointers.
public final class AlignedBufferPool: @unchecked Sendable {
    public let count: Int
    public let size: Int
    public let alignment: Int
    public let misalignment: Int
    /// Distance between consecutive buffers: `size` rounded up to `alignment`.
    public let stride: Int
    /// The first buffer (`allocation + misalignment`).
    public let base: UnsafeMutableRawPointer
    /// One iovec per buffer, for IORING_REGISTER_BUFFERS.
    public let iovecs: UnsafeMutablePointer<iovec>
    private let allocation: UnsafeMutableRawPointer

    /// The alignment to ask for: the larger of the page size and the target's `dio_mem_align`
    /// (nil or 0 when statx did not report one).
    public static func alignment(dioMemAlign: UInt32?) -> Int {
        Swift.max(Int(sysconf(Int32(_SC_PAGESIZE))), Int(dioMemAlign ?? 0))
    }

    /// - Parameters:
    ///   - alignment: a power of two (see `alignment(dioMemAlign:)`).
    ///   - misalignment: fio's `iomem_align`: bytes past each aligned address (0 ≤ misalignment).
    ///   - seed: seeds the pseudo-random contents (same seed, same bytes).
    ///   - zeroed: zeros instead (fio's `zero_buffers`).
    ///   - filled: false leaves the bytes as allocated, for a caller that fills every buffer itself.
    public init(
        count: Int, size: Int, alignment: Int, misalignment: Int = 0, seed: UInt64 = 0x9E37_79B9_7F4A_7C15,
        zeroed: Bool = false, filled: Bool = true
    ) throws(EngineError) {
        guard count > 0, size > 0 else {
            throw EngineError("buffer pool: count (\(count)) and size (\(size)) must be positive")
        }
        guard alignment > 0, alignment & (alignment - 1) == 0 else {
            throw EngineError("buffer pool: alignment \(alignment) is not a power of two")
        }
        guard misalignment >= 0 else {
            throw EngineError("buffer pool: iomem_align (misalignment) \(misalignment) is negative")
        }
        let stride = (size + alignment - 1) & ~(alignment - 1)
        let (bytes, overflow) = stride.multipliedReportingOverflow(by: count)
        guard !overflow, bytes <= Int.max - misalignment - 8 else {
            throw EngineError(
                "buffer pool: \(count) buffers of \(size) bytes do not fit in memory; reduce iodepth or bs")
        }
        // The +8 lets the random fill write whole words past a size that is not a multiple of 8.
        let total = bytes + misalignment + 8
        var memory: UnsafeMutableRawPointer?
        let rc = posix_memalign(&memory, Swift.max(alignment, MemoryLayout<UInt64>.alignment), total)
        guard rc == 0, let memory else {
            throw EngineError(
                "buffer pool: allocating \(total) bytes aligned to \(alignment) failed: \(ErrnoNames.describe(rc)); reduce iodepth or bs",
                errno: rc)
        }
        self.count = count
        self.size = size
        self.alignment = alignment
        self.misalignment = misalignment
        self.stride = stride
        allocation = memory
        base = memory + misalignment
        iovecs = .allocate(capacity: count)
        for i in 0..<count {
            iovecs[i] = iovec(iov_base: base + i * stride, iov_len: size)
        }
        if !filled { return }
        if zeroed {
            memset(memory, 0, total)
        } else {
            Self.fillPseudoRandom(memory, words: total / 8, seed: seed)
        }
    }

    deinit {
        iovecs.deallocate()
        free(allocation)
    }

    /// Buffer `index` (0 ..< count).
    @inlinable
    public func buffer(_ index: Int) -> UnsafeMutableRawPointer {
        base + index * stride
    }

    /// fio's `scramble_buffers`, our way: each whole 512-byte sector of `memory` gets its byte offset on
    /// the device (`offset` for the first) in one of its eight 64-byte lines, chosen by `stamp`, and
    /// `stamp` in the last word of its first line. Blocks written twice or at two offsets then differ.
    @inlinable
    public static func stampSectors(_ memory: UnsafeMutableRawPointer, length: Int, offset: UInt64, stamp: UInt64) {
        let line = Int(truncatingIfNeeded: (stamp ^ offset) & 7) &* 64
        var sector = 0
        var at = offset
        while sector &+ 512 <= length {
            memory.storeBytes(of: at, toByteOffset: sector &+ line, as: UInt64.self)
            memory.storeBytes(of: stamp, toByteOffset: sector &+ 56, as: UInt64.self)
            sector &+= 512
            at &+= 512
        }
    }

    /// xorshift64*: fast, and its output does not compress. Fills whole words: the pool's 8 spare bytes
    /// leave room past a size that is not a multiple of 8.
    static func fillPseudoRandom(_ memory: UnsafeMutableRawPointer, words: Int, seed: UInt64) {
        var state = seed == 0 ? 0x2545_F491_4F6C_DD1D : seed
        let out = memory.bindMemory(to: UInt64.self, capacity: words)
        for i in 0..<words {
            state ^= state >> 12
            state ^= state << 25
            state ^= state >> 27
            out[i] = state &* 0x2545_F491_4F6C_DD1D
        }
    }
}
