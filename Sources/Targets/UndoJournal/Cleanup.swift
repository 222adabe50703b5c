// `diobench cleanup`: undo what killed diobench runs left behind. Reads every journal whose owning
// process is gone, undoes its entries newest first with the registered handlers, and touches nothing
// that is not in a dead run's journal (each handler re-checks identity before acting).
import SystemCalls
import Foundation
import Glibc

public enum Cleanup {
    /// Cleans `directory` (default /run/diobench). `handlers`: `.builtIn` plus what other modules register
    /// (the ZFS module adds its kinds). `dryRun` only reports what would be undone. Runs serialized with
    /// other cleanups through an flock on the directory.
    public static func run(
        directory: String = UndoJournal.defaultDirectory, handlers: UndoHandlers = .builtIn, dryRun: Bool = false,
        log: (String) -> Void = { _ in }
    ) -> CleanupReport {
        var report = CleanupReport(directory: directory, dryRun: dryRun, journals: [])
        let directoryFD = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard directoryFD >= 0 else {
            // No directory: no diobench run ever journaled anything here.
            if errno != ENOENT {
                report.error = UndoJournalError.io(path: directory, operation: "open", errno: errno).description
            }
            return report
        }
        defer { close(directoryFD) }
        _ = retryingInterrupted { flock(directoryFD, LOCK_EX) }
        defer { flock(directoryFD, LOCK_UN) }

        for path in UndoJournal.journalPaths(in: directory) {
            let journal = cleanJournal(at: path, handlers: handlers, dryRun: dryRun, log: log)
            report.journals.append(journal)
        }
        if !dryRun { removeStaleTemporaryFiles(in: directory) }
        return report
    }

    private static func cleanJournal(
        at path: String, handlers: UndoHandlers, dryRun: Bool, log: (String) -> Void
    ) -> CleanupReport.Journal {
        var contents: UndoJournalContents
        do {
            contents = try UndoJournal.load(path: path)
        } catch {
            log("cleanup: \(path): \(error)")
            return .init(path: path, owner: nil, status: .unreadable, reason: "\(error)", steps: [])
        }
        let owner = contents.owner
        guard case let .dead(reason) = owner.liveness() else {
            log("cleanup: \(path): \(owner) is still running: left alone")
            return .init(path: path, owner: owner, status: .ownerAlive, reason: "\(owner) is still running", steps: [])
        }
        log("cleanup: \(path): \(owner) is gone (\(reason))")
        var steps: [CleanupReport.Step] = []
        for entry in contents.entries.reversed() {
            let step = undo(entry, handlers: handlers, dryRun: dryRun)
            log("cleanup:   \(entry.action.summary): \(step.outcome)")
            steps.append(step)
            if step.outcome.resolved && !dryRun {
                contents.entries.removeAll { $0.id == entry.id }
                // Rewrite after each step: a cleanup killed halfway repeats nothing already undone.
                do {
                    try UndoJournal.store(contents, at: path)
                } catch {
                    return .init(path: path, owner: owner, status: .kept, reason: "\(error)", steps: steps)
                }
            }
        }
        if dryRun { return .init(path: path, owner: owner, status: .kept, reason: "dry run", steps: steps) }
        if contents.entries.isEmpty {
            return .init(path: path, owner: owner, status: .removed, reason: reason, steps: steps)
        }
        return .init(
            path: path, owner: owner, status: .kept,
            reason: "\(contents.entries.count) entr\(contents.entries.count == 1 ? "y" : "ies") could not be undone",
            steps: steps)
    }

    private static func undo(_ entry: UndoEntry, handlers: UndoHandlers, dryRun: Bool) -> CleanupReport.Step {
        let action = entry.action
        func step(_ outcome: CleanupReport.Outcome) -> CleanupReport.Step {
            .init(entry: entry.id, kind: action.kind, summary: action.summary, outcome: outcome)
        }
        guard let handler = handlers.handler(for: action.kind) else {
            return step(.noHandler("no handler for kind \"\(action.kind)\" in this build: left in the journal"))
        }
        if dryRun { return step(.planned) }
        do {
            switch try handler(action) {
            case let .undone(message): return step(.undone(message))
            case let .nothingToDo(message): return step(.nothingToDo(message))
            }
        } catch {
            return step(.failed("\(error)"))
        }
    }

    /// ".<pid>-<ticks>.json.tmp" files from a write that a dead process never finished.
    private static func removeStaleTemporaryFiles(in directory: String) {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        for name in names where name.hasPrefix(".") && name.hasSuffix(".json.tmp") {
            let stem = name.dropFirst().dropLast(".json.tmp".count)
            let parts = stem.split(separator: "-")
            guard parts.count == 2, let pid = Int32(parts[0]), let ticks = UInt64(parts[1]) else { continue }
            if let stat = ProcessStat.read(pid: pid), stat.startTicks == ticks, stat.state != "Z" { continue }
            unlink("\(directory)/\(name)")
        }
    }
}

public struct CleanupReport: Codable, Sendable, Equatable {
    public enum JournalStatus: String, Codable, Sendable {
        /// Everything undone (or nothing left to undo); the journal file is gone.
        case removed
        /// Some entries remain (failed or no handler), or a dry run.
        case kept
        /// Its process is still running: not touched.
        case ownerAlive
        /// Could not be parsed: not touched.
        case unreadable
    }

    public enum Outcome: Codable, Sendable, Equatable, CustomStringConvertible {
        case undone(String)
        case nothingToDo(String)
        case failed(String)
        case noHandler(String)
        /// Dry run: would be undone.
        case planned

        /// The entry can leave the journal.
        public var resolved: Bool {
            switch self {
            case .undone, .nothingToDo: return true
            case .failed, .noHandler, .planned: return false
            }
        }

        public var description: String {
            switch self {
            case let .undone(m): return m
            case let .nothingToDo(m): return "nothing to do: \(m)"
            case let .failed(m): return "FAILED: \(m)"
            case let .noHandler(m): return "skipped: \(m)"
            case .planned: return "would undo (dry run)"
            }
        }
    }

    public struct Step: Codable, Sendable, Equatable {
        public var entry: UndoEntryID
        public var kind: String
        public var summary: String
        public var outcome: Outcome
    }

    public struct Journal: Codable, Sendable, Equatable {
        public var path: String
        public var owner: ProcessIdentity?
        public var status: JournalStatus
        public var reason: String
        /// In the order they ran: newest entry first.
        public var steps: [Step]
    }

    public var directory: String
    public var dryRun: Bool
    public var journals: [Journal]
    /// Set when the directory itself could not be read.
    public var error: String?

    /// True when something could not be undone or read: `diobench cleanup` exits non-zero.
    public var hasFailures: Bool {
        error != nil
            || journals.contains { j in
                j.status == .unreadable
                    || j.steps.contains { if case .failed = $0.outcome { return true } else { return false } }
            }
    }

    /// Human-readable lines for the CLI.
    public var text: String {
        var lines: [String] = []
        if let error { lines.append("error: \(error)") }
        if journals.isEmpty && error == nil { lines.append("nothing to clean up in \(directory)") }
        for journal in journals {
            let who = journal.owner.map { "\($0)" } ?? "unknown owner"
            lines.append("\(journal.path) (\(who)): \(journal.status.rawValue): \(journal.reason)")
            for step in journal.steps {
                lines.append("  \(step.summary): \(step.outcome)")
            }
        }
        return lines.joined(separator: "\n")
    }
}
