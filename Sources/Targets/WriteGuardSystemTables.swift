// The kernel's tables of what is mounted (/proc/self/mountinfo) and what is swapped on (/proc/swaps),
// parsed from their text so that tests can hand in their own.

/// A block device number.
public struct DeviceNumber: Hashable, Sendable, Codable, CustomStringConvertible {
    public var major: UInt32
    public var minor: UInt32

    public init(major: UInt32, minor: UInt32) {
        self.major = major
        self.minor = minor
    }

    /// Splits a Linux dev_t (glibc's encoding: 12 bits of major, 20 of minor, spread over 64 bits).
    public init(_ dev: UInt64) {
        major = UInt32(truncatingIfNeeded: ((dev >> 8) & 0xfff) | ((dev >> 32) & ~UInt64(0xfff)))
        minor = UInt32(truncatingIfNeeded: (dev & 0xff) | ((dev >> 12) & ~UInt64(0xff)))
    }

    /// "7:3", as mountinfo and sysfs write it.
    public init?(_ text: Substring) {
        let parts = text.split(separator: ":")
        guard parts.count == 2, let major = UInt32(parts[0]), let minor = UInt32(parts[1]) else { return nil }
        self.init(major: major, minor: minor)
    }

    public var description: String { "\(major):\(minor)" }
}

public struct MountEntry: Sendable, Equatable {
    /// st_dev of the mounted file system (field 3). Not a block device for btrfs and virtual file systems.
    public var device: DeviceNumber
    public var mountPoint: String
    public var fileSystemType: String
    /// What was mounted, e.g. "/dev/loop3" (after the " - " separator).
    public var source: String
}

public struct SwapEntry: Sendable, Equatable {
    public var path: String
    /// "partition" or "file".
    public var type: String
}

public enum SystemTables {
    /// Parses /proc/self/mountinfo (proc(5)): `id parent major:minor root mountpoint options [optional…] - fstype source superopts`.
    public static func parseMountInfo(_ text: String) -> [MountEntry] {
        text.split(separator: "\n").compactMap { line in
            let fields = line.split(separator: " ", omittingEmptySubsequences: false)
            guard fields.count >= 10, let device = DeviceNumber(fields[2]),
                  let separator = fields.firstIndex(of: "-"), separator + 2 < fields.count else { return nil }
            return MountEntry(
                device: device, mountPoint: unescapeOctal(fields[4]),
                fileSystemType: String(fields[separator + 1]), source: unescapeOctal(fields[separator + 2]))
        }
    }

    /// Parses /proc/swaps: a header line, then `path type size used priority`.
    public static func parseSwaps(_ text: String) -> [SwapEntry] {
        text.split(separator: "\n").dropFirst().compactMap { line in
            let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard fields.count >= 2 else { return nil }
            return SwapEntry(path: unescapeOctal(fields[0]), type: String(fields[1]))
        }
    }

    /// The kernel writes space, tab, newline and backslash in paths as \040, \011, \012, \134.
    static func unescapeOctal(_ field: Substring) -> String {
        guard field.contains("\\") else { return String(field) }
        var bytes: [UInt8] = []
        let utf8 = Array(field.utf8)
        var i = 0
        while i < utf8.count {
            if utf8[i] == UInt8(ascii: "\\"), i + 4 <= utf8.count,
               utf8[(i + 1)..<(i + 4)].allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "7") }) {
                let digits = utf8[(i + 1)..<(i + 4)].map { UInt32($0 - UInt8(ascii: "0")) }
                bytes.append(UInt8(truncatingIfNeeded: digits[0] << 6 | digits[1] << 3 | digits[2]))
                i += 4
            } else {
                bytes.append(utf8[i])
                i += 1
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
