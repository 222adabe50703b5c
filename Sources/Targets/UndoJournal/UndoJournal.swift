// The undo journal: one JSON file per diobench process under /run/diobench/ (a tmpfs, so a reboot
// empties it, which is right: loop devices and property changes in flight do not survive one either).
// Every change diobench makes to the machine is appended before it is made, and removed once undone.
// `Cleanup` reads the journals of dead processes; see Cleanup.swift.
import Foundation
import Vocabulary

public final class UndoJournal: @unchecked Sendable {
    public static let defaultDirectory = RunDirectories.journal

    public let directory: String
    public let owner: ProcessIdentity
    /// "<directory>/<pid>-<start ticks>.json"; the file exists only while it holds entries.
    public let path: String

    private let lock = NSLock()
    private var contents: UndoJournalContents
    private var nextID: UInt64

    /// Opens this process's journal in `directory` (created 0700). Nothing is written until the first
    /// `append`. `owner` is for tests and tools that write a journal on another process's behalf.
    public init(
        directory: String = UndoJournal.defaultDirectory, owner: ProcessIdentity? = nil,
        command: [String] = CommandLine.arguments
    ) throws {
        try UndoJournalFileIO.ensureDirectory(directory)
        self.directory = directory
        let owner = try owner ?? ProcessIdentity.current()
        self.owner = owner
        path = "\(directory)/\(Self.fileName(for: owner))"
        if FileManager.default.fileExists(atPath: path) {
            // The same process opening its journal twice keeps what is there.
            contents = try Self.load(path: path)
        } else {
            contents = UndoJournalContents(
                format: UndoJournalContents.currentFormat, owner: owner, command: command, entries: [])
        }
        nextID = (contents.entries.map(\.id.rawValue).max() ?? 0) + 1
    }

    public static func fileName(for owner: ProcessIdentity) -> String { "\(owner.pid)-\(owner.startTicks).json" }

    public var entries: [UndoEntry] {
        lock.lock()
        defer { lock.unlock() }
        return contents.entries
    }

    /// Records `action` durably (fsync + rename) and returns its id. Call before making the change.
    @discardableResult
    public func append(_ action: UndoAction) throws -> UndoEntryID {
        lock.lock()
        defer { lock.unlock() }
        let id = UndoEntryID(rawValue: nextID)
        var updated = contents
        // Whole seconds: what the ISO 8601 form on disk keeps, so memory and file agree.
        let now = Date(timeIntervalSince1970: Date().timeIntervalSince1970.rounded(.down))
        updated.entries.append(UndoEntry(id: id, recordedAt: now, action: action))
        try Self.store(updated, at: path)
        contents = updated
        nextID += 1
        return id
    }

    /// Drops an entry once its change is undone. The file goes away with the last entry.
    public func remove(_ id: UndoEntryID) throws {
        lock.lock()
        defer { lock.unlock() }
        guard contents.entries.contains(where: { $0.id == id }) else { throw UndoJournalError.unknownEntry(id) }
        var updated = contents
        updated.entries.removeAll { $0.id == id }
        try Self.store(updated, at: path)
        contents = updated
    }

    // MARK: - files

    public static func load(path: String) throws -> UndoJournalContents {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw UndoJournalError.io(path: path, operation: "read", errno: errno)
        }
        do {
            let contents = try UndoJournalFileIO.decoder.decode(UndoJournalContents.self, from: data)
            guard contents.format <= UndoJournalContents.currentFormat else {
                throw UndoJournalError.unreadable(
                    path: path, reason: "format \(contents.format) is newer than this diobench understands")
            }
            return contents
        } catch let error as UndoJournalError {
            throw error
        } catch {
            throw UndoJournalError.unreadable(path: path, reason: "\(error)")
        }
    }

    /// Writes `contents` atomically, or removes the file when it has no entries.
    static func store(_ contents: UndoJournalContents, at path: String) throws {
        if contents.entries.isEmpty {
            try UndoJournalFileIO.remove(path)
            return
        }
        let data: Data
        do {
            data = try UndoJournalFileIO.encoder.encode(contents)
        } catch {
            throw UndoJournalError.unreadable(path: path, reason: "cannot encode: \(error)")
        }
        try UndoJournalFileIO.atomicWrite(data, to: path)
    }

    /// Journal files in `directory` (not the temporary files of a write in progress).
    public static func journalPaths(in directory: String = defaultDirectory) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return names.filter { $0.hasSuffix(".json") && !$0.hasPrefix(".") }.sorted().map { "\(directory)/\($0)" }
    }
}
