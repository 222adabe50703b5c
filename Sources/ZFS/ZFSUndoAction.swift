import Foundation

/// One change diobench made to ZFS, as a plain value the undo journal can store (Codable), and
/// what reverts it. Undo is idempotent: reverting something already reverted is not an error, so
/// `diobench cleanup` can replay a journal after a kill.
public enum ZFSUndoAction: Sendable, Equatable, Codable, CustomStringConvertible {
    /// Put a property back: `zfs set` when it was set locally, `zfs inherit` when it was inherited
    /// or default, `zfs inherit -S` when it was received.
    case restoreProperty(dataset: String, property: String, value: String, source: ZFSPropertySource)
    /// Destroy a scratch pool, then delete its file vdevs and the directories made for it
    /// (directories only when empty).
    case destroyPool(name: String, vdevFiles: [String], directories: [String])
    /// Destroy a dataset diobench created.
    case destroyDataset(name: String)

    /// The commands that revert the change, in order (file removal is not a command).
    public var commands: [[String]] {
        switch self {
        case .restoreProperty(let dataset, let property, let value, let source):
            switch source {
            case .local, .temporary:
                return [ZFSCommands.setProperty(property, value: value, dataset: dataset)]
            case .defaultValue, .inherited:
                return [ZFSCommands.inheritProperty(property, dataset: dataset)]
            case .received:
                return [ZFSCommands.inheritProperty(property, dataset: dataset, received: true)]
            case .none:
                return []
            }
        case .destroyPool(let name, _, _):
            return [ZFSCommands.destroyPool(name)]
        case .destroyDataset(let name):
            return [ZFSCommands.destroyDataset(name)]
        }
    }

    public var description: String {
        switch self {
        case .restoreProperty(let dataset, let property, let value, let source):
            return "restore \(property)=\(value) (\(source)) on \(dataset)"
        case .destroyPool(let name, let files, _):
            return "destroy scratch pool \(name)"
                + (files.isEmpty ? "" : " and delete \(files.joined(separator: ", "))")
        case .destroyDataset(let name):
            return "destroy dataset \(name)"
        }
    }

    /// Reverts the change with the `zfs`/`zpool` found on this machine.
    public func undo() throws {
        try undo(tools: ZFSTools.locate())
    }

    /// Reverts the change with the real commands.
    public func undo(tools: ZFSTools) throws {
        switch self {
        case .restoreProperty:
            for command in commands { try tools.run(command) }
        case .destroyPool(let name, let files, let directories):
            if poolExists(name, tools: tools) { try tools.run(ZFSCommands.destroyPool(name)) }
            for file in files where FileManager.default.fileExists(atPath: file) {
                try FileManager.default.removeItem(atPath: file)
            }
            // Deepest first; rmdir leaves a directory that still holds anything.
            for dir in directories.sorted(by: { $0.count > $1.count }) { _ = rmdir(dir) }
        case .destroyDataset(let name):
            if (try? tools.run(ZFSCommands.listDataset(name))) != nil {
                try tools.run(ZFSCommands.destroyDataset(name))
            }
        }
    }
}

func poolExists(_ name: String, tools: ZFSTools) -> Bool {
    (try? tools.run(ZFSCommands.listPool(name))) != nil
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
