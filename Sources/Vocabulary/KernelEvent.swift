/// Kinds of kernel log records (and `zpool events` classes) that mean a run cannot be trusted. The raw values
/// are the `kind` strings of a job's `diobench.kernel_events` in JSON.
public enum KernelEventKind: String, Sendable, Codable, CaseIterable {
    /// `Oops: …` / `Internal error: Oops`.
    case oops
    /// `BUG: …` (page faults, soft lockups, sleeping in atomic context …) and `kernel BUG at`.
    case bug
    /// `… NULL pointer dereference …` (the 16956 crash: `BUG: kernel NULL pointer dereference`).
    case nullPointerDereference = "null_deref"
    /// `INFO: task NAME:PID blocked for more than N seconds.`
    case hungTask = "hung_task"
    /// `general protection fault …`.
    case generalProtectionFault = "general_protection_fault"
    /// SPL assertion or panic: `VERIFY…(…) failed`, `PANIC at file:line:function()`.
    case zfsAssertion = "zfs_assertion"
    /// `WARNING: Pool 'NAME' has encountered an uncorrectable I/O failure and has been suspended.`
    case zfsPoolSuspended = "zfs_pool_suspended"
    /// `zio pool=NAME vdev=PATH error=N type=N offset=N size=N flags=N` (a failed disk vdev I/O).
    case zfsIOError = "zfs_io_error"
    /// A checksum event (`class=checksum` or `ereport.fs.zfs.checksum`), when zed's log reaches kmsg.
    case zfsChecksum = "zfs_checksum"
    /// A Direct I/O verify event (`dio_verify_wr` / `dio_verify_rd`), when zed's log reaches kmsg.
    case zfsDioVerify = "zfs_dio_verify"
}

/// A kernel log record (or a `zpool events` count) seen during a job that means its results cannot be trusted.
/// Targets classifies the kernel log into these; the reports print them (`diobench.kernel_events` in JSON).
public struct KernelEvent: Sendable, Equatable, Codable {
    /// The most specific kind the message matched.
    public var kind: KernelEventKind
    public var message: String
    /// kmsg timestamp, µs since boot.
    public var timestampUs: UInt64?
    /// syslog priority (0 emerg … 7 debug).
    public var priority: Int?
    /// syslog facility of the record: 0 for the kernel, 1 (user) for lines programs wrote to /dev/kmsg. Not
    /// reported: it only decides whether a record counts.
    public var facility: Int?

    public init(
        kind: KernelEventKind, message: String, timestampUs: UInt64? = nil, priority: Int? = nil,
        facility: Int? = nil
    ) {
        self.kind = kind; self.message = message; self.timestampUs = timestampUs; self.priority = priority
        self.facility = facility
    }

    enum CodingKeys: String, CodingKey { case kind, message, timestampUs = "timestamp_us", priority }
}
