/// What the kernel actually did with a loop device diobench set up for a job (loop-device issue).
/// Plain data: the Targets module fills it, the reports print it.
public struct LoopDeviceReport: Sendable, Equatable, Codable {
    /// "/dev/loop3".
    public var device: String
    public var backingFile: String
    /// statfs of the backing file: type name and magic (ZFS: 0x2fc12fc1).
    public var backingFSType: String?
    public var backingFSMagic: UInt64?
    /// statx STATX_DIOALIGN of the backing file.
    public var backingDioMemAlign: UInt32?
    public var backingDioOffsetAlign: UInt32?
    /// LO_FLAGS_DIRECT_IO asked for.
    public var directIORequested: Bool
    /// `/sys/block/loopN/loop/dio` after setup (nil: could not be read).
    public var directIOEffective: Bool?
    /// `queue/logical_block_size` of the loop device.
    public var logicalBlockSize: UInt32?
    public var readOnly: Bool
    /// "LOOP_CONFIGURE" or "LOOP_SET_FD+LOOP_SET_STATUS64".
    public var setupMethod: String?
    public var autoclear: Bool?

    public init(device: String, backingFile: String, directIORequested: Bool, readOnly: Bool = false) {
        self.device = device
        self.backingFile = backingFile
        self.directIORequested = directIORequested
        self.readOnly = readOnly
    }

    enum CodingKeys: String, CodingKey {
        case device, backingFile = "backing_file", backingFSType = "backing_fs_type", backingFSMagic = "backing_fs_magic"
        case backingDioMemAlign = "backing_dio_mem_align", backingDioOffsetAlign = "backing_dio_offset_align"
        case directIORequested = "dio_requested", directIOEffective = "dio_effective"
        case logicalBlockSize = "logical_block_size", readOnly = "read_only", setupMethod = "setup_method", autoclear
    }
}
