// The journal and `Cleanup` against real loop devices: what a dead run left is detached; everything
// else (devices in no journal, devices of live runs, devices that now back another file) is left alone.
import DiobenchTestSupport
import Foundation
import Glibc
import Testing
@testable import Targets

extension LoopDeviceSuite {
    @Suite struct JournalAndCleanup {
        @Test func attachRecordsTheDeviceAndDetachRemovesTheRecord() async throws {
            let scratch = try TemporaryDirectory("targets-journal", under: "/tmp")
            let journal = try UndoJournal(directory: scratch.file("run"))
            let backing = scratch.file("backing.img")
            try await expectingLoopDevicesUnchanged(scratch) {
                let loop = try LoopDevice.attach(
                    LoopDeviceRequest(backingFile: backing, size: 1 << 20, removeCreatedBackingFile: true),
                    journal: journal)
                var st = stat()
                #expect(stat(backing, &st) == 0)
                let onDisk = try UndoJournal.load(path: journal.path)
                #expect(onDisk.entries == journal.entries)
                #expect(
                    onDisk.entries.map(\.action) == [
                        .removeFile(try CreatedFileRecord.of(path: backing)),
                        .detachLoop(
                            LoopDetachRecord(
                                device: loop.path, backingFile: backing, backingDevice: UInt64(st.st_dev),
                                backingInode: UInt64(st.st_ino))),
                    ])
                try loop.detach()
                #expect(journal.entries.isEmpty)
                #expect(!FileManager.default.fileExists(atPath: journal.path))
                #expect(!FileManager.default.fileExists(atPath: backing), "created backing file removed as asked")
            }
        }

        @Test func aDetachWhileSomeoneHoldsTheDeviceIsReportedAsDeferredAndFinishesLater() async throws {
            let scratch = try TemporaryDirectory("targets-deferred", under: "/tmp")
            let journal = try UndoJournal(directory: scratch.file("run"))
            try await expectingLoopDevicesUnchanged(scratch) {
                let loop = try LoopDevice.attach(
                    LoopDeviceRequest(backingFile: scratch.file("b.img"), size: 1 << 20), journal: journal)
                let holder = try openOrThrow(loop.path, O_RDONLY)
                let error = try #require(throws: LoopError.self) { try loop.detach(timeout: 0.3) }
                guard case .detachDeferred(device: loop.path, waitedSeconds: 0.3, holders: _) = error else {
                    Issue.record("expected detachDeferred, got \(error)")
                    close(holder)
                    return
                }
                #expect(error.description.contains("fuser -v \(loop.path)"))
                #expect(LoopSysfs(devicePath: loop.path).isBound)
                #expect(journal.entries.count == 1, "the entry stays while the device is still there")
                close(holder)  // the last close: autoclear detaches it now
                try loop.detach()
                #expect(!LoopSysfs(devicePath: loop.path).isBound)
                #expect(journal.entries.isEmpty)
            }
        }

        @Test func aDeviceDroppedWithoutDetachIsClearedByAutoclear() async throws {
            let scratch = try TemporaryDirectory("targets-autoclear", under: "/tmp")
            try await expectingLoopDevicesUnchanged(scratch) {
                var path = ""
                do {
                    let loop = try LoopDevice.attach(
                        LoopDeviceRequest(backingFile: scratch.file("b.img"), size: 1 << 20))
                    path = loop.path
                    #expect(LoopSysfs(devicePath: path).autoclear == true)
                }
                #expect(LoopSysfs(devicePath: path).waitUntilUnbound(timeout: 5))
            }
        }

        @Test func theUndoStackDetachesOnTheWayOut() async throws {
            let scratch = try TemporaryDirectory("targets-stack", under: "/tmp")
            let journal = try UndoJournal(directory: scratch.file("run"))
            try await expectingLoopDevicesUnchanged(scratch) {
                let stack = UndoStack(journal: journal)
                for i in 0..<3 {
                    let loop = try LoopDevice.attach(
                        LoopDeviceRequest(backingFile: scratch.file("b\(i).img"), size: 1 << 20), journal: journal)
                    stack.push("detach \(loop.path)") { try loop.detach() }
                }
                #expect(journal.entries.count == 3)
                let outcomes = stack.undoAll()
                #expect(outcomes.count == 3 && outcomes.allSatisfy(\.succeeded))
                #expect(journal.entries.isEmpty)
            }
        }

        @Test func cleanupDetachesOnlyWhatADeadRunRecorded() async throws {
            let scratch = try TemporaryDirectory("targets-cleanup", under: "/tmp")
            let directory = scratch.file("run")
            for name in ["dead", "stranger", "alive", "reused", "other"] {
                #expect(
                    FileManager.default.createFile(atPath: scratch.file("\(name).img"), contents: Data(count: 1 << 20)))
            }
            func record(_ device: String, _ file: String) -> LoopDetachRecord {
                var st = stat()
                _ = stat(file, &st)
                return LoopDetachRecord(
                    device: device, backingFile: file, backingDevice: UInt64(st.st_dev), backingInode: UInt64(st.st_ino)
                )
            }
            try await expectingLoopDevicesUnchanged(scratch) {
                // Devices without autoclear and with nobody holding them: what survives a kill -9 when
                // something else kept the device open until after the run died.
                let dead = try await Losetup.attach(scratch.file("dead.img"))
                let stranger = try await Losetup.attach(scratch.file("stranger.img"))
                let alive = try await Losetup.attach(scratch.file("alive.img"))
                let reused = try await Losetup.attach(scratch.file("reused.img"))
                try await withCleanup {
                    let me = try ProcessIdentity.current()
                    // A dead run whose pid now belongs to another process (this one, started later).
                    let pidReused = ProcessIdentity(pid: me.pid, startTicks: me.startTicks &- 1, bootID: me.bootID)
                    let deadJournal = try UndoJournal(
                        directory: directory, owner: pidReused, command: ["diobench", "run"])
                    try deadJournal.append(.detachLoop(record(dead, scratch.file("dead.img"))))
                    // The dead run's device number now backs a file it never recorded: must be left alone.
                    try deadJournal.append(.detachLoop(record(reused, scratch.file("other.img"))))
                    // A run that is still going.
                    let liveJournal = try UndoJournal(directory: directory, owner: me)
                    try liveJournal.append(.detachLoop(record(alive, scratch.file("alive.img"))))

                    let report = Cleanup.run(directory: directory)

                    #expect(!LoopSysfs(devicePath: dead).isBound, "the dead run's device is detached")
                    #expect(LoopSysfs(devicePath: stranger).backingFile == scratch.file("stranger.img"))
                    #expect(LoopSysfs(devicePath: alive).backingFile == scratch.file("alive.img"))
                    #expect(LoopSysfs(devicePath: reused).backingFile == scratch.file("reused.img"))

                    let deadReport = try #require(report.journals.first { $0.path == deadJournal.path })
                    #expect(deadReport.status == .removed)
                    #expect(deadReport.steps.count == 2)
                    // Newest first: the reused device's entry ran first.
                    guard case let .nothingToDo(why) = deadReport.steps[0].outcome else {
                        Issue.record("expected nothingToDo for the reused device, got \(deadReport.steps[0].outcome)")
                        return
                    }
                    #expect(why.contains("left alone") && why.contains("reused.img"))
                    guard case .undone = deadReport.steps[1].outcome else {
                        Issue.record("expected the dead run's device detached, got \(deadReport.steps[1].outcome)")
                        return
                    }
                    #expect(!FileManager.default.fileExists(atPath: deadJournal.path))

                    let liveReport = try #require(report.journals.first { $0.path == liveJournal.path })
                    #expect(liveReport.status == .ownerAlive && liveReport.steps.isEmpty)
                    #expect(try UndoJournal.load(path: liveJournal.path).entries == liveJournal.entries)
                    #expect(!report.hasFailures)
                    try liveJournal.remove(liveJournal.entries[0].id)
                } cleanup: {
                    for device in [dead, stranger, alive, reused] { await Losetup.detach(device) }
                }
            }
        }

        @Test func aKilledOwnerTurnsItsJournalFromLeftAloneToCleaned() async throws {
            let scratch = try TemporaryDirectory("targets-killed", under: "/tmp")
            let directory = scratch.file("run")
            let file = scratch.file("backing.img")
            #expect(FileManager.default.createFile(atPath: file, contents: Data(count: 1 << 20)))
            try await expectingLoopDevicesUnchanged(scratch) {
                let device = try await Losetup.attach(file)
                try await withCleanup {
                    var st = stat()
                    _ = stat(file, &st)

                    // A real process stands in for the diobench run that owns the journal. It is reaped only
                    // once the body below has returned.
                    let (backingDevice, backingInode) = (UInt64(st.st_dev), UInt64(st.st_ino))
                    let (_, journalPath) = try await runProgram("/bin/sleep", ["600"]) { child in
                        let pid = child.processIdentifier
                        var stat = try #require(ProcessStat.read(pid: pid))
                        let owner = ProcessIdentity(
                            pid: pid, startTicks: stat.startTicks, bootID: ProcessIdentity.currentBootID())
                        let journal = try UndoJournal(directory: directory, owner: owner)
                        try journal.append(
                            .detachLoop(
                                LoopDetachRecord(
                                    device: device, backingFile: file, backingDevice: backingDevice,
                                    backingInode: backingInode)))

                        let whileAlive = Cleanup.run(directory: directory)
                        #expect(whileAlive.journals.map(\.status) == [.ownerAlive])
                        #expect(LoopSysfs(devicePath: device).isBound)

                        // SIGKILL, not yet reaped: a zombie counts as dead.
                        #expect(kill(pid, SIGKILL) == 0)
                        for _ in 0..<200 {
                            stat = ProcessStat.read(pid: pid) ?? stat
                            if stat.state == "Z" { break }
                            try await Task.sleep(for: .milliseconds(10))
                        }
                        #expect(stat.state == "Z")
                        let afterKill = Cleanup.run(directory: directory)
                        #expect(afterKill.journals.map(\.status) == [.removed])
                        return journal.path
                    }
                    #expect(!LoopSysfs(devicePath: device).isBound)
                    #expect(!FileManager.default.fileExists(atPath: journalPath))
                } cleanup: {
                    await Losetup.detach(device)
                }
            }
        }
    }
}
