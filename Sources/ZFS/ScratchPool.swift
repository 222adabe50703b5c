import Foundation

/// One vdev of a scratch pool: a sparse file diobench creates, or an existing block device.
public enum ScratchVdev: Sendable, Equatable, Codable {
    case file(size: UInt64)
    case device(path: String)

    /// ZFS refuses vdevs below 64 MiB (SPA_MINDEVSIZE).
    public static let minimumSize: UInt64 = 64 << 20

    /// Parses a job's vdev spec: `file:SIZE` (SIZE with k/m/g/t, base 1024) or an absolute device path.
    public static func parse(_ spec: String) throws -> ScratchVdev {
        if spec.hasPrefix("file:") {
            let sizeText = String(spec.dropFirst("file:".count))
            guard let size = parseSize(sizeText) else {
                throw ZFSError.invalidVdev(spec: spec, reason: "'\(sizeText)' is not a size")
            }
            guard size >= minimumSize else {
                throw ZFSError.invalidVdev(spec: spec, reason: "ZFS needs at least 64M per vdev")
            }
            return .file(size: size)
        }
        guard spec.hasPrefix("/") else {
            throw ZFSError.invalidVdev(spec: spec, reason: "neither file:SIZE nor an absolute device path")
        }
        return .device(path: spec)
    }

    static func parseSize(_ text: String) -> UInt64? {
        let lower = text.lowercased()
        let digits = lower.prefix { $0.isASCII && $0.isNumber }
        guard !digits.isEmpty, let n = UInt64(digits) else { return nil }
        var unit = lower.dropFirst(digits.count)
        if unit.hasSuffix("ib") { unit = unit.dropLast(2) } else if unit.hasSuffix("b") { unit = unit.dropLast() }
        let shift: UInt64
        switch unit {
        case "": shift = 0
        case "k": shift = 10
        case "m": shift = 20
        case "g": shift = 30
        case "t": shift = 40
        default: return nil
        }
        let (v, overflow) = n.multipliedReportingOverflow(by: 1 << shift)
        return overflow ? nil : v
    }
}

/// A throwaway pool for one run: its file vdevs, mountpoint and root properties, all under one
/// working directory. Build the plan, journal `undo`, then `create`.
public struct ScratchPoolPlan: Sendable, Equatable, Codable {
    public var name: String
    public var vdevs: [ScratchVdev]
    /// Holds the file vdevs and the mountpoint, e.g. a fresh directory under /var/tmp.
    public var workDirectory: String
    public var ashift: Int
    /// Pool-wide properties for clean counts: no compression, no atime updates (as in the lab).
    public var rootProperties: [ZFSProperty]

    public init(
        name: String, vdevs: [ScratchVdev], workDirectory: String, ashift: Int = 12,
        rootProperties: [ZFSProperty] = [ZFSProperty("compression", "off"), ZFSProperty("atime", "off")]
    ) throws {
        try ZFSNameCheck.pool(name)
        guard !vdevs.isEmpty else {
            throw ZFSError.invalidVdev(spec: "", reason: "a scratch pool needs at least one vdev")
        }
        guard workDirectory.hasPrefix("/") else {
            throw ZFSError.invalidVdev(spec: workDirectory, reason: "the work directory must be an absolute path")
        }
        self.name = name
        self.vdevs = vdevs
        self.workDirectory = workDirectory
        self.ashift = ashift
        self.rootProperties = rootProperties
    }

    public var mountpoint: String { workDirectory + "/" + name }

    /// Paths handed to `zpool create`, in vdev order.
    public var vdevPaths: [String] {
        vdevs.enumerated().map { index, vdev in
            switch vdev {
            case .file: return workDirectory + "/\(name)-vdev\(index).img"
            case .device(let path): return path
            }
        }
    }

    public var fileVdevPaths: [String] {
        zip(vdevs, vdevPaths).compactMap { vdev, path in
            if case .file = vdev { return path }
            return nil
        }
    }

    public var createCommand: [String] {
        ZFSCommands.createPool(
            name, vdevs: vdevPaths, mountpoint: mountpoint, ashift: ashift,
            rootProperties: rootProperties)
    }

    /// Destroys the pool, its file vdevs and the directories the plan made.
    public var undo: ZFSUndoAction {
        .destroyPool(name: name, vdevFiles: fileVdevPaths, directories: [mountpoint, workDirectory])
    }

    /// Creates the sparse files and the pool. Refuses a name already in use.
    public func create(tools: ZFSTools) throws {
        if poolExists(name, tools: tools) { throw ZFSError.poolExists(name: name) }
        try FileManager.default.createDirectory(atPath: workDirectory, withIntermediateDirectories: true)
        for (vdev, path) in zip(vdevs, vdevPaths) {
            switch vdev {
            case .file(let size):
                try Self.createSparseFile(path, size: size)
            case .device(let path):
                var st = stat()
                guard stat(path, &st) == 0, (st.st_mode & S_IFMT) == S_IFBLK else {
                    throw ZFSError.invalidVdev(spec: path, reason: "not a block device")
                }
            }
        }
        try tools.run(createCommand)
    }

    /// A file of `size` bytes that takes no space until written.
    static func createSparseFile(_ path: String, size: UInt64) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw ZFSError.pathInaccessible(path: path, errno: errno) }
        defer { close(fd) }
        guard ftruncate(fd, off_t(size)) == 0 else { throw ZFSError.pathInaccessible(path: path, errno: errno) }
    }
}

/// A dataset made for a job (e.g. `scratch/job1` with `direct=always`, `recordsize=131072`).
public struct ZFSDatasetPlan: Sendable, Equatable, Codable {
    public var name: String
    public var properties: [ZFSProperty]

    public init(name: String, properties: [ZFSProperty]) throws {
        try ZFSNameCheck.dataset(name)
        guard name.contains("/") else { throw ZFSError.invalidName(name, reason: "a job dataset is POOL/NAME") }
        for p in properties { try ZFSNameCheck.property(p.name) }
        self.name = name
        self.properties = properties
    }

    /// Convenience for the job options: `direct` and `recordsize` when given.
    public init(name: String, direct: ZFSDirectProperty?, recordsize: UInt64?) throws {
        var props: [ZFSProperty] = []
        if let direct { props.append(ZFSProperty("direct", direct.rawValue)) }
        if let recordsize { props.append(ZFSProperty("recordsize", String(recordsize))) }
        try self.init(name: name, properties: props)
    }

    public var createCommand: [String] { ZFSCommands.createDataset(name, properties: properties) }
    public var undo: ZFSUndoAction { .destroyDataset(name: name) }

    public func create(tools: ZFSTools) throws {
        try tools.run(createCommand)
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
