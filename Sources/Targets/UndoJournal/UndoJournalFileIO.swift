// Durable journal writes: a whole new file is written, fsynced and renamed over the old one, and the
// directory is fsynced, so a crash leaves either the old or the new journal, never half of one.
import Foundation
import Glibc
import SystemCalls

public enum UndoJournalError: Error, Equatable, Sendable, CustomStringConvertible {
    case io(path: String, operation: String, errno: Int32)
    /// The journal directory is not a directory we own, or is a symlink: refusing to trust it.
    case unsafeDirectory(path: String, reason: String)
    case unreadable(path: String, reason: String)
    case unknownEntry(UndoEntryID)

    public var description: String {
        switch self {
        case let .io(path, operation, code):
            let hint = (code == EACCES || code == EPERM) ? " Run diobench as root." : ""
            return "undo journal \(path): \(operation) failed: \(ErrnoNames.describe(code)).\(hint)"
        case let .unsafeDirectory(path, reason):
            return "undo journal directory \(path) is unsafe: \(reason). Remove it (diobench recreates it, mode 0700)."
        case let .unreadable(path, reason):
            return "undo journal \(path) cannot be read: \(reason). It was left in place; inspect it by hand."
        case let .unknownEntry(id):
            return "undo journal has no entry \(id)."
        }
    }
}

enum UndoJournalFileIO {
    /// Creates `path` with mode 0700 when missing (parents too), and checks that an existing one is a real
    /// directory owned by us, tightening its mode to 0700.
    static func ensureDirectory(_ path: String) throws {
        var st = stat()
        if lstat(path, &st) != 0 {
            guard errno == ENOENT else { throw UndoJournalError.io(path: path, operation: "lstat", errno: errno) }
            let parent = (path as NSString).deletingLastPathComponent
            if !parent.isEmpty && parent != path && !FileManager.default.fileExists(atPath: parent) {
                try? FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true)
            }
            if mkdir(path, 0o700) != 0 && errno != EEXIST {
                throw UndoJournalError.io(path: path, operation: "mkdir", errno: errno)
            }
            guard lstat(path, &st) == 0 else { throw UndoJournalError.io(path: path, operation: "lstat", errno: errno) }
        }
        guard (st.st_mode & S_IFMT) == S_IFDIR else {
            throw UndoJournalError.unsafeDirectory(path: path, reason: "not a directory (or a symlink)")
        }
        guard st.st_uid == geteuid() else {
            throw UndoJournalError.unsafeDirectory(path: path, reason: "owned by uid \(st.st_uid), not \(geteuid())")
        }
        if st.st_mode & 0o077 != 0 && chmod(path, 0o700) != 0 {
            throw UndoJournalError.io(path: path, operation: "chmod 0700", errno: errno)
        }
    }

    static func temporaryPath(for path: String) -> String {
        let url = URL(fileURLWithPath: path)
        return url.deletingLastPathComponent().appendingPathComponent("." + url.lastPathComponent + ".tmp").path
    }

    static func atomicWrite(_ data: Data, to path: String) throws {
        let temporary = temporaryPath(for: path)
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw UndoJournalError.io(path: temporary, operation: "create", errno: errno) }
        var failure: UndoJournalError?
        data.withUnsafeBytes { raw in
            var done = 0
            while done < raw.count {
                let n = retryingInterrupted { write(fd, raw.baseAddress! + done, raw.count - done) }
                if n < 0 {
                    failure = .io(path: temporary, operation: "write", errno: errno)
                    return
                }
                done += n
            }
        }
        if failure == nil && fsync(fd) != 0 { failure = .io(path: temporary, operation: "fsync", errno: errno) }
        close(fd)
        if let failure {
            unlink(temporary)
            throw failure
        }
        guard rename(temporary, path) == 0 else {
            let code = errno
            unlink(temporary)
            throw UndoJournalError.io(path: path, operation: "rename", errno: code)
        }
        try syncDirectory(of: path)
    }

    static func remove(_ path: String) throws {
        if unlink(path) != 0 && errno != ENOENT {
            throw UndoJournalError.io(path: path, operation: "unlink", errno: errno)
        }
        try syncDirectory(of: path)
    }

    static func syncDirectory(of path: String) throws {
        let directory = (path as NSString).deletingLastPathComponent
        let fd = open(directory.isEmpty ? "." : directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw UndoJournalError.io(path: directory, operation: "open", errno: errno) }
        defer { close(fd) }
        if fsync(fd) != 0 { throw UndoJournalError.io(path: directory, operation: "fsync", errno: errno) }
    }

    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }()

    static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }()
}
