// What diobench knows about an engine, declared by the engine itself next to its code (as fio's ioengine_ops
// and per-engine option tables are). The job language, the runner and the reports ask these descriptions; none
// of them names an engine. Adding an engine: its file here (the type, its `kind`, its `description`) and one
// line in `EngineCatalog.all` and in the switch that instantiates the I/O loop (Runner/WorkerThread.swift).

/// An engine's name as a job writes it (`ioengine=`): fio's name for the same engine.
public struct EngineKind: RawRepresentable, Hashable, Codable, Sendable, CustomStringConvertible {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public var description: String { rawValue }
}

/// One engine's facts.
public struct EngineDescription: Sendable {
    public let kind: EngineKind
    /// One line for `--cmdhelp` and docs/OPTIONS.md.
    public let summary: String
    /// When the engine queues I/O and completes it later, rather than performing it in `queue`.
    public let queueing: Queueing
    /// False for an engine that moves no data (null): no file is laid out or opened, and verify is refused.
    public let transfersData: Bool
    /// False for an engine that cannot extend a file (fio's FIO_NOEXTEND: mmap): a write job lays the file out
    /// in full first, as a read job does, and `file_append` is refused.
    public let extendsFiles: Bool
    /// The engine's own options (errors under any other engine, as in fio).
    public let options: [EngineOption]

    public init(
        kind: EngineKind, summary: String, queueing: Queueing, transfersData: Bool = true, extendsFiles: Bool = true,
        options: [EngineOption] = []
    ) {
        self.kind = kind
        self.summary = summary
        self.queueing = queueing
        self.transfersData = transfersData
        self.extendsFiles = extendsFiles
        self.options = options
    }

    public enum Queueing: Sendable {
        /// `queue` performs the I/O (psync, sync): iodepth above 1 has no effect.
        case never
        /// Always queued and reaped later (io_uring).
        case always
        /// Queued only when iodepth is above 1 (fio's null engine).
        case whenDeep
    }

    /// Whether a job with `iodepth` queues its I/O: then iodepth means something, and submission latency is
    /// recorded (fio shows slat only for queued I/O).
    public func queues(iodepth: Int) -> Bool {
        switch queueing {
        case .never: return false
        case .always: return true
        case .whenDeep: return iodepth > 1
        }
    }
}

/// An option only one engine takes: it sets a field of `EngineConfig`.
public struct EngineOption: Sendable {
    public enum Value: Sendable {
        /// 0 or 1 (fio's bool), default off.
        case flag(WritableKeyPath<EngineConfig, Bool> & Sendable)
        /// An integer in a range; unset by default.
        case integer(WritableKeyPath<EngineConfig, Int?> & Sendable, ClosedRange<Int>)
        /// An integer in a range with a default (fio's `.def`).
        case number(WritableKeyPath<EngineConfig, Int> & Sendable, ClosedRange<Int>, default: Int)
    }
    public let name: String
    public let value: Value
    public let help: String

    public init(_ name: String, _ value: Value, help: String) {
        self.name = name
        self.value = value
        self.help = help
    }
}

/// An engine type that describes itself and is built the same way as every other.
public protocol DescribedEngine: IOEngine {
    static var description: EngineDescription { get }
    /// Opens the engine on the worker's open files (`IOUnit.fileIndex` indexes them) and buffers.
    init(files: [Int32], buffers: AlignedBufferPool, config: EngineConfig) throws(EngineError)
}

/// Every engine diobench has, in the order `--cmdhelp` lists them.
public enum EngineCatalog {
    public static let all: [EngineDescription] = [
        PsyncEngine.description,
        SyncEngine.description,
        NullEngine.description,
        IOUringEngine.description,
        LibaioEngine.description,
        PvsyncEngine.description,
        Pvsync2Engine.description,
        PosixAIOEngine.description,
        MmapEngine.description,
    ]

    /// The description of `kind`, which the job language only takes from `all`.
    public static subscript(_ kind: EngineKind) -> EngineDescription {
        guard let found = all.first(where: { $0.kind == kind }) else {
            preconditionFailure("engine '\(kind)' is not in EngineCatalog.all")
        }
        return found
    }
}
