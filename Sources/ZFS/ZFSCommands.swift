/// The `zfs`/`zpool` command lines diobench runs, as argument arrays (first element: the tool).
/// Building them apart from running them lets tests check every argument without ZFS.
public enum ZFSCommands {
    /// `zfs get -Hp -o property,value,source direct,recordsize DATASET`: scripted (tab-separated,
    /// no header), exact numbers (`-p`). The property column makes the parse independent of the
    /// order ZFS prints rows in.
    public static func getProperties(_ properties: [String], dataset: String) -> [String] {
        ["zfs", "get", "-Hp", "-o", "property,value,source", properties.joined(separator: ","), dataset]
    }

    public static func setProperty(_ property: String, value: String, dataset: String) -> [String] {
        ["zfs", "set", "\(property)=\(value)", dataset]
    }

    /// `zfs inherit [-S] PROPERTY DATASET`; `-S` reverts to the received value.
    public static func inheritProperty(_ property: String, dataset: String, received: Bool = false) -> [String] {
        ["zfs", "inherit"] + (received ? ["-S"] : []) + [property, dataset]
    }

    /// `zfs create [-o p=v]… DATASET`; `-p` is not used, so a missing parent is an error.
    public static func createDataset(_ dataset: String, properties: [ZFSProperty]) -> [String] {
        ["zfs", "create"] + properties.flatMap { ["-o", "\($0.name)=\($0.value)"] } + [dataset]
    }

    /// `zfs destroy -f DATASET`: `-f` unmounts it even when busy. No `-r`: only what diobench made.
    public static func destroyDataset(_ dataset: String) -> [String] {
        ["zfs", "destroy", "-f", dataset]
    }

    /// `zfs list -H -o name DATASET`: exits non-zero when it does not exist.
    public static func listDataset(_ dataset: String) -> [String] {
        ["zfs", "list", "-H", "-o", "name", dataset]
    }

    /// `zpool create -f -o ashift=N [-O p=v]… -m MOUNTPOINT POOL VDEV…`.
    public static func createPool(
        _ name: String, vdevs: [String], mountpoint: String, ashift: Int,
        rootProperties: [ZFSProperty]
    ) -> [String] {
        ["zpool", "create", "-f", "-o", "ashift=\(ashift)"]
            + rootProperties.flatMap { ["-O", "\($0.name)=\($0.value)"] }
            + ["-m", mountpoint, name] + vdevs
    }

    public static func destroyPool(_ name: String) -> [String] {
        ["zpool", "destroy", "-f", name]
    }

    /// `zpool list -H -o name POOL`: exits non-zero when the pool is not imported.
    public static func listPool(_ name: String) -> [String] {
        ["zpool", "list", "-H", "-o", "name", name]
    }

    /// `zpool events -H POOL`: the pool's recent events (checksum, dio_verify_wr …), one a line.
    public static func events(pool: String) -> [String] {
        ["zpool", "events", "-H", pool]
    }
}

public enum ZFSDatasetName {
    /// The pool of a dataset name: `tank` for `tank/vm data/disk1`.
    public static func pool(of dataset: String) -> String {
        String(dataset.prefix { $0 != "/" })
    }
}

/// A property assignment, e.g. `direct=always`.
public struct ZFSProperty: Sendable, Equatable, Codable {
    public var name: String
    public var value: String
    public init(_ name: String, _ value: String) {
        self.name = name
        self.value = value
    }
}

/// Dataset and pool names come from job files: refuse what a command would read as an option or
/// what no dataset can be called.
enum ZFSNameCheck {
    static func dataset(_ name: String) throws {
        guard !name.isEmpty else { throw ZFSError.invalidName(name, reason: "empty") }
        guard !name.hasPrefix("-") else { throw ZFSError.invalidName(name, reason: "starts with '-'") }
        guard !name.hasPrefix("/"), !name.hasSuffix("/"), !name.contains("//") else {
            throw ZFSError.invalidName(name, reason: "a dataset is POOL/NAME without leading, trailing or double '/'")
        }
        guard !name.contains("@"), !name.contains("#") else {
            throw ZFSError.invalidName(name, reason: "snapshots and bookmarks cannot be used")
        }
    }

    static func pool(_ name: String) throws {
        try dataset(name)
        guard !name.contains("/") else { throw ZFSError.invalidName(name, reason: "a pool name has no '/'") }
        guard name.first?.isLetter == true else {
            throw ZFSError.invalidName(name, reason: "a pool name starts with a letter")
        }
    }

    static func property(_ name: String) throws {
        guard !name.isEmpty, !name.hasPrefix("-"), !name.contains("="), !name.contains(",") else {
            throw ZFSError.invalidName(name, reason: "not a property name")
        }
    }
}
