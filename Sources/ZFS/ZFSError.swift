/// Errors of the ZFS module. Each message says what was tried and what would help.
public enum ZFSError: Error, Equatable, CustomStringConvertible {
    /// `/sys/module/zfs` does not exist.
    case moduleNotLoaded(sysfsPath: String)
    /// The `zfs` or `zpool` command is not installed (not on PATH nor in the usual sbin directories).
    case commandMissing(name: String, searched: [String])
    /// A `zfs`/`zpool` command exited non-zero.
    case commandFailed(command: [String], status: Int32, stderr: String)
    case kstatMissing(path: String, hint: String)
    case kstatMalformed(path: String, reason: String)
    case versionUnparseable(String)
    /// The path is not on a ZFS file system.
    case notOnZFS(path: String, filesystemMagic: UInt64)
    /// No mount in /proc/self/mountinfo matches the path.
    case mountNotFound(path: String)
    case pathInaccessible(path: String, errno: Int32)
    case unexpectedOutput(command: [String], output: String, expected: String)
    case invalidVdev(spec: String, reason: String)
    case poolExists(name: String)
    case invalidName(String, reason: String)

    public var description: String {
        switch self {
        case .moduleNotLoaded(let path):
            return
                "ZFS is not loaded: \(path) does not exist (load it with 'modprobe zfs', or run where OpenZFS is available)"
        case .commandMissing(let name, let searched):
            return
                "the '\(name)' command was not found (searched \(searched.joined(separator: ", "))); install the OpenZFS user tools (e.g. zfsutils-linux)"
        case .commandFailed(let command, let status, let stderr):
            let err = stderr.trimmingSpaces
            return "'\(command.joined(separator: " "))' failed with exit status \(status)"
                + (err.isEmpty ? "" : ": \(err)")
        case .kstatMissing(let path, let hint):
            return "kstat \(path) is missing: \(hint)"
        case .kstatMalformed(let path, let reason):
            return "kstat \(path) is malformed: \(reason)"
        case .versionUnparseable(let text):
            return
                "cannot read a ZFS version from '\(text)' (expected e.g. 2.3.1, 2.3.9-0+deb13u1, 2.4.0-rc1, zfs-2.3.1)"
        case .notOnZFS(let path, let magic):
            return
                "\(path) is not on a ZFS file system (statfs type 0x\(String(magic, radix: 16)), ZFS is 0x2fc12fc1); give the dataset with zfs_dataset= or put the file on ZFS"
        case .mountNotFound(let path):
            return "no ZFS mount in /proc/self/mountinfo holds \(path)"
        case .pathInaccessible(let path, let errno):
            return "cannot examine \(path): \(String(cString: strerror(errno)))"
        case .unexpectedOutput(let command, let output, let expected):
            return
                "unexpected output from '\(command.joined(separator: " "))': '\(output.trimmingSpaces)' (expected \(expected))"
        case .invalidVdev(let spec, let reason):
            return "invalid scratch vdev '\(spec)': \(reason) (use file:SIZE, e.g. file:1G, or a block device path)"
        case .poolExists(let name):
            return "a pool named '\(name)' already exists; choose another scratch pool name"
        case .invalidName(let name, let reason):
            return "invalid ZFS name '\(name)': \(reason)"
        }
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
