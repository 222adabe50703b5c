import SystemCalls
import Glibc

/// One line of /proc/self/mountinfo (proc(5)).
public struct MountEntry: Sendable, Equatable, Codable {
    public var mountID: Int
    public var parentID: Int
    /// "major:minor" of the file system's device.
    public var device: String
    /// The directory of the file system mounted here ("/" unless a bind mount or subvolume).
    public var root: String
    public var mountPoint: String
    public var mountOptions: String
    public var fsType: String
    /// The device or dataset ("/dev/vda", "tank/fs", "tmpfs").
    public var source: String
    public var superOptions: String

    /// `device` as a number (st_dev of the mounted file system; not a block device for virtual ones).
    public var deviceNumber: DeviceNumber? { DeviceNumber(Substring(device)) }

    /// Parses one line; nil if it is not in mountinfo's shape. Octal escapes (`\040` for a space) are undone.
    public init?(mountinfoLine line: String) {
        let fields = line.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
        guard fields.count >= 10, let separator = fields.firstIndex(of: "-"), separator >= 6,
            fields.count >= separator + 3,
            let id = Int(fields[0]), let parent = Int(fields[1])
        else { return nil }
        mountID = id
        parentID = parent
        device = fields[2]
        root = Self.unescape(fields[3])
        mountPoint = Self.unescape(fields[4])
        mountOptions = fields[5]
        fsType = fields[separator + 1]
        source = Self.unescape(fields[separator + 2])
        superOptions = fields.count > separator + 3 ? fields[separator + 3] : ""
    }

    /// mountinfo writes space, tab, newline and backslash as 3-digit octal escapes (`\\040`); anything
    /// else after a backslash stays as it is.
    public static func unescape(_ field: String) -> String {
        guard field.contains("\\") else { return field }
        var bytes: [UInt8] = []
        let utf8 = Array(field.utf8)
        var i = 0
        while i < utf8.count {
            if utf8[i] == UInt8(ascii: "\\"), i + 3 < utf8.count {
                let digits = utf8[(i + 1)...(i + 3)]
                if digits.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "7") }),
                    let value = UInt8(exactly: digits.reduce(0) { $0 * 8 + Int($1 - UInt8(ascii: "0")) })
                {
                    bytes.append(value)
                    i += 4
                    continue
                }
            }
            bytes.append(utf8[i])
            i += 1
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

/// The file system a path lives on: statfs's magic number, named, and its mount from /proc/self/mountinfo.
public struct FileSystemInfo: Sendable, Equatable, Codable {
    public var path: String
    /// statfs's f_type.
    public var magic: UInt64
    /// "ext4", "zfs", "tmpfs"… from mountinfo when the mount is found (it tells ext2/3/4 apart), else from `magic`.
    public var typeName: String
    public var mount: MountEntry?

    public var mountPoint: String? { mount?.mountPoint }
    public var mountSource: String? { mount?.source }

    public static func of(path: String) throws(FileTargetError) -> FileSystemInfo {
        let magic = try magic(path: path)
        let all = mounts()
        let mount =
            mountID(of: path).flatMap { id in all.last { $0.mountID == id } }
            ?? (try? realPath(path)).flatMap { mountEntry(containing: $0, in: all) }
        let typeName = mount?.fsType ?? name(forMagic: magic) ?? "unknown (0x\(String(magic, radix: 16)))"
        return FileSystemInfo(path: path, magic: magic, typeName: typeName, mount: mount)
    }

    /// statfs(2)'s f_type for `path`.
    public static func magic(path: String) throws(FileTargetError) -> UInt64 {
        guard let statfs = glibcStatfs else { throw FileTargetError(path: path, operation: "statfs", errno: ENOSYS) }
        var code: Int32 = 0
        let magic = readStatfsType { buffer in
            let rc = statfs(path, buffer)
            code = rc == 0 ? 0 : errno
            return rc
        }
        guard let magic else { throw FileTargetError(path: path, operation: "statfs", errno: code) }
        return magic
    }

    /// fstatfs(2)'s f_type for an open file; nil when the call fails.
    public static func magic(fd: Int32) -> UInt64? {
        guard let fstatfs = glibcFstatfs else { return nil }
        return readStatfsType { fstatfs(fd, $0) }
    }

    /// Runs a statfs-like call on a zeroed buffer and returns f_type. struct statfs is 120 bytes on
    /// 64-bit Linux; f_type (a long) is its first field.
    private static func readStatfsType(_ call: (UnsafeMutableRawPointer) -> Int32) -> UInt64? {
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: 256, alignment: 8)
        defer { buffer.deallocate() }
        buffer.initializeMemory(as: UInt8.self, repeating: 0, count: 256)
        guard call(buffer) == 0 else { return nil }
        return UInt64(UInt(bitPattern: buffer.load(as: Int.self)) & 0xffff_ffff)
    }

    /// statx's stx_mnt_id: the kernel's own answer to "which mount", exact even when mounts are
    /// stacked on one directory.
    static func mountID(of path: String) -> Int? {
        StatxCall.field(path: path, mask: StatxLayout.mountIDMask) {
            Int($0.load(fromByteOffset: StatxLayout.mountIDOffset, as: UInt64.self))
        }
    }

    /// The mounts this process sees.
    public static func mounts(mountinfo: String? = nil) -> [MountEntry] {
        let text = mountinfo ?? readTextFile("/proc/self/mountinfo") ?? ""
        return text.split(separator: "\n").compactMap { MountEntry(mountinfoLine: String($0)) }
    }

    /// The mount whose mount point is the longest prefix of `path` (absolute, resolved); the last
    /// such line wins, because a later mount on the same directory hides the earlier one.
    public static func mountEntry(containing path: String, in mounts: [MountEntry]) -> MountEntry? {
        var best: MountEntry?
        for entry in mounts where isPrefix(entry.mountPoint, of: path) {
            if best == nil || entry.mountPoint.utf8.count >= best!.mountPoint.utf8.count { best = entry }
        }
        return best
    }

    static func isPrefix(_ mountPoint: String, of path: String) -> Bool {
        if mountPoint == "/" || mountPoint == path { return true }
        return path.hasPrefix(mountPoint + "/")
    }

    /// Names for statfs magic numbers (<linux/magic.h>; ZFS's from OpenZFS).
    public static func name(forMagic magic: UInt64) -> String? {
        switch magic {
        case 0xEF53: return "ext4"  // ext2, ext3 and ext4 share it
        case 0x5846_5342: return "xfs"
        case 0x9123_683E: return "btrfs"
        case 0x0102_1994: return "tmpfs"
        case 0x2FC1_2FC1: return "zfs"
        case 0x6969: return "nfs"
        case 0x794C_7630: return "overlay"
        case 0x858458F6: return "ramfs"
        case 0x9FA0: return "proc"
        case 0x6265_6572: return "sysfs"
        case 0x1CD1: return "devpts"
        case 0x6367_7270: return "cgroup2"
        case 0x27E0EB: return "cgroup"
        case 0xF2F5_2010: return "f2fs"
        case 0x6573_5546: return "fuse"
        case 0xFE53_4D42: return "smb2"
        case 0xFF53_4D42: return "cifs"
        case 0x00C3_6400: return "ceph"
        case 0x7371_7368: return "squashfs"
        case 0x4D44: return "vfat"
        case 0x2011_BAB0: return "exfat"
        case 0x5346_544E: return "ntfs"
        case 0xCA45_1A4E: return "bcachefs"
        case 0x9660: return "iso9660"
        case 0x6264_6576: return "bdev"
        case 0x6462_6720: return "debugfs"
        case 0x7472_6163: return "tracefs"
        case 0x5A3C_69F0: return "aufs"
        default: return nil
        }
    }
}

/// statfs(2) and fstatfs(2), looked up at run time: Swift's Glibc module does not include <sys/vfs.h>.
private let glibcStatfs: (@convention(c) (UnsafePointer<CChar>, UnsafeMutableRawPointer) -> Int32)? = {
    guard let symbol = dlsym(nil, "statfs") else { return nil }
    return unsafeBitCast(symbol, to: (@convention(c) (UnsafePointer<CChar>, UnsafeMutableRawPointer) -> Int32).self)
}()
private let glibcFstatfs: (@convention(c) (Int32, UnsafeMutableRawPointer) -> Int32)? = {
    guard let symbol = dlsym(nil, "fstatfs") else { return nil }
    return unsafeBitCast(symbol, to: (@convention(c) (Int32, UnsafeMutableRawPointer) -> Int32).self)
}()

/// realpath(3), for matching against mount points.
package func realPath(_ path: String) throws(FileTargetError) -> String {
    guard let resolved = realpath(path, nil) else {
        throw FileTargetError(path: path, operation: "realpath", errno: errno)
    }
    defer { free(resolved) }
    return String(cString: resolved)
}

/// Reads a text file to its end (procfs, sysfs, kstats: files whose size stat cannot tell); nil if it can't be
/// opened.
package func readTextFile(_ path: String) -> String? {
    let fd = Glibc.open(path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { return nil }
    defer { close(fd) }
    var bytes: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 65536)
    while true {
        let n = retryingInterrupted { chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) } }
        if n <= 0 { break }
        bytes.append(contentsOf: chunk[0..<n])
    }
    return String(decoding: bytes, as: UTF8.self)
}
