import Foundation
import Targets

/// One line of `/proc/self/mountinfo`: Targets' parser (`MountEntry`), with what the locator matches on.
public typealias MountInfoEntry = MountEntry

extension MountEntry {
    /// Every line of mountinfo `text` that has the proc(5) shape.
    public static func parseAll(_ text: String) -> [MountEntry] { FileSystemInfo.mounts(mountinfo: text) }

    public var major: UInt32? { deviceNumber?.major }
    public var minor: UInt32? { deviceNumber?.minor }
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
        let device = DeviceNumber(UInt64(st.st_dev))
        guard let entry = match(entries: MountInfoEntry.parseAll(text), major: device.major, minor: device.minor, path: real) else {
            throw ZFSError.mountNotFound(path: path)
        }
        return entry.source
    }

    /// The ZFS mount for a device number, else the one whose mount point is the longest prefix of `path`.
    public static func match(entries: [MountInfoEntry], major: UInt32, minor: UInt32, path: String) -> MountInfoEntry? {
        let zfs = entries.filter { $0.fsType == "zfs" }
        // Several entries can share a device (bind mounts); all name the same dataset.
        let device = DeviceNumber(major: major, minor: minor)
        if let byDevice = zfs.last(where: { $0.deviceNumber == device }) { return byDevice }
        return FileSystemInfo.mountEntry(containing: path, in: zfs)
    }

    /// `statfs(2)`'s f_type (Targets' FileSystemInfo does the call).
    public static func filesystemMagic(_ path: String) throws -> UInt64 {
        do {
            return try FileSystemInfo.magic(path: path)
        } catch {
            throw ZFSError.pathInaccessible(path: path, errno: error.errno)
        }
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
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
