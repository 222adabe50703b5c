// What the destructive-write guard found about a target, and what it decided.

/// The two overrides, one per kind of danger. fio's `allow_mounted_write` for targets the kernel is
/// using; diobench's `allow_data_overwrite` for targets that hold someone's data.
public struct WriteGuardOverrides: Sendable, Equatable {
    public var allowMountedWrite: Bool
    public var allowDataOverwrite: Bool

    public init(allowMountedWrite: Bool = false, allowDataOverwrite: Bool = false) {
        self.allowMountedWrite = allowMountedWrite
        self.allowDataOverwrite = allowDataOverwrite
    }

    public static let none = WriteGuardOverrides()
    public static let all = WriteGuardOverrides(allowMountedWrite: true, allowDataOverwrite: true)
}

public struct WriteGuardFinding: Sendable, Equatable, CustomStringConvertible {
    public enum Category: String, Sendable {
        /// The kernel uses it (mounted, swap, stacked under dm/md, a loop device's backing file):
        /// overridden by allow_mounted_write=1.
        case inUse
        /// It holds data diobench did not write: overridden by allow_data_overwrite=1.
        case holdsData
        /// A plain data file diobench did not lay out (no signature): written as fio writes it, with a
        /// warning. Users run fio and diobench on the same files; a disk image carries a signature instead.
        case overwritten

        /// The option that lets a finding of this category through; nil when none is needed.
        public var overrideOption: String? {
            switch self {
            case .inUse: return "allow_mounted_write"
            case .holdsData: return "allow_data_overwrite"
            case .overwritten: return nil
            }
        }
    }

    public enum Kind: Sendable, Equatable {
        case mounted(device: String, mountPoint: String, fileSystemType: String)
        case swapActive(device: String)
        case heldBy(device: String, holder: String)
        /// An O_EXCL open failed with EBUSY: something in the kernel claims it, even if none of the
        /// tables above says what.
        case claimedExclusively
        case backsLoopDevice(loopDevice: String)
        case signature(device: String, DiskSignature)
        case foreignFile(size: UInt64)
        case unsupportedFileType(String)
        case unreadable(operation: String, errno: Int32)
    }

    public var kind: Kind
    public var category: Category
    /// One clause of the refusal: "it is mounted on /mnt/data (ext4)".
    public var text: String

    public var description: String { text }
}

/// Why an existing regular file counts as diobench's own.
public enum WriteGuardOwnership: Sendable, Equatable {
    /// It carries the `user.diobench` extended attribute (diobench laid it out, in this run or an earlier one).
    case markedWithAttribute
    /// It matches a file this run created (device, inode and birth time from the undo journal).
    case createdThisRun
    /// It is empty: there is no data to lose.
    case empty
}

public struct WriteGuardDecision: Sendable {
    public var path: String
    public var target: TargetKind
    public var ownership: WriteGuardOwnership?
    public var findings: [WriteGuardFinding]
    public var overrides: WriteGuardOverrides

    /// Findings no override covers: the write is refused while any remain.
    public var blocking: [WriteGuardFinding] { findings.filter { !covered($0) } }
    /// Findings an override let through (the run reports them as warnings).
    public var overridden: [WriteGuardFinding] { findings.filter(covered) }
    public var allowed: Bool { blocking.isEmpty }

    private func covered(_ finding: WriteGuardFinding) -> Bool {
        switch finding.category {
        case .inUse: return overrides.allowMountedWrite
        case .holdsData: return overrides.allowDataOverwrite
        case .overwritten: return true
        }
    }

    /// "refusing to write to /dev/loop3: it holds an ext4 file system (superblock magic 0xEF53 at byte
    /// 1080); set allow_data_overwrite=1 to write anyway". nil when allowed.
    public var refusal: String? {
        let blocking = blocking
        guard !blocking.isEmpty else { return nil }
        let needed = Set(blocking.map(\.category))
        let set = [WriteGuardFinding.Category.inUse, .holdsData].filter(needed.contains)
            .compactMap { $0.overrideOption.map { "\($0)=1" } }.joined(separator: " and ")
        return "refusing to write to \(path): " + blocking.map(\.text).joined(separator: "; ")
            + "; set \(set) to write anyway"
    }

    /// One line per overridden finding: "writing to /dev/loop3 although it holds … (allow_data_overwrite=1)",
    /// or, for a plain file, "overwriting /data/f: it is an existing file … (fio overwrites it too)".
    public var warnings: [String] {
        overridden.map { finding in
            guard let option = finding.category.overrideOption else {
                return "overwriting \(path): \(finding.text); fio overwrites such files too"
            }
            return "writing to \(path) although \(finding.text) (\(option)=1)"
        }
    }
}
