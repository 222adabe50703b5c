// What a loop device really is once the kernel has configured it: the per-job report.

/// How the device was configured.
public enum LoopSetupMethod: String, Codable, Sendable, CaseIterable {
    /// LOOP_CONFIGURE, falling back to the legacy ioctls when the kernel lacks it (EINVAL/ENOTTY).
    case automatic
    /// LOOP_CONFIGURE only (Linux 5.8+): one atomic call.
    case configure = "LOOP_CONFIGURE"
    /// LOOP_SET_FD + LOOP_SET_STATUS64 + LOOP_SET_BLOCK_SIZE + LOOP_SET_DIRECT_IO.
    case legacy = "LOOP_SET_FD"
}

public struct LoopDeviceReport: Codable, Sendable, Equatable {
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
}
