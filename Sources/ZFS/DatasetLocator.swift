import Foundation

/// One line of `/proc/self/mountinfo` (proc(5)):
/// `36 35 0:45 / /tank/my\040data rw,noatime shared:1 - zfs tank/my\040data rw,xattr,posixacl`
public struct MountInfoEntry: Sendable, Equatable {
    public var mountID: Int
    public var parentID: Int
    public var major: UInt32
    public var minor: UInt32
    public var root: String
    public var mountPoint: String
    public var fsType: String
    /// The mount source; for ZFS, the dataset name.
    public var source: String

    /// Parses one line; nil when it does not have the proc(5) shape.
    public init?(line: String) {
        let f = line.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
        // 6 fixed fields, optional fields, "-", then fstype, source, super options.
        guard f.count >= 10, let sep = f.firstIndex(of: "-"), sep >= 6, f.count >= sep + 3,
              let id = Int(f[0]), let parent = Int(f[1])
        else { return nil }
        let dev = f[2].split(separator: ":")
        guard dev.count == 2, let major = UInt32(dev[0]), let minor = UInt32(dev[1]) else { return nil }
        mountID = id
        parentID = parent
        self.major = major
        self.minor = minor
        root = Self.unescape(f[3])
        mountPoint = Self.unescape(f[4])
        fsType = Self.unescape(f[sep + 1])
        source = Self.unescape(f[sep + 2])
    }

    /// The kernel writes space, tab, newline and backslash in paths as octal escapes (`\040`).
    public static func unescape(_ field: String) -> String {
        guard field.contains("\\") else { return field }
        var bytes: [UInt8] = []
        let u = Array(field.utf8)
        var i = 0
        while i < u.count {
            if u[i] == UInt8(ascii: "\\"), i + 3 < u.count {
                let digits = u[(i + 1)...(i + 3)]
                if digits.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "7") }) {
                    let value = digits.reduce(0) { $0 * 8 + Int($1 - UInt8(ascii: "0")) }
                    if value < 256 {
                        bytes.append(UInt8(value))
                        i += 4
                        continue
                    }
                }
            }
            bytes.append(u[i])
            i += 1
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    public static func parseAll(_ text: String) -> [MountInfoEntry] {
        text.split(separator: "\n").compactMap { MountInfoEntry(line: String($0)) }
    }
}

/// Finds the ZFS dataset holding a path.
public enum ZFSDatasetLocator {
    /// `statfs(2)` f_type of ZFS on Linux.
    public static let zfsMagic: UInt64 = 0x2fc1_2fc1

    /// The dataset holding `path` (for a file that does not exist yet: its directory). The file
    /// system must be ZFS (statfs magic); the dataset is the source of the mount whose device
    /// number matches the path's, or else the ZFS mount with the longest matching mount point.
    public static func dataset(containing path: String, mountInfoPath: String = "/proc/self/mountinfo") throws -> String {
        let existing = try existingAncestor(of: path)
        let magic = try filesystemMagic(existing)
        guard magic == zfsMagic else { throw ZFSError.notOnZFS(path: path, filesystemMagic: magic) }
        var st = stat()
        guard stat(existing, &st) == 0 else { throw ZFSError.pathInaccessible(path: existing, errno: errno) }
        guard let text = readSmallFile(mountInfoPath) else {
            throw ZFSError.pathInaccessible(path: mountInfoPath, errno: errno)
        }
        let real = realPath(existing) ?? existing
        guard let entry = match(entries: MountInfoEntry.parseAll(text), major: major(of: st.st_dev),
                                minor: minor(of: st.st_dev), path: real) else {
            throw ZFSError.mountNotFound(path: path)
        }
        return entry.source
    }

    /// The ZFS mount for a device number, else the one whose mount point is the longest prefix of `path`.
    public static func match(entries: [MountInfoEntry], major: UInt32, minor: UInt32, path: String) -> MountInfoEntry? {
        let zfs = entries.filter { $0.fsType == "zfs" }
        // Several entries can share a device (bind mounts); all name the same dataset.
        if let byDevice = zfs.last(where: { $0.major == major && $0.minor == minor }) { return byDevice }
        return zfs.filter { isPrefix($0.mountPoint, of: path) }.max { $0.mountPoint.count < $1.mountPoint.count }
    }

    /// `statfs(2)`'s f_type. Swift's Glibc module does not import <sys/vfs.h>, so the C function
    /// is looked up by name and called with the C convention. f_type is the struct's first field,
    /// a `long` on 64-bit Linux; the buffer is larger than the struct (120 bytes on x86_64 and arm64).
    public static func filesystemMagic(_ path: String) throws -> UInt64 {
        typealias StatfsFunction = @convention(c) (UnsafePointer<CChar>, UnsafeMutableRawPointer) -> Int32
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "statfs") else {
            throw ZFSError.pathInaccessible(path: path, errno: ENOSYS)
        }
        let statfsFunction = unsafeBitCast(symbol, to: StatfsFunction.self)
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: 512, alignment: 16)
        defer { buffer.deallocate() }
        buffer.initializeMemory(as: UInt8.self, repeating: 0, count: 512)
        guard statfsFunction(path, buffer) == 0 else { throw ZFSError.pathInaccessible(path: path, errno: errno) }
        return UInt64(UInt(bitPattern: buffer.load(as: Int.self)))
    }

    static func isPrefix(_ mount: String, of path: String) -> Bool {
        if mount == "/" { return path.hasPrefix("/") }
        return path == mount || path.hasPrefix(mount + "/")
    }

    static func existingAncestor(of path: String) throws -> String {
        var p = path
        while !p.isEmpty {
            var st = stat()
            if stat(p, &st) == 0 { return p }
            if errno != ENOENT { throw ZFSError.pathInaccessible(path: p, errno: errno) }
            p = (p as NSString).deletingLastPathComponent
            if p == "/" || p == "." { return p }
        }
        return "."
    }

    static func realPath(_ path: String) -> String? {
        guard let r = realpath(path, nil) else { return nil }
        defer { free(r) }
        return String(cString: r)
    }

    // glibc's major()/minor() are macros; these follow the Linux dev_t encoding.
    static func major(of dev: dev_t) -> UInt32 {
        UInt32(truncatingIfNeeded: ((UInt64(dev) >> 32) & 0xffff_f000) | ((UInt64(dev) >> 8) & 0x0000_0fff))
    }

    static func minor(of dev: dev_t) -> UInt32 {
        UInt32(truncatingIfNeeded: ((UInt64(dev) >> 12) & 0xffff_ff00) | (UInt64(dev) & 0x0000_00ff))
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
