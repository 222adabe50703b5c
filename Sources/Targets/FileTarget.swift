import Glibc
import Vocabulary
import SystemCalls

/// A failed syscall on a target, as a value: which path, which operation, the errno, and
/// (when we can tell) what to do about it.
public struct FileTargetError: Error, CustomStringConvertible, Sendable, Equatable {
    public var path: String
    public var operation: String
    public var errno: Int32
    public var hint: String?

    public init(path: String, operation: String, errno: Int32, hint: String? = nil) {
        self.path = path
        self.operation = operation
        self.errno = errno
        self.hint = hint
    }

    public var description: String {
        let base = "\(path): \(operation) failed: \(ErrnoNames.describe(errno))"
        return hint.map { "\(base); \($0)" } ?? base
    }
}

/// What a job's `filename` names.
public enum TargetKind: String, Sendable, Codable {
    case regularFile, blockDevice, characterDevice, directory, missing, other
}

/// Everything `FileTarget.layOut` needs to prepare one file the way fio does before a job.
public struct LayoutRequest: Sendable, Equatable {
    public var path: String
    /// The bytes the job needs in this file: its offset plus its share of `size` (fio's real_file_size).
    public var size: UInt64
    /// The job reads (read, randread, rw, randrw…): the file must hold data first.
    public var jobReads: Bool
    public var jobWrites: Bool
    /// fio's `overwrite`: writes go over existing data, so the file is written out first.
    public var overwrite: Bool = false
    public var fallocate: FileAllocation = .native
    /// fio's `create_fsync` (default on): fsync after writing the file out.
    public var createFsync: Bool = true
    /// Bytes per write() while writing the file out (fio uses the job's largest write bs; the
    /// content and result are the same, bigger chunks are just faster).
    public var chunkSize: Int = 1 << 20
    /// Seeds the pseudo-random content (fio's default buffers are random: incompressible).
    public var seed: UInt64 = 0x6469_6F62_656E_6368

    public init(path: String, size: UInt64, jobReads: Bool, jobWrites: Bool) {
        self.path = path
        self.size = size
        self.jobReads = jobReads
        self.jobWrites = jobWrites
    }
}

public enum LayoutOutcome: Sendable, Equatable {
    /// The file existed and was at least `size` bytes: left alone (fio does the same).
    case alreadyLargeEnough(size: UInt64)
    /// Written out with `bytesWritten` bytes of data (reads, or writes with overwrite).
    case laidOut(bytesWritten: UInt64)
    /// Created (or recreated) and preallocated per `fallocate`, not written; `size` is its size now.
    case allocated(size: UInt64)
    /// A block or character device: nothing to lay out.
    case device
}

/// What fio does to each file around a job: lay it out, open it, drop its cache, ask devices
/// their size, unlink it. Not on the per-I/O path.
public enum FileTarget {
    /// Linux ioctl numbers from <linux/fs.h>.
    static let BLKGETSIZE64: UInt = 0x8008_1272  // _IOR(0x12, 114, size_t)
    static let BLKSSZGET: UInt = 0x1268  // _IO(0x12, 104)
    static let BLKFLSBUF: UInt = 0x1261  // _IO(0x12, 97)
    static let FALLOC_FL_KEEP_SIZE: Int32 = 0x01

    /// Regular file, block device, character device… (symlinks followed, like open).
    public static func kind(of path: String) -> TargetKind {
        var info = stat()
        guard stat(path, &info) == 0 else { return .missing }
        switch info.st_mode & S_IFMT {
        case S_IFREG: return .regularFile
        case S_IFBLK: return .blockDevice
        case S_IFCHR: return .characterDevice
        case S_IFDIR: return .directory
        default: return .other
        }
    }

    /// Creates or extends a regular file before a job, with fio's rules (filesetup.c, extend_file):
    /// - a file that already has `size` bytes is left alone;
    /// - otherwise it is unlinked and recreated when the job reads or `overwrite` is set
    ///   (created, preallocated, truncated to `size`, written out in full, fsynced), or when the job
    ///   only writes (created and preallocated, not written: the job's writes fill it).
    /// `fill`, when given, makes the content of each `chunkSize` chunk written out (fio fills them with the
    /// job's own buffer generator, fill_io_buffer); without it the bytes are diobench's pseudo-random ones.
    public static func layOut(
        _ request: LayoutRequest, fill: ((UnsafeMutableRawPointer, Int) -> Void)? = nil
    ) throws(FileTargetError) -> LayoutOutcome {
        let path = request.path
        var info = stat()
        var existing: UInt64?
        if stat(path, &info) == 0 {
            switch info.st_mode & S_IFMT {
            case S_IFREG: existing = UInt64(info.st_size)
            case S_IFBLK, S_IFCHR: return .device
            case S_IFDIR:
                throw FileTargetError(
                    path: path, operation: "lay out", errno: EISDIR,
                    hint: "filename names a directory; use directory= for that")
            default:
                throw FileTargetError(
                    path: path, operation: "lay out", errno: EINVAL, hint: "not a regular file or device")
            }
        } else if errno != ENOENT {
            throw FileTargetError(path: path, operation: "stat", errno: errno)
        }
        if let existing, existing >= request.size { return .alreadyLargeEnough(size: existing) }

        let writeOut = request.jobReads || (request.jobWrites && request.overwrite)
        if existing != nil && (writeOut || request.jobWrites) {
            try unlink(path: path, ignoreMissing: true)
        }
        let fd = Glibc.open(path, O_WRONLY | O_CREAT | O_CLOEXEC | (writeOut ? O_TRUNC : 0), 0o644)
        guard fd >= 0 else {
            throw FileTargetError(path: path, operation: "open(O_WRONLY|O_CREAT) for layout", errno: errno)
        }
        defer { close(fd) }

        // fio drops the laid-out range from the page cache, whatever `invalidate` says (filesetup.c,
        // setup_files after extend_file): from the old size to the new one.
        let old = existing ?? 0
        defer {
            if request.size > old { _ = posix_fadvise(fd, off_t(old), off_t(request.size - old), POSIX_FADV_DONTNEED) }
        }

        try preallocate(fd: fd, path: path, size: request.size, mode: request.fallocate)
        guard writeOut else {
            guard fstat(fd, &info) == 0 else { throw FileTargetError(path: path, operation: "fstat", errno: errno) }
            return .allocated(size: UInt64(info.st_size))
        }
        if ftruncate(fd, off_t(request.size)) != 0 && errno != EFBIG {
            throw FileTargetError(path: path, operation: "ftruncate to \(request.size) bytes", errno: errno)
        }
        let written = try writeOutFile(
            fd: fd, path: path, size: request.size, chunkSize: request.chunkSize, seed: request.seed, fill: fill)
        if request.createFsync && fsync(fd) != 0 {
            throw FileTargetError(path: path, operation: "fsync after layout", errno: errno)
        }
        return .laidOut(bytesWritten: written)
    }

    private static func preallocate(fd: Int32, path: String, size: UInt64, mode: FileAllocation) throws(FileTargetError)
    {
        switch mode {
        case .none:
            return
        case .native:
            _ = glibcFallocate?(fd, 0, 0, off_t(size))  // fio: fall back to `none` on failure
        case .posix:
            let rc = posix_fallocate(fd, 0, off_t(size))
            if rc != 0 {
                throw FileTargetError(
                    path: path, operation: "posix_fallocate of \(size) bytes", errno: rc,
                    hint: rc == ENOSPC ? "not enough free space" : "try fallocate=none")
            }
        case .keep:
            guard let fallocate = glibcFallocate else {
                throw FileTargetError(path: path, operation: "fallocate(FALLOC_FL_KEEP_SIZE)", errno: ENOSYS)
            }
            if fallocate(fd, FALLOC_FL_KEEP_SIZE, 0, off_t(size)) != 0 {
                throw FileTargetError(
                    path: path, operation: "fallocate(FALLOC_FL_KEEP_SIZE) of \(size) bytes", errno: errno,
                    hint: errno == EOPNOTSUPP ? "this file system cannot preallocate; use fallocate=none" : nil)
            }
        case .truncate:
            if ftruncate(fd, off_t(size)) != 0 {
                throw FileTargetError(path: path, operation: "ftruncate to \(size) bytes", errno: errno)
            }
        }
    }

    /// Writes `size` bytes of pseudo-random data from offset 0.
    private static func writeOutFile(
        fd: Int32, path: String, size: UInt64, chunkSize: Int, seed: UInt64,
        fill: ((UnsafeMutableRawPointer, Int) -> Void)?
    ) throws(FileTargetError) -> UInt64 {
        // `fill` cuts a chunk as fio does, so the chunk is taken as it is (a multiple of fio's pieces).
        let chunk = fill != nil ? Swift.max(1, chunkSize) : Swift.max(4096, chunkSize) & ~7
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: chunk, alignment: 4096)
        defer { buffer.deallocate() }
        var state = seed == 0 ? 1 : seed
        let words = buffer.bindMemory(to: UInt64.self, capacity: chunk / 8)
        var written: UInt64 = 0
        while written < size {
            let want = Int(Swift.min(UInt64(chunk), size - written))
            if let fill {
                fill(buffer, want)
            } else {
                for i in 0..<(chunk / 8) {  // fresh bytes per chunk, so no two blocks repeat (dedup sees nothing)
                    state ^= state >> 12
                    state ^= state << 25
                    state ^= state >> 27
                    words[i] = state &* 0x2545_F491_4F6C_DD1D
                }
            }
            var done = 0
            while done < want {
                let n = retryingInterrupted { pwrite(fd, buffer + done, want - done, off_t(written) + off_t(done)) }
                if n < 0 {
                    let code = errno
                    throw FileTargetError(
                        path: path, operation: "write while laying out (at byte \(written + UInt64(done)) of \(size))",
                        errno: code,
                        hint: code == ENOSPC || code == EDQUOT ? "the file system is full; lower size" : nil)
                }
                if n == 0 {
                    throw FileTargetError(
                        path: path, operation: "write while laying out", errno: EIO, hint: "write returned 0")
                }
                done += n
            }
            written += UInt64(want)
        }
        return written
    }

    /// Opens a target for a job the way fio does: O_RDONLY for jobs that only read (O_RDWR for
    /// character devices, and for everything else), O_CREAT for regular files a writing job may
    /// create, O_DIRECT for `direct=1`, and `extraFlags` (fio's `sync=`: O_SYNC or O_DSYNC) on every open.
    public static func open(
        path: String, direct: Bool, readOnly: Bool, create: Bool = true, extraFlags: Int32 = 0
    ) throws(FileTargetError) -> Int32 {
        let kind = kind(of: path)
        var flags = O_CLOEXEC | extraFlags
        if direct { flags |= openFlagDirect }
        if readOnly && kind != .characterDevice {
            flags |= O_RDONLY
        } else {
            flags |= O_RDWR
            if create && (kind == .regularFile || kind == .missing) && !readOnly { flags |= O_CREAT }
        }
        let fd = Glibc.open(path, flags, 0o600)
        if fd >= 0 { return fd }
        let code = errno
        let operation = "open(\(describeOpenFlags(flags)))"
        if direct && code == EINVAL {
            let probe = Glibc.open(path, flags & ~openFlagDirect, 0o600)
            if probe >= 0 {
                close(probe)
                let fs = (try? FileSystemInfo.of(path: path))?.typeName ?? "this file system"
                throw FileTargetError(
                    path: path, operation: operation, errno: code,
                    hint:
                        "\(fs) does not support O_DIRECT for this file (it opens fine without it); use direct=0 or put the file on a file system with direct I/O"
                )
            }
        }
        let hint: String? =
            switch code {
            case ENOENT:
                create && !readOnly
                    ? "its directory does not exist" : "it does not exist (a job that only reads does not create files)"
            case EACCES, EPERM: "permission denied; check the file's mode or run as a user who may open it"
            case EBUSY: "the device is in use exclusively (mounted or claimed)"
            case EROFS: "read-only file system; use a read-only job or another location"
            default: nil
            }
        throw FileTargetError(path: path, operation: operation, errno: code, hint: hint)
    }

    /// Drops cached pages so the job starts cold (fio's `invalidate`): posix_fadvise(DONTNEED)
    /// for files, BLKFLSBUF for block devices (needs root), nothing for character devices.
    /// `length` 0 means "to the end of the file".
    public static func invalidateCache(fd: Int32, path: String, offset: UInt64 = 0, length: UInt64 = 0)
        throws(FileTargetError)
    {
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw FileTargetError(path: path, operation: "fstat", errno: errno) }
        switch info.st_mode & S_IFMT {
        case S_IFREG:
            let rc = posix_fadvise(fd, off_t(offset), off_t(length), POSIX_FADV_DONTNEED)
            if rc != 0 { throw FileTargetError(path: path, operation: "posix_fadvise(POSIX_FADV_DONTNEED)", errno: rc) }
        case S_IFBLK:
            if ioctl(fd, BLKFLSBUF) != 0 {
                let code = errno
                throw FileTargetError(
                    path: path, operation: "ioctl(BLKFLSBUF)", errno: code,
                    hint: code == EACCES || code == EPERM
                        ? "only root may flush a block device's cache; run as root or set invalidate=0" : nil)
            }
        default:
            return
        }
    }

    /// A block device's size in bytes (BLKGETSIZE64).
    public static func blockDeviceSize(fd: Int32, path: String) throws(FileTargetError) -> UInt64 {
        var bytes: UInt64 = 0
        guard ioctl(fd, BLKGETSIZE64, &bytes) == 0 else {
            throw FileTargetError(
                path: path, operation: "ioctl(BLKGETSIZE64)", errno: errno,
                hint: errno == ENOTTY ? "not a block device" : nil)
        }
        return bytes
    }

    /// A block device's logical block size (BLKSSZGET): the unit O_DIRECT offsets and lengths need.
    public static func logicalBlockSize(fd: Int32, path: String) throws(FileTargetError) -> UInt32 {
        var size: Int32 = 0
        guard ioctl(fd, BLKSSZGET, &size) == 0 else {
            throw FileTargetError(
                path: path, operation: "ioctl(BLKSSZGET)", errno: errno,
                hint: errno == ENOTTY ? "not a block device" : nil)
        }
        return UInt32(size)
    }

    /// The bytes a job can address: st_size for a regular file, BLKGETSIZE64 for a block device.
    public static func size(of path: String) throws(FileTargetError) -> UInt64 {
        var info = stat()
        guard stat(path, &info) == 0 else { throw FileTargetError(path: path, operation: "stat", errno: errno) }
        if info.st_mode & S_IFMT != S_IFBLK { return UInt64(info.st_size) }
        let fd = Glibc.open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw FileTargetError(path: path, operation: "open(O_RDONLY) for its size", errno: errno) }
        defer { close(fd) }
        return try blockDeviceSize(fd: fd, path: path)
    }

    /// Removes a job file (fio's `unlink`). Devices are never unlinked.
    public static func unlink(path: String, ignoreMissing: Bool = false) throws(FileTargetError) {
        let kind = kind(of: path)
        if kind == .blockDevice || kind == .characterDevice {
            throw FileTargetError(
                path: path, operation: "unlink", errno: EPERM, hint: "refusing to unlink a device node")
        }
        if Glibc.unlink(path) != 0 {
            if errno == ENOENT && ignoreMissing { return }
            throw FileTargetError(path: path, operation: "unlink", errno: errno)
        }
    }

    static func describeOpenFlags(_ flags: Int32) -> String {
        var parts = [flags & O_ACCMODE == O_RDONLY ? "O_RDONLY" : flags & O_ACCMODE == O_WRONLY ? "O_WRONLY" : "O_RDWR"]
        if flags & O_CREAT != 0 { parts.append("O_CREAT") }
        if flags & openFlagDirect != 0 { parts.append("O_DIRECT") }
        // O_SYNC includes O_DSYNC's bit, so test it first.
        if flags & O_SYNC == O_SYNC {
            parts.append("O_SYNC")
        } else if flags & O_DSYNC != 0 {
            parts.append("O_DSYNC")
        }
        return parts.joined(separator: "|")
    }
}

/// fallocate(2), looked up at run time (Swift's Glibc module hides it behind _GNU_SOURCE).
private let glibcFallocate: (@convention(c) (Int32, Int32, off_t, off_t) -> Int32)? = {
    guard let symbol = dlsym(nil, "fallocate") else { return nil }
    return unsafeBitCast(symbol, to: (@convention(c) (Int32, Int32, off_t, off_t) -> Int32).self)
}()
