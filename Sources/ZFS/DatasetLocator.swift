import Foundation
import Targets

/// Finds the ZFS dataset holding a path.
public enum ZFSDatasetLocator {
    /// `statfs(2)` f_type of ZFS on Linux.
    public static let zfsMagic: UInt64 = 0x2fc1_2fc1

    /// The dataset holding `path` (for a file that does not exist yet: its directory). The file
    /// system must be ZFS (statfs magic); the dataset is the source of the mount whose device
    /// number matches the path's, or else the ZFS mount with the longest matching mount point.
    public static func dataset(containing path: String, mountInfoPath: String = "/proc/self/mountinfo") throws -> String
    {
        let existing = try existingAncestor(of: path)
        let magic = try filesystemMagic(existing)
        guard magic == zfsMagic else { throw ZFSError.notOnZFS(path: path, filesystemMagic: magic) }
        var st = stat()
        guard stat(existing, &st) == 0 else { throw ZFSError.pathInaccessible(path: existing, errno: errno) }
        guard let text = readTextFile(mountInfoPath) else {
            throw ZFSError.pathInaccessible(path: mountInfoPath, errno: errno)
        }
        let real = (try? realPath(existing)) ?? existing
        guard
            let entry = match(
                entries: FileSystemInfo.mounts(mountinfo: text), device: DeviceNumber(UInt64(st.st_dev)), path: real)
        else {
            throw ZFSError.mountNotFound(path: path)
        }
        return entry.source
    }

    /// The ZFS mount for a device number, else the one whose mount point is the longest prefix of `path`.
    public static func match(entries: [MountEntry], device: DeviceNumber, path: String) -> MountEntry? {
        let zfs = entries.filter { $0.fsType == "zfs" }
        // Several entries can share a device (bind mounts); all name the same dataset.
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
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
