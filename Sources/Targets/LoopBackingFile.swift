// The loop device's backing file: created at the requested size when missing, opened the way the
// loop driver needs it, and described (file system, direct I/O alignment, device and inode).
//
// MERGE NOTE: the statfs naming and the statx(STATX_DIOALIGN) call here are deliberately minimal and
// private. FileSystemInfo.swift and DirectIOAlignment.swift (written by another helper) own the general
// versions; switch to them when the branches merge.
import Glibc

/// STATX_DIOALIGN values of a file (from statx(2)); nil fields when the file system does not report them.
public struct LoopDirectIOAlignment: Codable, Sendable, Equatable {
    /// `stx_dio_mem_align`: required buffer alignment for O_DIRECT, 0 when O_DIRECT is unsupported.
    public var memoryAlignment: UInt32
    /// `stx_dio_offset_align`: required offset and length alignment for O_DIRECT, 0 when unsupported.
    public var offsetAlignment: UInt32
}

struct LoopBackingFile {
    let fd: Int32
    /// Absolute, symlinks resolved: what /sys/block/loopN/loop/backing_file shows.
    let path: String
    let created: Bool
    let device: UInt64
    let inode: UInt64
    let size: UInt64
    /// False when direct I/O was wanted but the file system refused an O_DIRECT open (EINVAL).
    let openedWithDirectIO: Bool

    /// Opens (creating at `size` when missing) the backing file. With `wantDirectIO` it is opened with
    /// O_DIRECT, as losetup does: older kernels take the file's O_DIRECT as the request for loop dio.
    /// Without it, O_DIRECT is left off so those kernels do not turn dio on by themselves.
    static func open(path requested: String, size: UInt64?, readOnly: Bool, wantDirectIO: Bool) throws -> LoopBackingFile {
        var created = false
        var probe = stat()
        if stat(requested, &probe) != 0 {
            let code = errno
            guard code == ENOENT else { throw LoopError.backingFile(path: requested, operation: "stat", errno: code) }
            guard let size, size > 0 else { throw LoopError.backingFileMissing(path: requested) }
            let (fd, openErr) = LoopSyscall.open(requested, O_RDWR | O_CREAT | O_EXCL, 0o644)
            guard fd >= 0 else { throw LoopError.backingFile(path: requested, operation: "create", errno: openErr) }
            defer { close(fd) }
            // Sparse: the runner lays out data (a write phase) when the job needs it.
            if ftruncate(fd, off_t(size)) != 0 {
                let code = errno
                unlink(requested)
                throw LoopError.backingFile(path: requested, operation: "ftruncate to \(size) bytes", errno: code)
            }
            created = true
        } else if (probe.st_mode & S_IFMT) != S_IFREG {
            throw LoopError.backingFile(path: requested, operation: "use as a loop backing file (not a regular file)", errno: EINVAL)
        }

        do {
            return try openExisting(requested, size: size, readOnly: readOnly, wantDirectIO: wantDirectIO, created: created)
        } catch {
            if created { unlink(requested) }  // leave nothing half-made
            throw error
        }
    }

    private static func openExisting(
        _ requested: String, size: UInt64?, readOnly: Bool, wantDirectIO: Bool, created: Bool
    ) throws -> LoopBackingFile {
        let accessMode = readOnly ? O_RDONLY : O_RDWR
        var openedDirect = false
        var (fd, code) = (Int32(-1), Int32(0))
        if wantDirectIO {
            (fd, code) = LoopSyscall.open(requested, accessMode | openFlagDirect)
            openedDirect = fd >= 0
            // EINVAL: the file system refuses O_DIRECT; open plainly and let the kernel report dio off.
            if fd < 0 && code != EINVAL { throw LoopError.backingFile(path: requested, operation: "open", errno: code) }
        }
        if fd < 0 {
            (fd, code) = LoopSyscall.open(requested, accessMode)
            if fd < 0 {
                if code == EPERM || code == EACCES { throw LoopError.notPermitted(operation: "opening the backing file", path: requested) }
                throw LoopError.backingFile(path: requested, operation: "open", errno: code)
            }
        }
        var st = stat()
        guard fstat(fd, &st) == 0 else {
            let code = errno
            close(fd)
            throw LoopError.backingFile(path: requested, operation: "fstat", errno: code)
        }
        if let size, UInt64(st.st_size) < size {
            close(fd)
            throw LoopError.backingFileTooSmall(path: requested, size: UInt64(st.st_size), needed: size)
        }
        if st.st_size == 0 {
            close(fd)
            throw LoopError.backingFileTooSmall(path: requested, size: 0, needed: 1)
        }
        return LoopBackingFile(
            fd: fd, path: Self.resolve(requested), created: created,
            device: UInt64(st.st_dev), inode: UInt64(st.st_ino), size: UInt64(st.st_size),
            openedWithDirectIO: openedDirect)
    }

    static func resolve(_ path: String) -> String {
        guard let resolved = realpath(path, nil) else { return path }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    // MARK: - file system facts (minimal; see the merge note above)

    /// The statfs `f_type` of the file system holding `fd`, or nil.
    func fileSystemMagic() -> UInt64? { LoopFileFacts.fileSystemMagic(fd: fd) }

    func directIOAlignment() -> LoopDirectIOAlignment? { LoopFileFacts.directIOAlignment(fd: fd) }
}

/// Private statfs/statx calls. Glibc's Swift module imports neither `fstatfs` nor `statx`, so they
/// are looked up once in the C library with dlsym and called with C calling convention.
enum LoopFileFacts {
    private typealias FstatfsFunction = @convention(c) (Int32, UnsafeMutableRawPointer) -> Int32
    private typealias StatxFunction = @convention(c) (Int32, UnsafePointer<CChar>, Int32, UInt32, UnsafeMutableRawPointer) -> Int32

    private static let fstatfsFunction: FstatfsFunction? =
        dlsym(dlopen(nil, RTLD_NOW), "fstatfs").map { unsafeBitCast($0, to: FstatfsFunction.self) }
    private static let statxFunction: StatxFunction? =
        dlsym(dlopen(nil, RTLD_NOW), "statx").map { unsafeBitCast($0, to: StatxFunction.self) }

    static let zfsMagic: UInt64 = 0x2fc1_2fc1

    static func fileSystemMagic(fd: Int32) -> UInt64? {
        guard let call = fstatfsFunction else { return nil }
        // struct statfs is 120 bytes on 64-bit Linux; f_type (a long) comes first.
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: 256, alignment: 8)
        defer { buffer.deallocate() }
        buffer.initializeMemory(as: UInt8.self, repeating: 0, count: 256)
        guard call(fd, buffer) == 0 else { return nil }
        return UInt64(UInt(bitPattern: buffer.load(as: Int.self))) & 0xffff_ffff
    }

    /// A few names the loop report needs; everything else shows as its hex magic.
    static func fileSystemName(magic: UInt64) -> String {
        switch magic {
        case zfsMagic: return "zfs"
        case 0xEF53: return "ext2/ext3/ext4"
        case 0x5846_5342: return "xfs"
        case 0x9123_683E: return "btrfs"
        case 0x0102_1994: return "tmpfs"
        case 0x8584_58F6: return "ramfs"
        case 0x794C_7630: return "overlayfs"
        case 0x6969: return "nfs"
        case 0x6573_5546: return "fuse"
        default: return "0x" + String(magic, radix: 16)
        }
    }

    /// STATX_BTIME of `path` (not following a symlink), nil when the file system does not keep it.
    static func birthTime(path: String) -> FileBirthTime? {
        guard let call = statxFunction else { return nil }
        let statxBirthTime: UInt32 = 0x800
        let atSymlinkNoFollow: Int32 = 0x100
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: 256, alignment: 8)
        defer { buffer.deallocate() }
        buffer.initializeMemory(as: UInt8.self, repeating: 0, count: 256)
        guard call(AT_FDCWD, path, atSymlinkNoFollow, statxBirthTime, buffer) == 0 else { return nil }
        guard buffer.load(fromByteOffset: 0, as: UInt32.self) & statxBirthTime != 0 else { return nil }
        // stx_btime (struct statx_timestamp: s64 tv_sec, u32 tv_nsec) at 0x50.
        return FileBirthTime(
            seconds: buffer.load(fromByteOffset: 0x50, as: Int64.self),
            nanoseconds: buffer.load(fromByteOffset: 0x58, as: UInt32.self))
    }

    static func directIOAlignment(fd: Int32) -> LoopDirectIOAlignment? {
        guard let call = statxFunction else { return nil }
        let statxDIOAlign: UInt32 = 0x2000
        let atEmptyPath: Int32 = 0x1000
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: 256, alignment: 8)
        defer { buffer.deallocate() }
        buffer.initializeMemory(as: UInt8.self, repeating: 0, count: 256)
        guard call(fd, "", atEmptyPath, statxDIOAlign, buffer) == 0 else { return nil }
        // struct statx: stx_mask at 0x00, stx_dio_mem_align at 0x98, stx_dio_offset_align at 0x9c.
        let mask = buffer.load(fromByteOffset: 0, as: UInt32.self)
        guard mask & statxDIOAlign != 0 else { return nil }
        return LoopDirectIOAlignment(
            memoryAlignment: buffer.load(fromByteOffset: 0x98, as: UInt32.self),
            offsetAlignment: buffer.load(fromByteOffset: 0x9c, as: UInt32.self))
    }
}
