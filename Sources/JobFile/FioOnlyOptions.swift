// fio 3.33 options and engines diobench does not implement, so that a fio job file using one gets "fio accepts
// this, diobench does not, because …" instead of "unknown option". Names only, from `fio --cmdhelp=all` and
// `fio --enghelp` (fio 3.33); OptionTableTests checks the lists against the installed fio.

/// Why diobench refuses something fio 3.33 accepts.
public enum FioOnlyReason: String, Sendable, CaseIterable {
    case zonedDevices = "needs a zoned block device (ZBC/ZNS), which this machine does not have"
    case clientServer = "belongs to fio's client/server mode, which diobench does not have"
    case traceReplay = "replays or merges I/O traces, which diobench does not do"
    case trims = "drives trims, and diobench's engines issue none"
    case notImplemented = "is not implemented in diobench yet"

    /// A few words, for counts.
    public var label: String {
        switch self {
        case .zonedDevices: "need a zoned device"
        case .clientServer: "client/server mode"
        case .traceReplay: "trace replay"
        case .trims: "trims"
        case .notImplemented: "not implemented yet"
        }
    }
}

public enum FioOnlyOptions {
    static let byReason: [FioOnlyReason: Set<String>] = [
        .zonedDevices: [
            "ignore_zone_limits", "job_max_open_zones", "max_open_zones", "read_beyond_wp", "zone_reset_frequency",
            "zone_reset_threshold", "zonecapacity", "zonemode", "zonerange", "zonesize", "zoneskip",
        ],
        .clientServer: ["unique_filename"],
        .traceReplay: [
            "merge_blktrace_file", "merge_blktrace_iters", "merge_blktrace_scalars", "read_iolog", "read_iolog_chunked",
            "replay_align", "replay_no_stall", "replay_redirect", "replay_scale", "replay_skip", "replay_time_scale",
        ],
        .trims: ["trim_backlog", "trim_backlog_batch", "trim_percentage", "trim_verify_zero"],
        .notImplemented: [
            "atomic", "block_error_percentiles", "bs_unaligned",
            "bwavgtime", "cgroup",
            "cgroup_nodelete", "cgroup_weight", "clocksource", "cmdprio", "cmdprio_bssplit", "cmdprio_class",
            "cmdprio_percentage", "create_fsync", "create_only", "dedupe_global", "disk_util", "error_dump",
            "exec_postrun", "exec_prerun", "exit_what",
            "experimental_verify", "file_append",
            "fill_device", "force_async", "gid", "gtod_cpu",
            "hugepage-size", "ignore_error", "io_submit_mode", "iopsavgtime",
            "ioscheduler", "lockfile",
            "lockmem", "log_compression",
            "log_compression_cpus", "log_entries", "log_prio", "log_store_compressed", "max_latency", "mem", "nice",
            "nonvectored", "numa_cpu_nodes", "numa_mem_policy", "offset_align", "opendir", "percentage_random",
            "pre_read", "profile", "rate_ignore_thinktime", "serialize_overlap",
            "significant_figures", "stats", "sync_file_range", "uid", "unified_rw_reporting", "unit_base",
            "unlink_each_loop", "verify_async", "verify_backlog_batch",
            "verify_only", "verify_state_load", "verify_state_save", "write_barrier", "write_hint",
            "write_iolog",
        ],
    ]

    public static let names: Set<String> = byReason.values.reduce(into: []) { $0.formUnion($1) }

    public static func reason(for name: String) -> FioOnlyReason? {
        byReason.first { $0.value.contains(name) }?.key
    }
}

/// fio 3.33's engines (Debian's build, `fio --enghelp`) that diobench does not run, each with why.
public enum FioOnlyEngines {
    public static let reasons: [String: String] = [
        "sg": "needs SCSI generic (/dev/sg*) devices, which this machine does not have",
        "io_uring_cmd": "needs NVMe character devices for passthrough, which this machine does not have",
        "mtd": "needs MTD flash devices, which this machine does not have",
        "pmemblk": "needs persistent memory, which this machine does not have",
        "dev-dax": "needs persistent memory, which this machine does not have",
        "libpmem": "needs persistent memory, which this machine does not have",
        "rdma": "needs RDMA hardware, which this machine does not have",
        "net": "does network I/O, not storage I/O",
        "netsplice": "does network I/O, not storage I/O",
        "nbd": "needs a network block device server",
        "rados": "needs a Ceph cluster",
        "rbd": "needs a Ceph cluster",
        "gfapi": "needs a GlusterFS volume",
        "gfapi_async": "needs a GlusterFS volume",
        "cpuio": "burns CPU and does no I/O",
        "exec": "runs programs and does no I/O",
        "vsync": "is not implemented in diobench yet",
        "splice": "is not implemented in diobench yet",
        "falloc": "is not implemented in diobench yet",
        "ftruncate": "is not implemented in diobench yet",
        "filecreate": "is not implemented in diobench yet",
        "filestat": "is not implemented in diobench yet",
        "filedelete": "is not implemented in diobench yet",
        "e4defrag": "is not implemented in diobench yet",
    ]
}

/// Options of fio's built-in profiles (tiobench: block, numruns, dir, threads; act: device-names, load, …).
/// fio registers them with its option table at start-up, so every job file may use them, and they do nothing
/// without `profile=`. That is why fio's steadystate example can write `threads=1`: diobench accepts them
/// the same way and warns that they have no effect.
public enum FioProfileOptions {
    public static let names: [String: String] = [
        "block": "tiobench", "numruns": "tiobench", "dir": "tiobench", "threads": "tiobench",
        "device-names": "act", "load": "act", "test-duration": "act", "threads-per-queue": "act",
        "read-req-num-512-blocks": "act", "large-block-op-kbytes": "act", "prep": "act",
    ]
}
