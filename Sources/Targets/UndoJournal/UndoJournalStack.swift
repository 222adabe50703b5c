// The in-process undo list the runner keeps: every change pushes how to undo it, and on normal exit,
// on error and after SIGINT/SIGTERM (from the runner's signal-handling thread, never inside a signal
// handler) `undoAll` undoes them newest first. A failing step is reported and the rest still run.
import Foundation

public final class UndoStack: @unchecked Sendable {
    public struct Token: Hashable, Sendable {
        fileprivate let value: UInt64
    }

    public struct Outcome: Codable, Sendable, Equatable {
        public var description: String
        public var succeeded: Bool
        /// "ok", or what went wrong.
        public var message: String
    }

    private struct Step {
        var token: Token
        var description: String
        var journalEntry: UndoEntryID?
        var undo: @Sendable () throws -> Void
    }

    private let journal: UndoJournal?
    private let log: @Sendable (String) -> Void
    private let stateLock = NSLock()
    /// Held for a whole `undoAll`: a second caller (exit path vs signal thread) waits for the first.
    private let runLock = NSLock()
    private var steps: [Step] = []
    private var nextToken: UInt64 = 0

    /// `journal`: entries named in `push(journalEntry:)` are removed from it once their step succeeds.
    public init(journal: UndoJournal? = nil, log: @escaping @Sendable (String) -> Void = { _ in }) {
        self.journal = journal
        self.log = log
    }

    public var count: Int {
        stateLock.lock()
        defer { stateLock.unlock() }
        return steps.count
    }

    /// What is still to undo, newest first (a run the kernel crashed leaves these to `diobench cleanup`).
    public var pendingDescriptions: [String] {
        stateLock.lock()
        defer { stateLock.unlock() }
        return steps.reversed().map(\.description)
    }

    /// Registers how to undo a change just made. `journalEntry` is the journal entry recorded for it.
    @discardableResult
    public func push(
        _ description: String, journalEntry: UndoEntryID? = nil, _ undo: @escaping @Sendable () throws -> Void
    ) -> Token {
        stateLock.lock()
        defer { stateLock.unlock() }
        nextToken += 1
        let token = Token(value: nextToken)
        steps.append(Step(token: token, description: description, journalEntry: journalEntry, undo: undo))
        return token
    }

    /// Runs one step now (e.g. a job's loop device at the end of that job) and forgets it.
    @discardableResult
    public func undo(_ token: Token) -> Outcome? {
        runLock.lock()
        defer { runLock.unlock() }
        guard let step = take(token) else { return nil }
        return run(step)
    }

    /// Undoes everything still registered, newest first. Safe to call more than once and from two threads.
    @discardableResult
    public func undoAll() -> [Outcome] {
        runLock.lock()
        defer { runLock.unlock() }
        var outcomes: [Outcome] = []
        while let step = popLast() {
            outcomes.append(run(step))
        }
        return outcomes
    }

    private func run(_ step: Step) -> Outcome {
        do {
            try step.undo()
            if let id = step.journalEntry, let journal {
                do {
                    try journal.remove(id)
                } catch {
                    log("undo: \(step.description): done, but the journal entry stays: \(error)")
                    return Outcome(description: step.description, succeeded: true, message: "ok (journal: \(error))")
                }
            }
            log("undo: \(step.description): ok")
            return Outcome(description: step.description, succeeded: true, message: "ok")
        } catch {
            log("undo: \(step.description): FAILED: \(error)")
            return Outcome(description: step.description, succeeded: false, message: "\(error)")
        }
    }

    private func popLast() -> Step? {
        stateLock.lock()
        defer { stateLock.unlock() }
        return steps.popLast()
    }

    private func take(_ token: Token) -> Step? {
        stateLock.lock()
        defer { stateLock.unlock() }
        guard let index = steps.firstIndex(where: { $0.token == token }) else { return nil }
        return steps.remove(at: index)
    }
}
