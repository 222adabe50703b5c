import Foundation
import Targets

/// What the loaded ZFS module says about itself under `/sys/module/zfs`.
public struct ZFSModuleInfo: Sendable, Equatable, Codable {
    public var version: ZFSVersion
    /// `parameters/zfs_dio_enabled` (2.3+): 0 sends all I/O through the ARC, as if `direct=disabled`.
    public var dioEnabled: Bool?
    /// `parameters/zfs_dio_strict` (2.4+): 1 restores EINVAL for misaligned O_DIRECT requests.
    /// nil when the parameter does not exist (2.3 and older).
    public var dioStrict: Bool?
    /// `parameters/zfetch_max_distance`: how far ahead prefetch may read, in bytes; it bounds the
    /// ARC misses a buffered reader can cause beyond its own range.
    public var prefetchMaxDistance: UInt64?

    public init(
        version: ZFSVersion, dioEnabled: Bool? = nil, dioStrict: Bool? = nil, prefetchMaxDistance: UInt64? = nil
    ) {
        self.version = version
        self.dioEnabled = dioEnabled
        self.dioStrict = dioStrict
        self.prefetchMaxDistance = prefetchMaxDistance
    }

    public static let defaultSysfsPath = "/sys/module/zfs"

    /// Reads the module's version and Direct I/O parameters. Throws `moduleNotLoaded` when the
    /// directory does not exist.
    public static func read(sysfsPath: String = defaultSysfsPath) throws -> ZFSModuleInfo {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: sysfsPath, isDirectory: &isDir), isDir.boolValue else {
            throw ZFSError.moduleNotLoaded(sysfsPath: sysfsPath)
        }
        guard let versionText = readTextFile(sysfsPath + "/version") else {
            throw ZFSError.kstatMissing(path: sysfsPath + "/version", hint: "the zfs module exports no version")
        }
        func parameter(_ name: String) -> UInt64? {
            readTextFile(sysfsPath + "/parameters/" + name).flatMap { UInt64($0.trimmingSpaces) }
        }
        return ZFSModuleInfo(
            version: try ZFSVersion(parsing: versionText),
            dioEnabled: parameter("zfs_dio_enabled").map { $0 != 0 },
            dioStrict: parameter("zfs_dio_strict").map { $0 != 0 },
            prefetchMaxDistance: parameter("zfetch_max_distance"))
    }
}
