// Cleanup of journals that hold no loop devices: files, foreign kinds, handler failures, dry runs,
// unreadable journals. (Loop devices: LoopCleanupTests.swift.)
import DiobenchTestSupport
import Foundation
import Glibc
import Testing
@testable import Targets

@Suite struct CleanupTests {
    final class Calls: @unchecked Sendable {
        private let lock = NSLock()
        private var items: [String] = []
        func add(_ s: String) { lock.lock(); items.append(s); lock.unlock() }
        var all: [String] { lock.lock(); defer { lock.unlock() }; return items }
    }

    func createdFile(_ path: String) throws -> CreatedFileRecord {
        _ = FileManager.default.createFile(atPath: path, contents: Data("x".utf8))
        return try CreatedFileRecord.of(path: path)
    }

    @Test func filesADeadRunCreatedAreRemovedUnlessThePathNowNamesAnotherFile() async throws {
        let scratch = try TemporaryDirectory("targets-cleanup-files", under: "/tmp")
        let directory = scratch.file("run")
        let ours = try createdFile(scratch.file("ours.dat"))
        // The user replaced this one after the run: a new file renamed over it (a new inode)...
        let renamedOver = try createdFile(scratch.file("renamed-over.dat"))
        _ = try createdFile(scratch.file("newer.dat"))
        #expect(rename(scratch.file("newer.dat"), renamedOver.path) == 0)
        // ...and this one deleted and made again: ext4 hands out the freed inode number again at once.
        let recreated = try createdFile(scratch.file("recreated.dat"))
        #expect(unlink(recreated.path) == 0)
        _ = try createdFile(recreated.path)
        let gone = CreatedFileRecord(path: scratch.file("gone.dat"), device: ours.device, inode: 1)

        // The birth time comes from statx at the right offset: `stat` agrees on the seconds.
        if let birth = ours.birthTime {
            #expect(
                try await runCommand(["stat", "--format=%W", ours.path]).stdout.trimmingCharacters(
                    in: .whitespacesAndNewlines)
                    == String(birth.seconds))
        }

        let journal = try UndoJournal(directory: directory, owner: try await deadProcessIdentity())
        for record in [ours, renamedOver, recreated, gone] { try journal.append(.removeFile(record)) }
        let report = Cleanup.run(directory: directory)

        #expect(!FileManager.default.fileExists(atPath: ours.path))
        #expect(FileManager.default.fileExists(atPath: renamedOver.path))
        let steps = try #require(report.journals.first).steps
        #expect(steps.map(\.summary) == [gone, recreated, renamedOver, ours].map { "remove \($0.path)" })
        #expect(steps[0].outcome == .nothingToDo("\(gone.path) is already gone"))
        if recreated.birthTime != nil {
            #expect(FileManager.default.fileExists(atPath: recreated.path), "a re-created file is not ours")
            #expect(steps[1].outcome.description.contains("left alone"))
        }
        #expect(steps[2].outcome.description.contains("left alone"))
        #expect(steps[3].outcome == .undone("removed \(ours.path)"))
        #expect(report.journals.first?.status == .removed)
        #expect(!FileManager.default.fileExists(atPath: journal.path))
        #expect(report.text.contains("removed \(ours.path)"))
    }

    @Test func kindsWithoutAHandlerStayAndRegisteredHandlersRunInReverseOrder() async throws {
        let scratch = try TemporaryDirectory("targets-cleanup-kinds", under: "/tmp")
        let directory = scratch.file("run")
        let journal = try UndoJournal(directory: directory, owner: try await deadProcessIdentity())
        // Two entries of the ZFS module's kind (a pool, then a property on it) and one from a newer diobench.
        struct ZFSLike: Codable { var change: String }
        try journal.append(try .custom(kind: "zfs", record: ZFSLike(change: "destroy scratch pool scratch")))
        try journal.append(try .custom(kind: "zfs", record: ZFSLike(change: "set direct=standard")))
        try journal.append(.other(kind: "fromTheFuture", record: .object(["x": .int(1)])))

        // Only the built-ins: the ZFS kind and the unknown one are left in the journal.
        let withoutZFS = Cleanup.run(directory: directory)
        let first = try #require(withoutZFS.journals.first)
        #expect(first.status == .kept)
        #expect(first.steps.allSatisfy { if case .noHandler = $0.outcome { true } else { false } })
        #expect(try UndoJournal.load(path: journal.path).entries.count == 3)

        // The ZFS module registers its handler; the pool's undo fails this time.
        let calls = Calls()
        var handlers = UndoHandlers.builtIn
        handlers.register(kind: "zfs") { action in
            let record = try action.decodeRecord(as: ZFSLike.self)
            calls.add(record.change)
            if record.change.hasPrefix("destroy") {
                throw UndoJournalError.io(path: "scratch", operation: "zpool destroy", errno: EBUSY)
            }
            return .undone(record.change)
        }
        let withZFS = Cleanup.run(directory: directory, handlers: handlers)
        #expect(calls.all == ["set direct=standard", "destroy scratch pool scratch"], "newest first")
        let second = try #require(withZFS.journals.first)
        #expect(second.status == .kept)
        #expect(withZFS.hasFailures)
        let left = try UndoJournal.load(path: journal.path).entries.map(\.action.kind)
        #expect(left == ["zfs", "fromTheFuture"])
    }

    @Test func liveRunsDryRunsAndUnreadableJournalsAreNotTouched() async throws {
        let scratch = try TemporaryDirectory("targets-cleanup-safe", under: "/tmp")
        let directory = scratch.file("run")
        let liveFile = try createdFile(scratch.file("live.dat"))
        let deadFile = try createdFile(scratch.file("dead.dat"))
        let live = try UndoJournal(directory: directory)
        try live.append(.removeFile(liveFile))
        let dead = try UndoJournal(directory: directory, owner: try await deadProcessIdentity())
        try dead.append(.removeFile(deadFile))
        let garbage = "\(directory)/999999-1.json"
        #expect(FileManager.default.createFile(atPath: garbage, contents: Data("{not json".utf8)))

        let dry = Cleanup.run(directory: directory, dryRun: true)
        #expect(dry.dryRun)
        #expect(FileManager.default.fileExists(atPath: deadFile.path))
        #expect(dry.journals.first { $0.path == dead.path }?.steps.map(\.outcome) == [.planned])

        let report = Cleanup.run(directory: directory)
        #expect(report.journals.first { $0.path == live.path }?.status == .ownerAlive)
        #expect(report.journals.first { $0.path == garbage }?.status == .unreadable)
        #expect(report.journals.first { $0.path == dead.path }?.status == .removed)
        #expect(FileManager.default.fileExists(atPath: liveFile.path))
        #expect(!FileManager.default.fileExists(atPath: deadFile.path))
        #expect(FileManager.default.fileExists(atPath: garbage))
        #expect(report.hasFailures, "an unreadable journal needs a human")
        try live.remove(live.entries[0].id)
    }

    @Test func aMissingDirectoryMeansNothingToDo() throws {
        let scratch = try TemporaryDirectory("targets-cleanup-none", under: "/tmp")
        let report = Cleanup.run(directory: scratch.file("absent"))
        #expect(report.journals.isEmpty && report.error == nil && !report.hasFailures)
        #expect(report.text.contains("nothing to clean up"))
    }
}
