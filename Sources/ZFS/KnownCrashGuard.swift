/// Refuses the combination that crashes the kernel on OpenZFS before 2.3.1 (issue 16956): a loop
/// device whose reads of its backing file take ZFS's Direct I/O path: the file is in a `direct=always`
/// dataset, or in a `direct=standard` one while the loop device does direct I/O to it (`loop_dio=1`,
/// LO_FLAGS_DIRECT_IO: the driver's requests carry IOCB_DIRECT; seen crashing 2.3.0 in the lab).
/// The loop driver hands ZFS kernel pages (a bvec iterator); 2.3.0 tried to pin them as user pages
/// and dereferenced a NULL mm (`down_read_killable` via `zfs_uio_get_dio_pages_alloc`). 2.3.1 (PR
/// 17006) takes page references for such iterators instead. io_uring fixed buffers are bvecs too:
/// they get a warning.
public enum KnownCrashGuard {
    public static let issueURL = "https://github.com/openzfs/zfs/issues/16956"
    public static let fixURL = "https://github.com/openzfs/zfs/pull/17006"
    public static let fixedIn = ZFSVersion.v2_3_1

    public struct Input: Sendable, Equatable {
        /// The loaded module's version; nil when it could not be read.
        public var version: ZFSVersion?
        public var targetIsLoopDevice: Bool
        /// The loop device does direct I/O to its backing file (`loop_dio=1`).
        public var loopDirectIO: Bool
        /// `direct` of the dataset holding the loop's backing file (or the job's file) now.
        public var datasetDirectNow: ZFSDirectProperty?
        /// `direct` the job will set on that dataset, if any.
        public var datasetDirectSetByJob: ZFSDirectProperty?
        /// io_uring with registered (fixed) buffers.
        public var ioUringFixedBuffers: Bool
        public var oDirect: Bool
        /// The job's `zfs_allow_known_crash` (or the command line's) override.
        public var userOverride: Bool

        public init(
            version: ZFSVersion?, targetIsLoopDevice: Bool, loopDirectIO: Bool = false,
            datasetDirectNow: ZFSDirectProperty?,
            datasetDirectSetByJob: ZFSDirectProperty? = nil, ioUringFixedBuffers: Bool = false,
            oDirect: Bool = false, userOverride: Bool = false
        ) {
            self.version = version
            self.targetIsLoopDevice = targetIsLoopDevice
            self.loopDirectIO = loopDirectIO
            self.datasetDirectNow = datasetDirectNow
            self.datasetDirectSetByJob = datasetDirectSetByJob
            self.ioUringFixedBuffers = ioUringFixedBuffers
            self.oDirect = oDirect
            self.userOverride = userOverride
        }
    }

    public enum Decision: Sendable, Equatable {
        case allow
        case warn(String)
        case refuse(String)

        public var message: String? {
            switch self {
            case .allow: return nil
            case .warn(let m), .refuse(let m): return m
            }
        }
    }

    /// Versions with the bug: Direct I/O exists (2.2.99 development builds, 2.3.0 release
    /// candidates, 2.3.0) and the fix does not. An unknown version counts as affected.
    public static func isAffected(_ version: ZFSVersion?) -> Bool {
        guard let version else { return true }
        return version >= .firstWithDirectIO && version < fixedIn
    }

    public static func decide(_ input: Input) -> Decision {
        guard isAffected(input.version) else { return .allow }
        let versionText = input.version.map { "OpenZFS \($0.raw)" } ?? "an OpenZFS version that could not be read"
        let effective = input.datasetDirectSetByJob ?? input.datasetDirectNow
        let cite = "OpenZFS issue 16956 (\(issueURL)), fixed in \(fixedIn.release) by PR 17006 (\(fixURL))"

        let loopTakesDirectPath = effective == .always || (effective == .standard && input.loopDirectIO)
        if input.targetIsLoopDevice && loopTakesDirectPath {
            let setting = effective == .always ? "direct=always" : "direct=standard"
            var how =
                input.datasetDirectSetByJob != nil && input.datasetDirectNow != input.datasetDirectSetByJob
                ? "the job would set \(setting) on the dataset holding the loop device's backing file"
                : "the loop device's backing file is in a \(setting) dataset"
            if effective == .standard { how += ", and the loop device does direct I/O to it (loop_dio=1)" }
            if input.userOverride {
                return .warn(
                    "running anyway as asked: \(how) on \(versionText), which crashes the kernel (NULL pointer dereference); see \(cite)"
                )
            }
            return .refuse(
                "refusing: \(how) on \(versionText); reading such a loop device crashes the kernel (NULL pointer dereference in down_read_killable); see \(cite). Upgrade to \(fixedIn.release) or later, use direct=disabled (or standard with loop_dio=0), or override with zfs_allow_known_crash=1"
            )
        }
        let directPath = effective == .always || (input.oDirect && effective != .disabled)
        if input.ioUringFixedBuffers && directPath {
            return .warn(
                "io_uring fixed buffers with Direct I/O on \(versionText) may take the code path that crashes loop devices (kernel pages pinned as user pages); see \(cite)"
            )
        }
        return .allow
    }
}
