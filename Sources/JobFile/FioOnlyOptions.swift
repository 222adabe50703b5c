// fio options diobench does not implement, so that a fio job file using one gets "not implemented" instead of
// "unknown option". Names only, taken from `fio --cmdhelp=all` (fio 3.33) and its io_uring/libaio engine options.

enum FioOnlyOptions {
    static let names: Set<String> = [
        "allow_file_create", "allrandrepeat", "atomic", "block_error_percentiles", "bs_unaligned",
        "buffer_compress_chunk", "buffer_compress_percentage", "buffer_pattern", "bwavgtime", "cgroup",
        "cgroup_nodelete", "cgroup_weight", "clocksource", "cmdprio", "cmdprio_bssplit", "cmdprio_class",
        "cmdprio_percentage", "create_fsync", "create_only",
        "create_serialize", "dedupe_global", "dedupe_mode", "dedupe_percentage", "dedupe_working_set_percentage",
        "disable_bw_measurement", "disable_clat", "disable_lat", "disable_slat", "disk_util", "error_dump",
        "exec_postrun", "exec_prerun", "exit_what", "exitall_on_error", "experimental_verify",
        "file_append", "file_service_type", "filename_format", "filesize", "fill_device", "flow",
        "flow_id", "flow_sleep", "force_async", "fsync_on_close", "gid", "gtod_cpu", "gtod_reduce",
        "hipri_percentage", "hugepage-size", "ignore_error", "ignore_zone_limits", "io_submit_mode", "iopsavgtime",
        "ioscheduler", "job_max_open_zones", "latency_percentile", "latency_run", "latency_target",
        "latency_window", "lockfile", "lockmem", "log_alternate_epoch", "log_alternate_epoch_clock_id",
        "log_avg_msec", "log_compression", "log_compression_cpus", "log_entries", "log_hist_coarseness",
        "log_hist_msec", "log_max_value", "log_offset", "log_prio", "log_store_compressed", "log_unix_epoch",
        "max_latency", "max_open_zones", "mem", "merge_blktrace_file", "merge_blktrace_iters",
        "merge_blktrace_scalars", "nice", "nonvectored", "nowait", "numa_cpu_nodes", "numa_mem_policy",
        "offset_align", "opendir", "openfiles", "per_job_logs", "percentage_random", "pre_read",
        "prio", "prioclass", "profile", "random_distribution", "rate_cycle", "rate_ignore_thinktime",
        "rate_iops_min", "rate_min", "rate_process", "read_beyond_wp", "read_iolog", "read_iolog_chunked",
        "replay_align", "replay_no_stall", "replay_redirect", "replay_scale", "replay_skip",
        "replay_time_scale", "rw_sequencer", "serialize_overlap", "significant_figures",
        "slat_percentiles", "stats", "steadystate", "steadystate_duration", "steadystate_ramp_time", "sync",
        "sync_file_range", "thinktime", "thinktime_blocks", "thinktime_blocks_type", "thinktime_iotime",
        "thinktime_spin", "trim_backlog", "trim_backlog_batch", "trim_percentage", "trim_verify_zero", "uid",
        "uncached", "unified_rw_reporting", "unique_filename", "unit_base", "unlink_each_loop",
        "verify_async", "verify_backlog_batch", "verify_dump", "verify_interval", "verify_offset", "verify_only",
        "verify_state_load", "verify_state_save", "write_barrier", "write_bw_log", "write_hint", "write_hist_log",
        "write_iolog", "write_iops_log", "write_lat_log", "zone_reset_frequency",
        "zone_reset_threshold", "zonecapacity", "zonemode", "zonerange", "zonesize", "zoneskip",
    ]
}
