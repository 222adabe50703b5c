// Who undoes which kind of journal entry. Targets knows loop devices and files; the ZFS module
// registers its handler for kind "zfs" (`UndoHandlers.withZFS`).
import Glibc

/// What undoing one entry did.
public enum UndoResult: Codable, Sendable, Equatable {
    /// The change was undone.
    case undone(String)
    /// Nothing to undo: already gone, or the thing now belongs to someone else (left alone).
    case nothingToDo(String)

    public var message: String {
        switch self {
        case let .undone(m), let .nothingToDo(m): return m
        }
    }
}

public struct UndoHandlers: Sendable {
    /// Undoes one action, or throws when it could not (the entry then stays in the journal).
    public typealias Handler = @Sendable (UndoAction) throws -> UndoResult

    private var handlers: [String: Handler] = [:]

    /// No handlers at all.
    public init() {}

    /// Loop devices (`detachLoop`) and created files (`removeFile`).
    public static var builtIn: UndoHandlers {
        var handlers = UndoHandlers()
        handlers.register(kind: UndoAction.Kind.detachLoop) { action in
            guard case let .detachLoop(record) = action else { throw UndoHandlerMismatch(kind: action.kind) }
            return try LoopDevice.detachLeftover(record)
        }
        handlers.register(kind: UndoAction.Kind.removeFile) { action in
            guard case let .removeFile(record) = action else { throw UndoHandlerMismatch(kind: action.kind) }
            return try removeCreatedFile(record)
        }
        return handlers
    }

    /// Adds or replaces the handler for `kind`.
    public mutating func register(kind: String, _ handler: @escaping Handler) {
        handlers[kind] = handler
    }

    public func handler(for kind: String) -> Handler? { handlers[kind] }

    public var kinds: [String] { handlers.keys.sorted() }

    /// Removes a file diobench created, but only while the path still names the same inode.
    public static func removeCreatedFile(_ record: CreatedFileRecord) throws -> UndoResult {
        var st = stat()
        if lstat(record.path, &st) != 0 {
            if errno == ENOENT { return .nothingToDo("\(record.path) is already gone") }
            throw UndoJournalError.io(path: record.path, operation: "lstat", errno: errno)
        }
        guard UInt64(st.st_dev) == record.device && UInt64(st.st_ino) == record.inode else {
            return .nothingToDo(
                "\(record.path) is now another file (device \(st.st_dev), inode \(st.st_ino)), not the one diobench created: left alone"
            )
        }
        if let recorded = record.birthTime, let now = LoopFileFacts.birthTime(path: record.path), now != recorded {
            return .nothingToDo(
                "\(record.path) is now another file (same inode number, born \(now.seconds).\(now.nanoseconds) instead of "
                    + "\(recorded.seconds).\(recorded.nanoseconds)), not the one diobench created: left alone")
        }
        guard unlink(record.path) == 0 else {
            throw UndoJournalError.io(path: record.path, operation: "unlink", errno: errno)
        }
        return .undone("removed \(record.path)")
    }
}

struct UndoHandlerMismatch: Error, CustomStringConvertible {
    var kind: String
    var description: String { "handler registered for the wrong kind (\(kind))" }
}
