// The loop device's backing file: created at the requested size when missing, opened the way the
// loop driver needs it, and described (file system, direct I/O alignment, device and inode) with the
// module's statfs and statx calls (FileSystemInfo, DirectIOAlignment).
import Glibc
import Vocabulary
import SystemCalls

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
    /// statfs f_type of its file system; nil when fstatfs failed.
    let fileSystemMagic: UInt64?
    /// Its STATX_DIOALIGN values; nil when the file system does not report them.
    let directIOAlignment: LoopDirectIOAlignment?

    /// Opens (creating at `size` when missing) the backing file. With `wantDirectIO` it is opened with
    /// O_DIRECT, as losetup does: older kernels take the file's O_DIRECT as the request for loop dio.
    /// Without it, O_DIRECT is left off so those kernels do not turn dio on by themselves.
    static func open(path requested: String, size: UInt64?, readOnly: Bool, wantDirectIO: Bool) throws
        -> LoopBackingFile
    {
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
            throw LoopError.backingFile(
                path: requested, operation: "use as a loop backing file (not a regular file)", errno: EINVAL)
        }

        do {
            return try openExisting(
                requested, size: size, readOnly: readOnly, wantDirectIO: wantDirectIO, created: created)
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
                if code == EPERM || code == EACCES {
                    throw LoopError.notPermitted(operation: "opening the backing file", path: requested)
                }
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
            fd: fd, path: (try? realPath(requested)) ?? requested, created: created,
            device: UInt64(st.st_dev), inode: UInt64(st.st_ino), size: UInt64(st.st_size),
            openedWithDirectIO: openedDirect, fileSystemMagic: FileSystemInfo.magic(fd: fd),
            directIOAlignment: LoopFileFacts.directIOAlignment(fd: fd))
    }

    /// Its file system's name for the report ("unknown" when fstatfs failed).
    var fileSystemName: String { fileSystemMagic.map(LoopFileFacts.fileSystemName(magic:)) ?? "unknown" }
}

/// What the loop report and the journal need to know about a file, in their shapes.
enum LoopFileFacts {
    /// The name for a statfs magic; statfs cannot tell ext2, ext3 and ext4 apart, so the report says so.
    static func fileSystemName(magic: UInt64) -> String {
        if magic == 0xEF53 { return "ext2/ext3/ext4" }
        return FileSystemInfo.name(forMagic: magic) ?? "0x" + String(magic, radix: 16)
    }

    /// STATX_BTIME of `path` (not following a symlink), nil when the file system does not keep it.
    static func birthTime(path: String) -> FileBirthTime? {
        StatxCall.field(path: path, flags: StatxLayout.atSymlinkNoFollow, mask: StatxLayout.birthTimeMask) {
            FileBirthTime(
                seconds: $0.load(fromByteOffset: StatxLayout.birthTimeOffset, as: Int64.self),
                nanoseconds: $0.load(fromByteOffset: StatxLayout.birthTimeOffset + 8, as: UInt32.self))
        }
    }

    /// STATX_DIOALIGN of an open file as the loop report gives it: zeros when the file does not support
    /// direct I/O, nil when the kernel or file system did not say (or statx failed).
    static func directIOAlignment(fd: Int32) -> LoopDirectIOAlignment? {
        switch try? DirectIOAlignment.query(fd: fd) {
        case let .aligned(memory, offset)?:
            return LoopDirectIOAlignment(memoryAlignment: memory, offsetAlignment: offset)
        case .directIONotSupported?: return LoopDirectIOAlignment(memoryAlignment: 0, offsetAlignment: 0)
        case .notReported?, .unsupported?, nil: return nil
        }
    }
}
