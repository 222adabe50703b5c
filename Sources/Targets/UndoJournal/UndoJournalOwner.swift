// Which process owns a journal, and whether it is still running. A pid alone is not enough: pids are
// reused, so the process's start time (clock ticks since boot, /proc/PID/stat field 22) and the boot ID
// identify it.
import Foundation

public struct ProcessIdentity: Codable, Sendable, Hashable, CustomStringConvertible {
    public var pid: Int32
    /// `starttime` from /proc/PID/stat: clock ticks after boot.
    public var startTicks: UInt64
    /// /proc/sys/kernel/random/boot_id
    public var bootID: String

    public init(pid: Int32, startTicks: UInt64, bootID: String) {
        self.pid = pid
        self.startTicks = startTicks
        self.bootID = bootID
    }

    public var description: String { "pid \(pid) (started at tick \(startTicks))" }

    public static func current() throws -> ProcessIdentity {
        let pid = getpid()
        guard let stat = ProcessStat.read(pid: pid) else {
            throw UndoJournalError.io(path: "/proc/\(pid)/stat", operation: "read", errno: errno)
        }
        return ProcessIdentity(pid: pid, startTicks: stat.startTicks, bootID: currentBootID())
    }

    public enum Liveness: Equatable, Sendable {
        case alive
        case dead(reason: String)
    }

    /// Alive only when a process with this pid exists, is not a zombie, started at the same tick and in
    /// this boot. A zombie counts as dead: its descriptors are closed and it will do nothing more.
    public func liveness() -> Liveness {
        if bootID != Self.currentBootID() { return .dead(reason: "it ran in an earlier boot") }
        guard let stat = ProcessStat.read(pid: pid) else { return .dead(reason: "pid \(pid) does not exist") }
        if stat.startTicks != startTicks {
            return .dead(reason: "pid \(pid) now belongs to another process (started at tick \(stat.startTicks))")
        }
        if stat.state == "Z" || stat.state == "X" { return .dead(reason: "pid \(pid) has exited (zombie)") }
        return .alive
    }

    static func currentBootID() -> String {
        guard let data = FileManager.default.contents(atPath: "/proc/sys/kernel/random/boot_id") else { return "" }
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

/// The two fields of /proc/PID/stat that identify a process and its state.
struct ProcessStat {
    var state: Character
    var startTicks: UInt64

    static func read(pid: Int32) -> ProcessStat? {
        guard let data = FileManager.default.contents(atPath: "/proc/\(pid)/stat") else { return nil }
        return parse(String(decoding: data, as: UTF8.self))
    }

    /// "PID (comm) S ppid …": comm may hold spaces and parentheses, so fields count from the last ')'.
    static func parse(_ line: String) -> ProcessStat? {
        guard let close = line.lastIndex(of: ")") else { return nil }
        let fields = line[line.index(after: close)...].split(separator: " ", omittingEmptySubsequences: true)
        // fields[0] is field 3 (state); starttime is field 22.
        guard fields.count > 19, let state = fields[0].first, let start = UInt64(fields[19]) else { return nil }
        return ProcessStat(state: state, startTicks: start)
    }
}
