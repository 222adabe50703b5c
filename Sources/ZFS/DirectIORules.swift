// Which path an application read or write takes through ZFS, by version, `direct` setting,
// O_DIRECT and alignment. This file is the one place these rules live; docs/ARCHITECTURE.md ("ZFS") states them
// with their sources, and each row's `source` names the man page or lab capture behind it.

/// The path a request takes.
public enum ZFSIOPath: String, Sendable, Codable, CaseIterable {
    /// Bypasses the ARC; counted in `direct_{read,write}_*`, one per block.
    case direct
    /// Through the ARC, kept cached; counted in `arc_*` (reads only on ARC misses).
    case arc
    /// Through the ARC and dropped after use (2.4+); counted in `arc_*` like `arc`.
    case uncached
    /// Rejected with EINVAL; nothing is counted.
    case einval
}

/// Which set of rules applies to a loaded module.
public enum ZFSRuleset: String, Sendable, Codable {
    /// Before Direct I/O (2.2 and older): no `direct` property, O_DIRECT is served by the ARC.
    case noDirectIO = "<2.3"
    /// 2.3.x (and 2.2.99 development builds): EINVAL for misaligned O_DIRECT under `standard`.
    case v2_3 = "2.3"
    /// 2.4+: misaligned or `disabled` O_DIRECT becomes uncached I/O unless `zfs_dio_strict=1`.
    case v2_4 = "2.4+"

    /// The rules for a module. `zfs_dio_strict` exists only from 2.4 on, so its presence also marks
    /// a 2.3.99 development build as 2.4.
    public static func of(_ module: ZFSModuleInfo) -> ZFSRuleset {
        of(version: module.version, hasStrictParameter: module.dioStrict != nil)
    }

    public static func of(version: ZFSVersion, hasStrictParameter: Bool = false) -> ZFSRuleset {
        if version >= .firstWithUncachedFallback || hasStrictParameter { return .v2_4 }
        if version >= .firstWithDirectIO { return .v2_3 }
        return .noDirectIO
    }
}

/// How a request lines up with what Direct I/O needs.
public enum ZFSRequestAlignment: String, Sendable, Codable, CaseIterable {
    /// Buffer, offset or length not a multiple of the page size.
    case misaligned
    /// Page-aligned, but offset or length not a multiple of the recordsize.
    case pageAligned
    /// Page-aligned and offset and length multiples of the recordsize.
    case recordAligned
}

/// The effective `direct` setting: `zfs_dio_enabled=0` acts as `disabled`.
public enum ZFSEffectiveDirect: String, Sendable, Codable {
    case disabled, standard, always

    public init(_ property: ZFSDirectProperty, dioEnabled: Bool?) {
        if dioEnabled == false {
            self = .disabled
            return
        }
        switch property {
        case .disabled: self = .disabled
        case .standard: self = .standard
        case .always: self = .always
        }
    }
}

/// One row of the rule table. nil in a condition column matches anything; the first matching
/// row wins, so specific rows come before general ones.
public struct ZFSDirectRule: Sendable, Equatable {
    public var ruleset: ZFSRuleset
    public var setting: ZFSEffectiveDirect?
    public var oDirect: Bool?
    public var alignment: ZFSRequestAlignment?
    /// `zfs_dio_strict=1` (2.4+ only).
    public var strict: Bool?
    public var read: ZFSIOPath
    public var write: ZFSIOPath
    /// Why, in a few words, for reports.
    public var reason: String
    /// Where the rule comes from: a lab capture row of fio-SUMMARY.txt (2.3.9), or documentation.
    public var source: String
}

public enum ZFSDirectRules {
    private typealias R = ZFSDirectRule

    // ruleset      setting     O_DIRECT alignment      strict  read       write      reason / source
    public static let table: [ZFSDirectRule] = [
        R(
            ruleset: .noDirectIO, setting: nil, oDirect: nil, alignment: nil, strict: nil, read: .arc, write: .arc,
            reason: "no Direct I/O before OpenZFS 2.3: O_DIRECT is served by the ARC",
            source: "zfsprops(7) 2.3: direct is new"),

        // OpenZFS 2.3.x
        R(
            ruleset: .v2_3, setting: .disabled, oDirect: nil, alignment: nil, strict: nil, read: .arc, write: .arc,
            reason: "direct=disabled (or zfs_dio_enabled=0) ignores O_DIRECT", source: "lab rows 01-15"),
        R(
            ruleset: .v2_3, setting: .standard, oDirect: false, alignment: nil, strict: nil, read: .arc, write: .arc,
            reason: "direct=standard without O_DIRECT is buffered", source: "lab rows 21-23"),
        R(
            ruleset: .v2_3, setting: .standard, oDirect: true, alignment: .misaligned, strict: nil, read: .einval,
            write: .einval,
            reason: "misaligned O_DIRECT under direct=standard is rejected", source: "lab rows 26-30"),
        R(
            ruleset: .v2_3, setting: .standard, oDirect: true, alignment: .pageAligned, strict: nil, read: .direct,
            write: .arc,
            reason: "reads direct (whole blocks); writes shorter than a record go through the ARC",
            source: "lab rows 24-25"),
        R(
            ruleset: .v2_3, setting: .standard, oDirect: true, alignment: .recordAligned, strict: nil, read: .direct,
            write: .direct,
            reason: "aligned O_DIRECT bypasses the ARC", source: "lab rows 16-20"),
        R(
            ruleset: .v2_3, setting: .always, oDirect: nil, alignment: .misaligned, strict: nil, read: .arc,
            write: .arc,
            reason: "direct=always sends misaligned requests through the ARC silently", source: "lab rows 36, 41-45"),
        R(
            ruleset: .v2_3, setting: .always, oDirect: nil, alignment: .pageAligned, strict: nil, read: .direct,
            write: .arc,
            reason: "direct=always: page-aligned reads direct; writes shorter than a record through the ARC",
            source: "lab rows 38-40"),
        R(
            ruleset: .v2_3, setting: .always, oDirect: nil, alignment: .recordAligned, strict: nil, read: .direct,
            write: .direct,
            reason: "direct=always makes aligned requests direct, with or without O_DIRECT",
            source: "lab rows 31-35, 37"),

        // OpenZFS 2.4+ (not yet checked in the lab)
        R(
            ruleset: .v2_4, setting: .disabled, oDirect: true, alignment: nil, strict: nil, read: .uncached,
            write: .uncached,
            reason: "direct=disabled turns O_DIRECT into uncached I/O",
            source: "zfsprops(7) (2.4); unverified in the lab"),
        R(
            ruleset: .v2_4, setting: .disabled, oDirect: false, alignment: nil, strict: nil, read: .arc, write: .arc,
            reason: "direct=disabled, buffered", source: "zfsprops(7)"),
        R(
            ruleset: .v2_4, setting: .standard, oDirect: false, alignment: nil, strict: nil, read: .arc, write: .arc,
            reason: "direct=standard without O_DIRECT is buffered", source: "zfsprops(7)"),
        R(
            ruleset: .v2_4, setting: nil, oDirect: true, alignment: .misaligned, strict: true, read: .einval,
            write: .einval,
            reason: "zfs_dio_strict=1 rejects misaligned O_DIRECT",
            source: "zfs(4) zfs_dio_strict; unverified in the lab"),
        R(
            ruleset: .v2_4, setting: nil, oDirect: true, alignment: .misaligned, strict: nil, read: .uncached,
            write: .uncached,
            reason: "misaligned O_DIRECT becomes uncached I/O (zfs_dio_strict=0)",
            source: "zfs(4) zfs_dio_strict; unverified in the lab"),
        R(
            ruleset: .v2_4, setting: .always, oDirect: false, alignment: .misaligned, strict: nil, read: .arc,
            write: .arc,
            reason: "direct=always: misaligned buffered requests stay buffered",
            source: "zfsprops(7); unverified in the lab"),
        R(
            ruleset: .v2_4, setting: nil, oDirect: nil, alignment: .pageAligned, strict: nil, read: .direct,
            write: .arc,
            reason: "reads direct (whole blocks); writes shorter than a record through the ARC",
            source: "as 2.3; unverified in the lab"),
        R(
            ruleset: .v2_4, setting: nil, oDirect: nil, alignment: .recordAligned, strict: nil, read: .direct,
            write: .direct,
            reason: "aligned requests bypass the ARC", source: "as 2.3; unverified in the lab"),
    ]

    /// The first rule matching the request. Every combination has one (the tests check that).
    public static func rule(
        ruleset: ZFSRuleset, setting: ZFSEffectiveDirect, oDirect: Bool,
        alignment: ZFSRequestAlignment, strict: Bool
    ) -> ZFSDirectRule {
        for r in table
        where r.ruleset == ruleset
            && (r.setting == nil || r.setting == setting)
            && (r.oDirect == nil || r.oDirect == oDirect)
            && (r.alignment == nil || r.alignment == alignment)
            && (r.strict == nil || r.strict == strict)
        {
            return r
        }
        preconditionFailure(
            "ZFSDirectRules.table has no row for \(ruleset) \(setting) O_DIRECT=\(oDirect) \(alignment) strict=\(strict)"
        )
    }
}
