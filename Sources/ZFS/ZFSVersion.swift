/// An OpenZFS version as `/sys/module/zfs/version` or `zfs version` print it, ordered by release:
/// `2.3.0-rc1` < `2.3.0-rc5` < `2.3.0` = `2.3.0-1` < `2.3.1`.
///
/// Accepted forms: `2.3.9-0+deb13u1` (Debian), `2.3.0-1` (upstream packages), `2.4.0-rc1`,
/// `2.2.7`, `zfs-2.3.1`, `zfs-kmod-2.3.1-1`, `2.3.4-pve1`, `2.2.99-1_g1234abcd` (a git build
/// between releases). What follows the release number other than `-rcN` is packaging; it is kept
/// in `raw` but does not order versions.
public struct ZFSVersion: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    public var major: Int
    public var minor: Int
    public var patch: Int
    /// `N` of a `-rcN` release candidate; nil for a release.
    public var releaseCandidate: Int?
    /// The text it was parsed from, trimmed.
    public var raw: String

    public init(major: Int, minor: Int, patch: Int, releaseCandidate: Int? = nil, raw: String? = nil) {
        self.major = major
        self.minor = minor
        self.patch = patch
        self.releaseCandidate = releaseCandidate
        self.raw = raw ?? "\(major).\(minor).\(patch)" + (releaseCandidate.map { "-rc\($0)" } ?? "")
    }

    public init(parsing text: String) throws {
        let trimmed = text.trimmingSpaces
        var rest = Substring(trimmed)
        for prefix in ["zfs-kmod-", "zfs-", "v"] where rest.hasPrefix(prefix) {
            rest = rest.dropFirst(prefix.count)
            break
        }
        // major.minor[.patch]
        var numbers: [Int] = []
        while numbers.count < 3 {
            let digits = rest.prefix { $0.isASCII && $0.isNumber }
            guard !digits.isEmpty, let n = Int(digits) else { break }
            numbers.append(n)
            rest = rest.dropFirst(digits.count)
            guard rest.first == ".", numbers.count < 3 else { break }
            rest = rest.dropFirst()
        }
        guard numbers.count >= 2 else { throw ZFSError.versionUnparseable(text) }
        var rc: Int?
        let suffix = rest.drop { $0 == "-" || $0 == "_" || $0 == "~" }
        if suffix.lowercased().hasPrefix("rc") {
            let digits = suffix.dropFirst(2).prefix { $0.isASCII && $0.isNumber }
            rc = Int(digits) ?? 0
        }
        self.init(
            major: numbers[0], minor: numbers[1], patch: numbers.count > 2 ? numbers[2] : 0,
            releaseCandidate: rc, raw: trimmed)
    }

    /// The short release form, e.g. `2.3.0-rc1`.
    public var release: String {
        "\(major).\(minor).\(patch)" + (releaseCandidate.map { "-rc\($0)" } ?? "")
    }

    public var description: String { raw }

    public static func < (a: ZFSVersion, b: ZFSVersion) -> Bool {
        if a.major != b.major { return a.major < b.major }
        if a.minor != b.minor { return a.minor < b.minor }
        if a.patch != b.patch { return a.patch < b.patch }
        // A release candidate comes before its release.
        return (a.releaseCandidate ?? Int.max) < (b.releaseCandidate ?? Int.max)
    }

    /// Equal when the release is the same; packaging suffixes do not count.
    public static func == (a: ZFSVersion, b: ZFSVersion) -> Bool {
        a.major == b.major && a.minor == b.minor && a.patch == b.patch && a.releaseCandidate == b.releaseCandidate
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(major)
        hasher.combine(minor)
        hasher.combine(patch)
        hasher.combine(releaseCandidate)
    }

    /// Development builds between 2.2 and 2.3 were numbered 2.2.99 and already had Direct I/O.
    public static let firstWithDirectIO = ZFSVersion(major: 2, minor: 2, patch: 99)
    public static let v2_3_1 = ZFSVersion(major: 2, minor: 3, patch: 1)
    /// 2.4 replaced EINVAL and silent ARC fallbacks with uncached I/O (and added `zfs_dio_strict`).
    /// Development builds numbered 2.3.99 are told apart by that parameter (see `ZFSModuleInfo`).
    public static let firstWithUncachedFallback = ZFSVersion(major: 2, minor: 4, patch: 0, releaseCandidate: 1)
}
