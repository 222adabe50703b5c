// The journal file itself: where it lives, what it holds, how it is written and read back.
import DiobenchTestSupport
import Foundation
import Glibc
import Testing
@testable import Targets

@Suite struct UndoJournalTests {
    static let sampleActions: [UndoAction] = [
        .detachLoop(
            LoopDetachRecord(device: "/dev/loop7", backingFile: "/tank/a.img", backingDevice: 66, backingInode: 1 << 60)
        ),
        // The ZFS module's kind: its own Codable record (ZFSUndoAction), opaque to Targets.
        .other(
            kind: "zfs",
            record: .object([
                "dataset": .string("tank/fs"), "property": .string("direct"), "value": .string("standard"),
                "inherited": .bool(true),
            ])),
        .other(
            kind: "zfs",
            record: .object([
                "pool": .string("diobench-scratch"),
                "vdevFiles": .array([.string("/var/tmp/v0"), .string("/var/tmp/v1")]),
            ])),
        .removeFile(CreatedFileRecord(path: "/tank/fs/data.0", device: 66, inode: 12)),
        .other(
            kind: "zfsSnapshot",
            record: .object([
                "name": .string("tank/fs@before"), "txg": .uint(UInt64.max), "delta": .int(-3), "ratio": .double(0.5),
                "tags": .array([.bool(true), .null]),
            ])),
    ]

    @Test func entriesAreWrittenToAPrivateFileNamedByPidAndStartTime() throws {
        let scratch = try TemporaryDirectory("targets-journal-file", under: "/tmp")
        let directory = scratch.file("run/diobench")
        let journal = try UndoJournal(directory: directory, command: ["diobench", "run", "x.fio"])
        let me = try ProcessIdentity.current()
        #expect(journal.path == "\(directory)/\(me.pid)-\(me.startTicks).json")
        var st = stat()
        #expect(stat(directory, &st) == 0 && st.st_mode & 0o777 == 0o700)
        #expect(!FileManager.default.fileExists(atPath: journal.path), "nothing written before the first entry")

        var ids: [UndoEntryID] = []
        for action in Self.sampleActions { ids.append(try journal.append(action)) }
        #expect(Set(ids).count == ids.count)
        let onDisk = try UndoJournal.load(path: journal.path)
        #expect(onDisk.owner == me)
        #expect(onDisk.command == ["diobench", "run", "x.fio"])
        #expect(onDisk.entries == journal.entries)
        #expect(onDisk.entries.map(\.action) == Self.sampleActions)
        #expect(stat(journal.path, &st) == 0 && st.st_mode & 0o777 == 0o600)

        try journal.remove(ids[1])
        #expect(try UndoJournal.load(path: journal.path).entries.map(\.id) == [ids[0], ids[2], ids[3], ids[4]])
        for id in [ids[0], ids[2], ids[3], ids[4]] { try journal.remove(id) }
        #expect(!FileManager.default.fileExists(atPath: journal.path), "an empty journal is removed")
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory).isEmpty, "no temporary files left")
        #expect(throws: UndoJournalError.unknownEntry(ids[0])) { try journal.remove(ids[0]) }
    }

    @Test func theFileIsReadableJSONWithKindAndRecord() throws {
        let scratch = try TemporaryDirectory("targets-journal-json", under: "/tmp")
        let journal = try UndoJournal(directory: scratch.file("run"))
        try journal.append(Self.sampleActions[1])
        let object =
            try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: journal.path)))
            as? [String: Any]
        let entries = try #require(object?["entries"] as? [[String: Any]])
        let action = try #require(entries.first?["action"] as? [String: Any])
        #expect(action["kind"] as? String == "zfs")
        let record = try #require(action["record"] as? [String: Any])
        #expect(record["dataset"] as? String == "tank/fs")
        #expect(record["inherited"] as? Bool == true)
        try journal.remove(journal.entries[0].id)
    }

    @Test func kindsFromOtherModulesRoundTripThroughTheirOwnRecordType() throws {
        struct SnapshotRecord: Codable, Equatable { var name: String; var txg: UInt64 }
        let record = SnapshotRecord(name: "tank/fs@diobench", txg: 1 << 62)
        let action = try UndoAction.custom(kind: "zfsSnapshot", record: record)
        #expect(action.kind == "zfsSnapshot")
        let data = try JSONEncoder().encode(action)
        let decoded = try JSONDecoder().decode(UndoAction.self, from: data)
        #expect(decoded == action)
        #expect(try decoded.decodeRecord(as: SnapshotRecord.self) == record)
        // Known kinds decode to their typed records too, and another module's records to its types.
        let loop = Self.sampleActions[0]
        #expect(try loop.decodeRecord(as: LoopDetachRecord.self).device == "/dev/loop7")
        struct PropertyRecord: Codable { var dataset: String; var value: String; var inherited: Bool }
        #expect(try Self.sampleActions[1].decodeRecord(as: PropertyRecord.self).value == "standard")
    }

    @Test func reopeningTheSameOwnersJournalKeepsItsEntries() throws {
        let scratch = try TemporaryDirectory("targets-journal-reopen", under: "/tmp")
        let directory = scratch.file("run")
        let first = try UndoJournal(directory: directory)
        let a = try first.append(Self.sampleActions[3])
        let second = try UndoJournal(directory: directory)
        #expect(second.entries.map(\.id) == [a])
        let b = try second.append(Self.sampleActions[0])
        #expect(b != a)
        try second.remove(a)
        try second.remove(b)
    }

    @Test func anExistingDirectoryIsTightenedAndASymlinkIsRefused() throws {
        let scratch = try TemporaryDirectory("targets-journal-dir", under: "/tmp")
        let loose = scratch.file("loose")
        #expect(mkdir(loose, 0o755) == 0)
        #expect(chmod(loose, 0o755) == 0)
        _ = try UndoJournal(directory: loose)
        var st = stat()
        #expect(stat(loose, &st) == 0 && st.st_mode & 0o777 == 0o700)

        let link = scratch.file("link")
        #expect(symlink(loose, link) == 0)
        let error = try #require(throws: UndoJournalError.self) { try UndoJournal(directory: link) }
        guard case .unsafeDirectory = error else {
            Issue.record("expected unsafeDirectory, got \(error)")
            return
        }
    }
}

@Suite struct ProcessIdentityTests {
    @Test func thisProcessIsAlive() throws {
        let me = try ProcessIdentity.current()
        #expect(me.pid == getpid())
        #expect(me.startTicks > 0)
        #expect(!me.bootID.isEmpty)
        #expect(me.liveness() == .alive)
    }

    @Test func aReusedPidAnExitedProcessAndAnotherBootAreDead() async throws {
        let me = try ProcessIdentity.current()
        let reused = ProcessIdentity(pid: me.pid, startTicks: me.startTicks + 1, bootID: me.bootID)
        guard case let .dead(reason) = reused.liveness() else {
            Issue.record("a pid with another start time must count as dead")
            return
        }
        #expect(reason.contains("another process"))
        #expect(try await deadProcessIdentity().liveness() != .alive)
        let otherBoot = ProcessIdentity(pid: me.pid, startTicks: me.startTicks, bootID: "not-this-boot")
        #expect(otherBoot.liveness() == .dead(reason: "it ran in an earlier boot"))
    }

    @Test func statLinesWithAwkwardCommandNamesParse() throws {
        let line =
            "4242 (a) (b c) S 1 4242 4242 0 -1 4194560 100 0 0 0 1 2 0 0 20 0 1 0 987654 1000 10 18446744073709551615"
        let stat = try #require(ProcessStat.parse(line))
        #expect(stat.state == "S")
        #expect(stat.startTicks == 987654)
        #expect(ProcessStat.parse("4242 (truncated") == nil)
    }
}

@Suite struct UndoStackTests {
    final class Log: @unchecked Sendable {
        private let lock = NSLock()
        private var lines: [String] = []
        func add(_ line: String) { lock.lock(); lines.append(line); lock.unlock() }
        var all: [String] { lock.lock(); defer { lock.unlock() }; return lines }
    }

    struct Broken: Error, CustomStringConvertible { var description: String { "device busy" } }

    @Test func undoesNewestFirstAndKeepsGoingPastAFailure() throws {
        let scratch = try TemporaryDirectory("targets-stack", under: "/tmp")
        let journal = try UndoJournal(directory: scratch.file("run"))
        let ran = Log()
        let logged = Log()
        let stack = UndoStack(journal: journal, log: { logged.add($0) })
        let first = try journal.append(UndoJournalTests.sampleActions[3])
        stack.push("first", journalEntry: first) { ran.add("first") }
        let second = try journal.append(UndoJournalTests.sampleActions[1])
        stack.push("second", journalEntry: second) {
            ran.add("second"); throw Broken()
        }
        let third = try journal.append(UndoJournalTests.sampleActions[0])
        stack.push("third", journalEntry: third) { ran.add("third") }

        let outcomes = stack.undoAll()
        #expect(ran.all == ["third", "second", "first"])
        #expect(outcomes.map(\.description) == ["third", "second", "first"])
        #expect(outcomes.map(\.succeeded) == [true, false, true])
        #expect(outcomes[1].message == "device busy")
        #expect(logged.all.count == 3 && logged.all[1].contains("FAILED"))
        // Only the failed step's entry stays for `diobench cleanup`.
        #expect(journal.entries.map(\.id) == [second])
        #expect(stack.undoAll().isEmpty, "a second undoAll has nothing left")
        try journal.remove(second)
    }

    @Test func aSingleStepCanBeUndoneEarly() {
        let ran = Log()
        let stack = UndoStack()
        stack.push("a") { ran.add("a") }
        let b = stack.push("b") { ran.add("b") }
        #expect(stack.undo(b)?.succeeded == true)
        #expect(stack.undo(b) == nil)
        #expect(stack.count == 1)
        stack.undoAll()
        #expect(ran.all == ["b", "a"])
    }

    @Test func concurrentUndoAllRunsEachStepOnce() async throws {
        let ran = Log()
        let stack = UndoStack()
        for i in 0..<50 { stack.push("\(i)") { ran.add("\(i)") } }
        // concurrentPerform waits for its iterations: on a thread of its own.
        try await onDedicatedThread { DispatchQueue.concurrentPerform(iterations: 4) { _ in stack.undoAll() } }
        #expect(ran.all == (0..<50).reversed().map { "\($0)" })
    }
}
