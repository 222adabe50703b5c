// What the job asks of its loop device, in plain values (Targets does not depend on JobFile;
// the runner copies JobSpec.loop into this).
import Vocabulary

public struct LoopDeviceRequest: Sendable, Equatable {
    /// Created at `size` (sparse) when missing.
    public var backingFile: String
    /// Size to create the backing file with; an existing file must be at least this large. nil: use the file as it is.
    public var size: UInt64?
    /// LO_FLAGS_DIRECT_IO: the loop driver does direct I/O to its backing file.
    public var directIO: Bool
    /// 512, 1024, 2048 or 4096.
    public var logicalBlockSize: UInt32
    public var readOnly: Bool
    /// When direct I/O was asked for and the kernel keeps it off: false (default) attaches anyway and
    /// puts a warning in the report; true refuses with `LoopError.directIORefused` and detaches.
    public var requireDirectIO: Bool
    /// LO_FLAGS_AUTOCLEAR: the kernel detaches the device on its last close, so a crashed run leaves
    /// nothing behind unless something else holds the device open. Keep it on.
    public var autoclear: Bool
    /// When diobench creates the backing file, also remove it on detach (journaled as `removeFile`).
    public var removeCreatedBackingFile: Bool
    public var setupMethod: LoopSetupMethod
    /// How many times to take a new free device when another process configures ours first (EBUSY).
    public var maxAttempts: Int
    public var controlDevice: String

    public init(
        backingFile: String, size: UInt64? = nil, directIO: Bool = false, logicalBlockSize: UInt32 = 512,
        readOnly: Bool = false, requireDirectIO: Bool = false, autoclear: Bool = true,
        removeCreatedBackingFile: Bool = false, setupMethod: LoopSetupMethod = .automatic,
        maxAttempts: Int = 16, controlDevice: String = "/dev/loop-control"
    ) {
        self.backingFile = backingFile
        self.size = size
        self.directIO = directIO
        self.logicalBlockSize = logicalBlockSize
        self.readOnly = readOnly
        self.requireDirectIO = requireDirectIO
        self.autoclear = autoclear
        self.removeCreatedBackingFile = removeCreatedBackingFile
        self.setupMethod = setupMethod
        self.maxAttempts = maxAttempts
        self.controlDevice = controlDevice
    }

    public static let validLogicalBlockSizes: [UInt32] = [512, 1024, 2048, 4096]
}
