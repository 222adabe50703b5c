import SystemCalls
import Glibc

/// fio's `mmap` engine: each file is mapped, and an I/O is a memcpy to or from the mapping. As fio 3.33's
/// engines/mmap.c: the whole file is mapped if the kernel allows, else a window of 1 GiB / nr_files that moves
/// to each I/O it does not cover; the mapping is shared (private with `thp`, which also asks for huge pages);
/// posix_madvise SEQUENTIAL or RANDOM follows the job's pattern unless fadvise_hint=0; a sync is
/// msync(MS_SYNC) of the file's mapping; and with direct=1 (the file is opened O_DIRECT, which the mapping
/// ignores) each I/O is followed by msync(MS_SYNC) and POSIX_MADV_DONTNEED of its range, which is "not really
/// direct", as fio says. The engine never extends a file (fio's FIO_NOEXTEND): the job lays files out first,
/// and an I/O past the end of its file fails with ENXIO, where fio would die of SIGBUS.
public struct MmapEngine: SynchronousIOEngine, DescribedEngine {
    public static let description = EngineDescription(
        kind: .mmap, summary: "memcpy(3) to and from an mmap(2) of the file", queueing: .never, extendsFiles: false,
        options: [
            EngineOption(
                "thp", .flag(\.transparentHugePages),
                help: "madvise(MADV_HUGEPAGE) on the mapping, which is then private (writes stay in memory)")
        ])

    /// fio's MMAP_TOTAL_SZ: the windows of all files together, when a file cannot be mapped whole.
    static var windowTotal: Int { 1 << 30 }

    @usableFromInline struct Mapping {
        @usableFromInline var base: UnsafeMutableRawPointer?
        /// File offset of `base`, and the mapping's length.
        @usableFromInline var offset: UInt64 = 0
        @usableFromInline var length: UInt64 = 0
    }

    @usableFromInline var files: RawFileTable
    @usableFromInline let maps: UnsafeMutablePointer<Mapping>
    @usableFromInline let direct: Bool
    let protection: Int32
    let sharing: Int32
    let hugePages: Bool
    let adviseRandom: Bool?
    let windowSize: UInt64

    public init(files: [Int32], buffers: AlignedBufferPool, config: EngineConfig) throws(EngineError) {
        self.files = RawFileTable(files)
        maps = .allocate(capacity: Swift.max(files.count, 1))
        maps.initialize(repeating: Mapping(), count: Swift.max(files.count, 1))
        direct = config.direct
        // fio maps read-write for jobs that write, read-only otherwise: the way the file was opened says which.
        let writable = files.first.map { fcntl($0, F_GETFL) & O_ACCMODE != O_RDONLY } ?? false
        protection = writable ? PROT_READ | PROT_WRITE : PROT_READ
        sharing = config.transparentHugePages ? MAP_PRIVATE : MAP_SHARED
        hugePages = config.transparentHugePages
        adviseRandom = config.adviseRandom
        windowSize = UInt64(Self.windowTotal / Swift.max(files.count, 1))
        // fio maps on a file's first I/O; mapping before the start keeps the first I/O's latency honest.
        for index in files.indices {
            let size = lseek(files[index], 0, SEEK_END)
            if size > 0, map(index, offset: 0, length: UInt64(size)) == 0 { continue }
            if size < 0 {
                let code = errno
                close()
                throw EngineError("mmap: cannot size file \(index): \(ErrnoNames.describe(code))", errno: code)
            }
        }
    }

    /// Maps `length` bytes at `offset` of file `index` and advises the kernel: 0, or errno.
    mutating func map(_ index: Int, offset: UInt64, length: UInt64) -> Int32 {
        guard
            let base = mmap(
                nil, Int(length), protection, sharing, files.fds[index], off_t(truncatingIfNeeded: offset)),
            base != MAP_FAILED
        else { return errno }
        // Optional advice: errors are ignored, as fio ignores them for MADV_HUGEPAGE.
        if hugePages { _ = madvise(base, Int(length), MADV_HUGEPAGE) }
        if let random = adviseRandom {
            _ = posix_madvise(base, Int(length), random ? POSIX_MADV_RANDOM : POSIX_MADV_SEQUENTIAL)
        }
        maps[index] = Mapping(base: base, offset: offset, length: length)
        return 0
    }

    /// The I/O in `unit` is outside its file's mapping: map the window that starts at its offset (the
    /// rest of the file, at most `windowSize`). ENXIO when the file ends before the I/O does.
    @inline(never)
    @usableFromInline
    mutating func remap(for unit: UnsafeMutablePointer<IOUnit>) -> Int32 {
        let index = Int(unit.pointee.fileIndex)
        let fd = files.fds[index]
        let start = unit.pointee.offset
        let end = start &+ UInt64(unit.pointee.length)
        if UInt64(unit.pointee.length) > windowSize { return EINVAL }
        let size = lseek(fd, 0, SEEK_END)
        if size < 0 { return errno }
        if end > UInt64(size) { return ENXIO }
        unmap(index)
        // Window offsets must be page aligned: start at the page that holds the I/O.
        let page = UInt64(sysconf(Int32(_SC_PAGESIZE)))
        let aligned = start / page * page
        let length = Swift.min(windowSize, UInt64(size) - aligned)
        let mapped = map(index, offset: aligned, length: Swift.max(length, end - aligned))
        return mapped
    }

    func unmap(_ index: Int) {
        if let base = maps[index].base { _ = munmap(base, Int(maps[index].length)) }
        maps[index] = Mapping()
    }

    @inlinable
    public mutating func queue(_ units: UnsafeMutablePointer<IOUnit>, slot: Int32) -> QueueStatus {
        let unit = units + Int(slot)
        let map = maps + Int(unit.pointee.fileIndex)
        if unit.pointee.op == .fsync || unit.pointee.op == .fdatasync {
            var rc: Int32 = 0
            if let base = map.pointee.base { rc = msync(base, Int(map.pointee.length), MS_SYNC) }
            unit.pointee.result = rc < 0 ? -Int(errno) : 0
            return .completed
        }
        let length = unit.pointee.length
        let offset = unit.pointee.offset
        if _slowPath(
            map.pointee.base == nil || offset < map.pointee.offset
                || offset &+ UInt64(length) > map.pointee.offset &+ map.pointee.length)
        {
            let code = remap(for: unit)
            if code != 0 {
                unit.pointee.result = -Int(code)
                return .completed
            }
        }
        let data = map.pointee.base.unsafelyUnwrapped + Int(offset &- map.pointee.offset)
        if unit.pointee.op == .read {
            memcpy(unit.pointee.buffer, data, length)
        } else {
            memcpy(data, unit.pointee.buffer, length)
        }
        unit.pointee.result = length
        if direct { unit.pointee.result = dropPages(data, length) ?? length }
        return .completed
    }

    /// direct=1: write the range back and drop it, as fio does after each I/O. -errno on failure.
    @inline(never)
    @usableFromInline
    func dropPages(_ data: UnsafeMutableRawPointer, _ length: Int) -> Int? {
        // msync wants a page-aligned start; fio's block-size check makes it one, a stray offset= may not.
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        let address = Int(bitPattern: data)
        let start = UnsafeMutableRawPointer(bitPattern: address / page * page)!
        let span = length + (address - Int(bitPattern: start))
        if msync(start, span, MS_SYNC) < 0 { return -Int(errno) }
        // glibc's posix_madvise does nothing for DONTNEED; called as fio calls it.
        let rc = posix_madvise(start, span, POSIX_MADV_DONTNEED)
        return rc != 0 ? -Int(rc) : nil
    }

    public mutating func close() {
        guard files.count >= 0 else { return }
        for index in 0..<files.count { unmap(index) }
        maps.deallocate()
        files.release()
    }
}

extension EngineKind {
    public static let mmap = EngineKind(rawValue: "mmap")
}
