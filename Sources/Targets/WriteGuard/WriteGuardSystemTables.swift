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

public struct SwapEntry: Sendable, Equatable {
    public var path: String
    /// "partition" or "file".
    public var type: String
}

public enum SystemTables {
    /// Parses /proc/swaps: a header line, then `path type size used priority`.
    public static func parseSwaps(_ text: String) -> [SwapEntry] {
        text.split(separator: "\n").dropFirst().compactMap { line in
            let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard fields.count >= 2 else { return nil }
            return SwapEntry(path: MountEntry.unescape(String(fields[0])), type: String(fields[1]))
        }
    }

}
