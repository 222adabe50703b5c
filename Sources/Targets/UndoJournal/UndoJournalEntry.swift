// What the undo journal records: one entry per change diobench makes to the machine, written
// before the change, so that a killed run can be undone by `diobench cleanup`.
import Foundation
import Glibc

public struct UndoEntryID: RawRepresentable, Codable, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: UInt64
    public init(rawValue: UInt64) { self.rawValue = rawValue }
    public var description: String { "#\(rawValue)" }

    public init(from decoder: any Decoder) throws { rawValue = try decoder.singleValueContainer().decode(UInt64.self) }
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}

/// A loop device diobench attached. The backing file's device and inode are what cleanup checks, so
/// it never detaches a loop device that now points at something else.
public struct LoopDetachRecord: Codable, Sendable, Equatable {
    public var device: String
    public var backingFile: String
    /// st_dev of the backing file (as LOOP_GET_STATUS64 reports it in lo_device).
    public var backingDevice: UInt64
    public var backingInode: UInt64
    public init(device: String, backingFile: String, backingDevice: UInt64, backingInode: UInt64) {
        self.device = device
        self.backingFile = backingFile
        self.backingDevice = backingDevice
        self.backingInode = backingInode
    }
}

/// A file diobench created; removed only while the path still names the same file: same device and
/// inode and, where the file system records it, the same birth time (inode numbers are reused at once
/// after an unlink on ext4, so the number alone does not tell a replaced file apart).
public struct CreatedFileRecord: Codable, Sendable, Equatable {
    public var path: String
    public var device: UInt64
    public var inode: UInt64
    /// statx STATX_BTIME, when the file system reports it.
    public var birthTime: FileBirthTime?
    public init(path: String, device: UInt64, inode: UInt64, birthTime: FileBirthTime? = nil) {
        self.path = path
        self.device = device
        self.inode = inode
        self.birthTime = birthTime
    }

    /// The record for the file now at `path` (after creating it).
    public static func of(path: String) throws -> CreatedFileRecord {
        var st = stat()
        guard lstat(path, &st) == 0 else { throw UndoJournalError.io(path: path, operation: "lstat", errno: errno) }
        return CreatedFileRecord(
            path: path, device: UInt64(st.st_dev), inode: UInt64(st.st_ino),
            birthTime: LoopFileFacts.birthTime(path: path))
    }
}

public struct FileBirthTime: Codable, Sendable, Equatable {
    public var seconds: Int64
    public var nanoseconds: UInt32
    public init(seconds: Int64, nanoseconds: UInt32) {
        self.seconds = seconds
        self.nanoseconds = nanoseconds
    }
}

/// One kind of change and what is needed to undo it. Stored as `{"kind": ..., "record": {...}}`.
/// Kinds this build does not know decode as `.other`, so a journal is never lost or rewritten wrongly.
public enum UndoAction: Sendable, Equatable {
    case detachLoop(LoopDetachRecord)
    case removeFile(CreatedFileRecord)
    /// A kind defined by another module (register its handler in `UndoHandlers`) or a newer diobench;
    /// the ZFS module stores its `ZFSUndoAction`s (properties, scratch pools, datasets) as kind "zfs".
    case other(kind: String, record: UndoJournalJSON)

    public enum Kind {
        public static let detachLoop = "detachLoop"
        public static let removeFile = "removeFile"
    }

    public var kind: String {
        switch self {
        case .detachLoop: return Kind.detachLoop
        case .removeFile: return Kind.removeFile
        case let .other(kind, _): return kind
        }
    }

    /// One line for logs and the cleanup report.
    public var summary: String {
        switch self {
        case let .detachLoop(r): return "detach \(r.device) (backing file \(r.backingFile))"
        case let .removeFile(r): return "remove \(r.path)"
        case let .other(kind, _): return kind
        }
    }

    /// An action of a kind another module defines, from its own Codable record.
    public static func custom(kind: String, record: some Encodable) throws -> UndoAction {
        .other(kind: kind, record: try UndoJournalJSON(encoding: record))
    }

    /// The record of any kind, decoded as `T` (how another module reads back its own kinds).
    public func decodeRecord<T: Decodable>(as type: T.Type) throws -> T {
        try recordJSON().decode(type)
    }

    func recordJSON() throws -> UndoJournalJSON {
        switch self {
        case let .detachLoop(r): return try UndoJournalJSON(encoding: r)
        case let .removeFile(r): return try UndoJournalJSON(encoding: r)
        case let .other(_, record): return record
        }
    }
}

extension UndoAction: Codable {
    private enum CodingKeys: String, CodingKey { case kind, record }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let kind = try container.decode(String.self, forKey: .kind)
        switch kind {
        case Kind.detachLoop: self = .detachLoop(try container.decode(LoopDetachRecord.self, forKey: .record))
        case Kind.removeFile: self = .removeFile(try container.decode(CreatedFileRecord.self, forKey: .record))
        default: self = .other(kind: kind, record: try container.decode(UndoJournalJSON.self, forKey: .record))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(kind, forKey: .kind)
        switch self {
        case let .detachLoop(r): try container.encode(r, forKey: .record)
        case let .removeFile(r): try container.encode(r, forKey: .record)
        case let .other(_, record): try container.encode(record, forKey: .record)
        }
    }
}

public struct UndoEntry: Codable, Sendable, Equatable {
    public var id: UndoEntryID
    public var recordedAt: Date
    public var action: UndoAction
}

/// The whole journal file of one diobench process.
public struct UndoJournalContents: Codable, Sendable, Equatable {
    public static let currentFormat = 1
    public var format: Int
    public var owner: ProcessIdentity
    public var command: [String]
    public var entries: [UndoEntry]
}
