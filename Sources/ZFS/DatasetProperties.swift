/// Where a property's value comes from, as `zfs get` prints it in its SOURCE column.
public enum ZFSPropertySource: Sendable, Equatable, Codable, CustomStringConvertible {
    case local
    case defaultValue
    case inherited(from: String)
    case received
    /// Set for this mount only (mount options).
    case temporary
    /// `-`: read-only or statistics properties.
    case none

    public init(parsing text: String) {
        switch text {
        case "local": self = .local
        case "default": self = .defaultValue
        case "received": self = .received
        case "temporary": self = .temporary
        case "-", "": self = .none
        default:
            let prefix = "inherited from "
            self = text.hasPrefix(prefix) ? .inherited(from: String(text.dropFirst(prefix.count))) : .local
        }
    }

    public var description: String {
        switch self {
        case .local: return "local"
        case .defaultValue: return "default"
        case .inherited(let from): return "inherited from \(from)"
        case .received: return "received"
        case .temporary: return "temporary"
        case .none: return "-"
        }
    }
}

/// One row of `zfs get`.
public struct ZFSPropertyValue: Sendable, Equatable, Codable {
    public var property: String
    public var value: String
    public var source: ZFSPropertySource

    public init(property: String, value: String, source: ZFSPropertySource) {
        self.property = property
        self.value = value
        self.source = source
    }
}

/// The ZFS `direct` property (OpenZFS 2.3+).
public enum ZFSDirectProperty: String, Sendable, Codable, CaseIterable {
    case disabled, standard, always
}

public enum ZFSPropertyParser {
    /// Parses `zfs get -Hp -o property,value,source …` output: one tab-separated row a line.
    public static func parse(_ output: String, command: [String]) throws -> [String: ZFSPropertyValue] {
        var out: [String: ZFSPropertyValue] = [:]
        for line in output.split(separator: "\n", omittingEmptySubsequences: true) {
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            guard fields.count == 3 else {
                throw ZFSError.unexpectedOutput(
                    command: command, output: String(line),
                    expected: "three tab-separated fields: property, value, source")
            }
            out[fields[0]] = ZFSPropertyValue(
                property: fields[0], value: fields[1],
                source: ZFSPropertySource(parsing: fields[2]))
        }
        return out
    }
}

/// A property change that has not been made yet: the command that makes it and the undo that
/// reverts it. Journal `undo` first, then `apply`, so a crash in between still restores.
public struct ZFSPropertyChange: Sendable, Equatable, Codable {
    public var command: [String]
    public var undo: ZFSUndoAction
    /// The value before the change, as `zfs get` reported it.
    public var previous: ZFSPropertyValue
}

/// One dataset's properties, through the real `zfs` command.
public struct ZFSDatasetProperties: Sendable {
    public var dataset: String
    public var tools: ZFSTools

    public init(dataset: String, tools: ZFSTools) throws {
        try ZFSNameCheck.dataset(dataset)
        self.dataset = dataset
        self.tools = tools
    }

    /// Reads the given properties (exact values, with their sources).
    public func get(_ properties: [String]) throws -> [String: ZFSPropertyValue] {
        for p in properties { try ZFSNameCheck.property(p) }
        let command = ZFSCommands.getProperties(properties, dataset: dataset)
        let output: String
        do {
            output = try tools.run(command)
        } catch ZFSError.commandFailed(let cmd, let status, let stderr) where stderr.contains("invalid property") {
            throw ZFSError.commandFailed(
                command: cmd, status: status,
                stderr: stderr.trimmingSpaces + " (the direct property needs OpenZFS 2.3 or newer)")
        }
        let values = try ZFSPropertyParser.parse(output, command: command)
        for p in properties where values[p] == nil {
            throw ZFSError.unexpectedOutput(command: command, output: output, expected: "a row for \(p)")
        }
        return values
    }

    /// `direct` and `recordsize` of the dataset.
    public func directAndRecordsize() throws -> (direct: ZFSDirectProperty, recordsize: UInt64) {
        let command = ZFSCommands.getProperties(["direct", "recordsize"], dataset: dataset)
        let values = try get(["direct", "recordsize"])
        guard let direct = values["direct"].flatMap({ ZFSDirectProperty(rawValue: $0.value) }) else {
            throw ZFSError.unexpectedOutput(
                command: command, output: values["direct"]?.value ?? "",
                expected: "disabled, standard or always")
        }
        guard let rs = values["recordsize"].flatMap({ UInt64($0.value) }) else {
            throw ZFSError.unexpectedOutput(
                command: command, output: values["recordsize"]?.value ?? "",
                expected: "recordsize in bytes")
        }
        return (direct, rs)
    }

    /// Reads the current value and builds the change and its undo. Nothing is changed yet.
    public func prepareSet(_ property: String, to value: String) throws -> ZFSPropertyChange {
        try ZFSNameCheck.property(property)
        guard let old = try get([property])[property] else {
            throw ZFSError.unexpectedOutput(
                command: ZFSCommands.getProperties([property], dataset: dataset),
                output: "", expected: "a row for \(property)")
        }
        return ZFSPropertyChange(
            command: ZFSCommands.setProperty(property, value: value, dataset: dataset),
            undo: .restoreProperty(
                dataset: dataset, property: property,
                value: old.value, source: old.source),
            previous: old)
    }

    public func apply(_ change: ZFSPropertyChange) throws {
        try tools.run(change.command)
    }
}
