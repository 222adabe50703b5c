/// ZFS reports checksum errors and Direct I/O verify failures as events (`zpool events`, consumed
/// by zed), not in the kernel log: `ereport.fs.zfs.checksum`, `ereport.fs.zfs.dio_verify_wr`
/// (a Direct I/O write whose buffer changed while in flight, zfs(4) `zfs_vdev_direct_write_verify`)
/// and `ereport.fs.zfs.dio_verify_rd`. Count them before and after a job.
public struct ZpoolEventCounts: Sendable, Equatable, Codable {
    /// Event class (e.g. `ereport.fs.zfs.checksum`) → number of events.
    public var byClass: [String: Int]

    public init(byClass: [String: Int] = [:]) {
        self.byClass = byClass
    }

    /// Parses `zpool events -H [POOL]`: one event a line, time then class, tab-separated.
    public init(parsing output: String) {
        var counts: [String: Int] = [:]
        for line in output.split(separator: "\n") {
            // The class is the last field; the time before it holds spaces.
            guard let cls = line.split(separator: "\t").last.map({ String($0).trimmingSpaces }),
                cls.contains("."), !cls.contains(" ")
            else { continue }
            counts[cls, default: 0] += 1
        }
        byClass = counts
    }

    public static let checksumClass = "ereport.fs.zfs.checksum"
    public static let dioVerifyWriteClass = "ereport.fs.zfs.dio_verify_wr"
    public static let dioVerifyReadClass = "ereport.fs.zfs.dio_verify_rd"

    /// Events of the classes that mean data went wrong, that appeared between two counts.
    /// The kernel keeps a bounded number of events (`zfs_zevent_len_max`); a count that shrank
    /// means old events were dropped, and then the after count is taken as new.
    public static func newDataErrors(before: ZpoolEventCounts, after: ZpoolEventCounts) -> [String: Int] {
        var out: [String: Int] = [:]
        for cls in [checksumClass, dioVerifyWriteClass, dioVerifyReadClass] {
            let b = before.byClass[cls] ?? 0, a = after.byClass[cls] ?? 0
            let n = a >= b ? a - b : a
            if n > 0 { out[cls] = n }
        }
        return out
    }

    public static func read(pool: String, tools: ZFSTools) throws -> ZpoolEventCounts {
        try ZFSNameCheck.pool(pool)
        return ZpoolEventCounts(parsing: try tools.run(ZFSCommands.events(pool: pool)))
    }
}
