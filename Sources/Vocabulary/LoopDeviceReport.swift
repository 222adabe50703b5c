// What a loop device really is once the kernel has configured it. Targets fills it when it attaches the
// device; the reports print it (`jobs[].diobench.loop` in JSON).

/// How a loop device was configured.
public enum LoopSetupMethod: String, Codable, Sendable, CaseIterable {
    /// LOOP_CONFIGURE, falling back to the legacy ioctls when the kernel lacks it (EINVAL/ENOTTY).
    case automatic
    /// LOOP_CONFIGURE only (Linux 5.8+): one atomic call.
    case configure = "LOOP_CONFIGURE"
    /// LOOP_SET_FD + LOOP_SET_STATUS64 + LOOP_SET_BLOCK_SIZE + LOOP_SET_DIRECT_IO.
    case legacy = "LOOP_SET_FD"
}

/// STATX_DIOALIGN of a loop device's backing file.
public struct LoopDirectIOAlignment: Codable, Sendable, Equatable {
    /// `stx_dio_mem_align`: required buffer alignment for O_DIRECT, 0 when O_DIRECT is unsupported.
    public var memoryAlignment: UInt32
    /// `stx_dio_offset_align`: required offset and length alignment for O_DIRECT, 0 when unsupported.
    public var offsetAlignment: UInt32

    public init(memoryAlignment: UInt32, offsetAlignment: UInt32) {
        self.memoryAlignment = memoryAlignment
        self.offsetAlignment = offsetAlignment
    }
}

public struct LoopDeviceReport: Sendable, Equatable {
    /// "/dev/loop3"
    public var device: String
    public var backingFile: String
    /// diobench created the backing file for this run.
    public var backingFileCreated: Bool
    public var backingFileSize: UInt64
    /// statfs f_type of the backing file's file system (ZFS: 0x2fc12fc1) and its name.
    public var backingFileSystemMagic: UInt64?
    public var backingFileSystem: String
    /// STATX_DIOALIGN of the backing file; nil when the file system does not report it.
    public var backingDirectIOAlignment: LoopDirectIOAlignment?
    /// LO_FLAGS_DIRECT_IO as the job asked for it.
    public var directIORequested: Bool
    /// /sys/block/loopN/loop/dio: whether the loop driver really does direct I/O to the backing file.
    public var directIOEffective: Bool
    public var logicalBlockSizeRequested: UInt32
    /// /sys/block/loopN/queue/logical_block_size
    public var logicalBlockSize: UInt32
    /// Buffer alignment O_DIRECT needs on the loop device (queue/dma_alignment + 1).
    public var memoryAlignment: UInt32
    public var readOnly: Bool
    public var autoclear: Bool
    /// The ioctl path that configured the device (LOOP_CONFIGURE or LOOP_SET_FD).
    public var setupMethod: LoopSetupMethod
    /// Things the job asked for that the kernel did not do, in words.
    public var warnings: [String]

    public init(
        device: String, backingFile: String, backingFileCreated: Bool, backingFileSize: UInt64,
        backingFileSystemMagic: UInt64?, backingFileSystem: String,
        backingDirectIOAlignment: LoopDirectIOAlignment?, directIORequested: Bool, directIOEffective: Bool,
        logicalBlockSizeRequested: UInt32, logicalBlockSize: UInt32, memoryAlignment: UInt32,
        readOnly: Bool, autoclear: Bool, setupMethod: LoopSetupMethod, warnings: [String]
    ) {
        self.device = device
        self.backingFile = backingFile
        self.backingFileCreated = backingFileCreated
        self.backingFileSize = backingFileSize
        self.backingFileSystemMagic = backingFileSystemMagic
        self.backingFileSystem = backingFileSystem
        self.backingDirectIOAlignment = backingDirectIOAlignment
        self.directIORequested = directIORequested
        self.directIOEffective = directIOEffective
        self.logicalBlockSizeRequested = logicalBlockSizeRequested
        self.logicalBlockSize = logicalBlockSize
        self.memoryAlignment = memoryAlignment
        self.readOnly = readOnly
        self.autoclear = autoclear
        self.setupMethod = setupMethod
        self.warnings = warnings
    }
}

/// JSON: the statx alignment as two flat keys, snake_case names, as saved results have them.
extension LoopDeviceReport: Codable {
    enum CodingKeys: String, CodingKey {
        case device, backingFile = "backing_file", backingFileCreated = "backing_file_created"
        case backingFileSize = "backing_file_size", backingFileSystem = "backing_fs_type"
        case backingFileSystemMagic = "backing_fs_magic", backingDioMemAlign = "backing_dio_mem_align"
        case backingDioOffsetAlign = "backing_dio_offset_align", directIORequested = "dio_requested"
        case directIOEffective = "dio_effective", logicalBlockSizeRequested = "logical_block_size_requested"
        case logicalBlockSize = "logical_block_size", memoryAlignment = "memory_alignment", readOnly = "read_only"
        case setupMethod = "setup_method", autoclear, warnings
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(device, forKey: .device)
        try c.encode(backingFile, forKey: .backingFile)
        try c.encode(backingFileCreated, forKey: .backingFileCreated)
        try c.encode(backingFileSize, forKey: .backingFileSize)
        try c.encode(backingFileSystem, forKey: .backingFileSystem)
        try c.encodeIfPresent(backingFileSystemMagic, forKey: .backingFileSystemMagic)
        try c.encodeIfPresent(backingDirectIOAlignment?.memoryAlignment, forKey: .backingDioMemAlign)
        try c.encodeIfPresent(backingDirectIOAlignment?.offsetAlignment, forKey: .backingDioOffsetAlign)
        try c.encode(directIORequested, forKey: .directIORequested)
        try c.encode(directIOEffective, forKey: .directIOEffective)
        try c.encode(logicalBlockSizeRequested, forKey: .logicalBlockSizeRequested)
        try c.encode(logicalBlockSize, forKey: .logicalBlockSize)
        try c.encode(memoryAlignment, forKey: .memoryAlignment)
        try c.encode(readOnly, forKey: .readOnly)
        try c.encode(setupMethod, forKey: .setupMethod)
        try c.encode(autoclear, forKey: .autoclear)
        try c.encode(warnings, forKey: .warnings)
    }

    /// Results saved before the two loop reports became one lack the keys added then: they read as defaults.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        device = try c.decode(String.self, forKey: .device)
        backingFile = try c.decode(String.self, forKey: .backingFile)
        backingFileCreated = try c.decodeIfPresent(Bool.self, forKey: .backingFileCreated) ?? false
        backingFileSize = try c.decodeIfPresent(UInt64.self, forKey: .backingFileSize) ?? 0
        backingFileSystem = try c.decodeIfPresent(String.self, forKey: .backingFileSystem) ?? "unknown"
        backingFileSystemMagic = try c.decodeIfPresent(UInt64.self, forKey: .backingFileSystemMagic)
        if let m = try c.decodeIfPresent(UInt32.self, forKey: .backingDioMemAlign),
            let o = try c.decodeIfPresent(UInt32.self, forKey: .backingDioOffsetAlign)
        {
            backingDirectIOAlignment = LoopDirectIOAlignment(memoryAlignment: m, offsetAlignment: o)
        }
        directIORequested = try c.decode(Bool.self, forKey: .directIORequested)
        directIOEffective = try c.decodeIfPresent(Bool.self, forKey: .directIOEffective) ?? false
        logicalBlockSize = try c.decodeIfPresent(UInt32.self, forKey: .logicalBlockSize) ?? 512
        logicalBlockSizeRequested =
            try c.decodeIfPresent(UInt32.self, forKey: .logicalBlockSizeRequested)
            ?? logicalBlockSize
        memoryAlignment = try c.decodeIfPresent(UInt32.self, forKey: .memoryAlignment) ?? 512
        readOnly = try c.decodeIfPresent(Bool.self, forKey: .readOnly) ?? false
        setupMethod = try c.decodeIfPresent(LoopSetupMethod.self, forKey: .setupMethod) ?? .configure
        autoclear = try c.decodeIfPresent(Bool.self, forKey: .autoclear) ?? false
        warnings = try c.decodeIfPresent([String].self, forKey: .warnings) ?? []
    }
}
