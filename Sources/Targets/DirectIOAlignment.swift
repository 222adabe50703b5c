import Glibc
import SystemCalls

/// What `statx(STATX_DIOALIGN)` says a file needs for O_DIRECT (Linux 6.1+).
public enum DirectIOAlignment: Sendable, Equatable, Codable {
    /// Buffers must start at a multiple of `memory` bytes; offsets and lengths must be multiples of `offset`.
    case aligned(memory: UInt32, offset: UInt32)
    /// The kernel answered, with zeros: this file does not support direct I/O at all.
    case directIONotSupported
    /// STATX_DIOALIGN is missing from the result mask: the kernel or the file system did not say
    /// (before Linux 6.1, tmpfs, directories, ZFS before 2.3.2).
    case notReported
    /// statx failed with EOPNOTSUPP (ZFS with `direct=disabled`).
    case unsupported

    /// `stx_dio_mem_align`, when reported.
    public var memoryAlignment: UInt32? {
        if case .aligned(let memory, _) = self { return memory }
        return nil
    }

    /// `stx_dio_offset_align`, when reported.
    public var offsetAlignment: UInt32? {
        if case .aligned(_, let offset) = self { return offset }
        return nil
    }
}

// Raw values from the kernel's uapi <linux/stat.h> (verified against /usr/include/linux/stat.h),
// because glibc 2.36's <sys/stat.h> has neither the constant nor the fields.
enum StatxLayout {
    static let dioAlignMask: UInt32 = 0x2000  // STATX_DIOALIGN
    static let mountIDMask: UInt32 = 0x1000  // STATX_MNT_ID
    static let mountIDOffset = 0x90  // __u64 stx_mnt_id
    static let structSize = 0x100  // sizeof(struct statx)
    static let maskOffset = 0x00  // __u32 stx_mask
    static let dioMemAlignOffset = 0x98  // __u32 stx_dio_mem_align, after __u64 stx_mnt_id at 0x90
    static let dioOffsetAlignOffset = 0x9c  // __u32 stx_dio_offset_align
    static let atEmptyPath: Int32 = 0x1000  // AT_EMPTY_PATH
    static let birthTimeMask: UInt32 = 0x800  // STATX_BTIME
    static let birthTimeOffset = 0x50  // struct statx_timestamp stx_btime: __s64 tv_sec, __u32 tv_nsec
    static let atSymlinkNoFollow: Int32 = 0x100  // AT_SYMLINK_NOFOLLOW
}

/// glibc's statx(2) wrapper, found at run time: Swift's Glibc module does not import it
/// (it is behind _GNU_SOURCE).
typealias StatxFunction = @convention(c) (Int32, UnsafePointer<CChar>, Int32, UInt32, UnsafeMutableRawPointer) -> Int32
let glibcStatx: StatxFunction? = {
    guard let symbol = dlsym(nil, "statx") else { return nil }
    return unsafeBitCast(symbol, to: StatxFunction.self)
}()

/// One statx(2) call into a zeroed `struct statx`, asking for `mask`.
enum StatxCall {
    enum Answer<T> {
        case value(T)
        case failed(errno: Int32)
        /// glibc has no statx.
        case unavailable
    }

    /// `read` gets the filled buffer when the call succeeded.
    static func run<T>(
        dirfd: Int32 = AT_FDCWD, path: String, flags: Int32 = 0, mask: UInt32,
        _ read: (UnsafeRawPointer) -> T
    ) -> Answer<T> {
        guard let statx = glibcStatx else { return .unavailable }
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: StatxLayout.structSize, alignment: 8)
        defer { buffer.deallocate() }
        buffer.initializeMemory(as: UInt8.self, repeating: 0, count: StatxLayout.structSize)
        guard statx(dirfd, path, flags, mask, buffer) == 0 else { return .failed(errno: errno) }
        return .value(read(buffer))
    }

    /// The field `mask` stands for, read by `read` when the call succeeded and the kernel filled it.
    static func field<T>(path: String, flags: Int32 = 0, mask: UInt32, _ read: (UnsafeRawPointer) -> T) -> T? {
        let answer = run(path: path, flags: flags, mask: mask) { buffer -> T? in
            buffer.load(fromByteOffset: StatxLayout.maskOffset, as: UInt32.self) & mask != 0 ? read(buffer) : nil
        }
        if case .value(let value) = answer { return value }
        return nil
    }
}

extension DirectIOAlignment {
    /// Asks statx about `path` (symlinks followed).
    public static func query(path: String) throws(FileTargetError) -> DirectIOAlignment {
        try query(dirfd: AT_FDCWD, path: path, flags: 0, described: path)
    }

    /// Asks statx about an open fd; `path` only names it in errors.
    public static func query(fd: Int32, path: String? = nil) throws(FileTargetError) -> DirectIOAlignment {
        try query(dirfd: fd, path: "", flags: StatxLayout.atEmptyPath, described: path ?? "fd \(fd)")
    }

    private static func query(dirfd: Int32, path: String, flags: Int32, described: String) throws(FileTargetError)
        -> DirectIOAlignment
    {
        switch StatxCall.run(dirfd: dirfd, path: path, flags: flags, mask: StatxLayout.dioAlignMask, decode) {
        case .value(let alignment): return alignment
        case .unavailable: return .notReported
        case .failed(errno: EOPNOTSUPP): return .unsupported
        case .failed(let code): throw FileTargetError(path: described, operation: "statx(STATX_DIOALIGN)", errno: code)
        }
    }

    /// Reads the fields from a raw `struct statx`.
    static func decode(_ statx: UnsafeRawPointer) -> DirectIOAlignment {
        let mask = statx.load(fromByteOffset: StatxLayout.maskOffset, as: UInt32.self)
        guard mask & StatxLayout.dioAlignMask != 0 else { return .notReported }
        let memory = statx.load(fromByteOffset: StatxLayout.dioMemAlignOffset, as: UInt32.self)
        let offset = statx.load(fromByteOffset: StatxLayout.dioOffsetAlignOffset, as: UInt32.self)
        if memory == 0 && offset == 0 { return .directIONotSupported }
        return .aligned(memory: memory, offset: offset)
    }
}

extension DirectIOAlignment {
    /// One sentence on why an O_DIRECT I/O failed: which of buffer address, offset and length
    /// miss the alignment statx requires, and which job option fixes it. `operation` is "read" or "write".
    public func explainFailure(operation: String, errno code: Int32, bufferAddress: UInt, offset: UInt64, length: Int)
        -> String
    {
        let head =
            "O_DIRECT \(operation) of \(length) bytes at offset \(offset) failed with \(ErrnoNames.describe(code))"
        switch self {
        case .aligned(let memory, let offsetAlign):
            let problems = Self.misalignments(
                bufferAddress: bufferAddress, offset: offset, length: length,
                memory: UInt(memory), offsetAlign: UInt64(offsetAlign), source: "statx(STATX_DIOALIGN) requires")
            if problems.isEmpty {
                return
                    "\(head): the buffer (0x\(String(bufferAddress, radix: 16))), offset and length all meet statx(STATX_DIOALIGN)'s dio_mem_align=\(memory) and dio_offset_align=\(offsetAlign), so alignment is not the cause"
            }
            return "\(head): " + problems.joined(separator: "; ")
        case .notReported:
            let guesses = Self.misalignments(
                bufferAddress: bufferAddress, offset: offset, length: length,
                memory: 512, offsetAlign: 512, source: "most devices need")
            let known =
                "statx did not report direct I/O alignment for this file (STATX_DIOALIGN absent: kernel before 6.1 or a file system that does not fill it)"
            if guesses.isEmpty {
                return
                    "\(head): \(known); buffer, offset and length are multiples of 512, so try multiples of the device's logical block size or the page size (4096)"
            }
            return "\(head): \(known); " + guesses.joined(separator: "; ")
        case .unsupported:
            return
                "\(head): statx(STATX_DIOALIGN) answers EOPNOTSUPP for this file (ZFS with direct=disabled does this), so the file system does not offer direct I/O here; use direct=0 or change the dataset's direct property"
        case .directIONotSupported:
            return
                "\(head): statx(STATX_DIOALIGN) reports dio_mem_align=0 and dio_offset_align=0, meaning this file does not support direct I/O; use direct=0"
        }
    }

    private static func misalignments(
        bufferAddress: UInt, offset: UInt64, length: Int, memory: UInt, offsetAlign: UInt64, source: String
    ) -> [String] {
        var problems: [String] = []
        if memory > 1, bufferAddress % memory != 0 {
            let remainder = bufferAddress % memory
            problems.append(
                "the buffer address 0x\(String(bufferAddress, radix: 16)) ends in 0x\(String(remainder, radix: 16)) (\(remainder) bytes past a \(memory)-byte boundary) but \(source) dio_mem_align=\(memory); set iomem_align to a multiple of \(memory) (0 is fine)"
            )
        }
        if offsetAlign > 1, offset % offsetAlign != 0 {
            problems.append(
                "the offset \(offset) is not a multiple of dio_offset_align=\(offsetAlign) (\(source) it); make offset and blockalign multiples of \(offsetAlign)"
            )
        }
        if offsetAlign > 1, UInt64(length) % offsetAlign != 0 {
            problems.append(
                "the length \(length) is not a multiple of dio_offset_align=\(offsetAlign) (\(source) it); use a bs that is a multiple of \(offsetAlign)"
            )
        }
        return problems
    }
}
