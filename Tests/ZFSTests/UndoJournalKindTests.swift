import DiobenchTestSupport
import Foundation
import Targets
import Testing
@testable import ZFS

/// ZFS changes in the undo journal: one kind, "zfs", holding the ZFSUndoAction itself; `diobench
/// cleanup` (UndoHandlers.withZFS) decodes it back and runs its undo.
@Suite("ZFS undo actions in the journal")
struct UndoJournalKindTests {
    static let actions: [ZFSUndoAction] = [
        .restoreProperty(
            dataset: "tank/vm data", property: "direct", value: "standard", source: .inherited(from: "tank")),
        .restoreProperty(dataset: "tank/a", property: "recordsize", value: "1048576", source: .local),
        .destroyDataset(name: "dbdirect/always"),
        .destroyPool(
            name: "dbdirect", vdevFiles: ["/var/tmp/d/dbdirect-vdev0.img"],
            directories: ["/var/tmp/d/dbdirect", "/var/tmp/d"]),
    ]

    func deadOwner() async throws -> ProcessIdentity {
        let exited = try await runProgram("/bin/true", [])
        return ProcessIdentity(
            pid: exited.processIdentifier, startTicks: 1, bootID: try ProcessIdentity.current().bootID)
    }

    @Test("every action survives the journal file and comes back as the same ZFSUndoAction")
    func roundTrip() async throws {
        let scratch = try TemporaryDirectory("zfs-journal")
        let dir = scratch.file("run")
        let journal = try UndoJournal(directory: dir, owner: try await deadOwner())
        for action in Self.actions { try journal.append(try action.journalAction) }
        let stored = try UndoJournal.load(path: journal.path).entries.map(\.action)
        #expect(stored.allSatisfy { $0.kind == ZFSUndoAction.journalKind })
        #expect(try stored.map { try $0.decodeRecord(as: ZFSUndoAction.self) } == Self.actions)
        #expect(UndoHandlers.withZFS.kinds.contains("zfs"))
        for entry in journal.entries { try journal.remove(entry.id) }
    }

    @Test(
        "cleanup of a dead run's ZFS entry runs its undo; where that cannot work the entry stays, with the reason",
        .enabled(if: (try? ZFSTools.locate()) == nil, "zfs is installed here: the undo would run for real"))
    func cleanupWithoutZFS() async throws {
        let scratch = try TemporaryDirectory("zfs-cleanup")
        let dir = scratch.file("run")
        let journal = try UndoJournal(directory: dir, owner: try await deadOwner())
        try journal.append(try Self.actions[0].journalAction)
        let report = Cleanup.run(directory: dir, handlers: UndoHandlers.withZFS)
        #expect(report.hasFailures)
        #expect(report.text.contains("'zfs' command was not found"), "\(report.text)")
        #expect(try UndoJournal.load(path: journal.path).entries.count == 1, "kept for a later cleanup")
    }
}
