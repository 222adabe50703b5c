// Run time, threads and syncing.

extension OptionTable {
    static let time: [OptionDefinition] = [
        .make(
            "runtime", aliases: ["timeout"], TimeKind(), default: "0", .time,
            help: "Stop the job after this long (plain number: seconds); 0 means no limit",
            set: { $0.runtimeNs = $1 == 0 ? nil : $1 }, render: { .value(ValueFormat.time($0.runtimeNs ?? 0)) }),
        .make(
            "time_based", BoolKind(), default: "0", .time,
            help: "Keep looping over the workload until runtime has passed (needs runtime)",
            set: { $0.timeBased = $1 }, render: { .bool($0.timeBased) }),
        .make(
            "ramp_time", TimeKind(), default: "0", .time,
            help: "Run this long before recording statistics (plain number: seconds); adds to runtime",
            set: { $0.rampTimeNs = $1 }, render: { .value(ValueFormat.time($0.rampTimeNs)) }),
        .make(
            "startdelay", TimeRangeKind(), default: "0", .time,
            help: "Wait this long before starting (plain number: seconds); MIN-MAX picks a delay at random",
            set: {
                $0.startDelayNs = $1.min; $0.startDelayMaxNs = $1.max
            },
            render: { spec in
                let low = ValueFormat.time(spec.startDelayNs)
                return .value(spec.startDelayMaxNs.map { "\(low)-\(ValueFormat.time($0))" } ?? low)
            }),
        .make(
            "loops", IntKind(0...1_000_000_000), default: "1", .time,
            help: "Repeat the workload this many times (0 counts as 1, as in fio)",
            set: { $0.loops = Int($1) }, render: { .int($0.loops) }),
        .make(
            "number_ios", IntKind(0...UInt64(Int64.max)), default: "0", .time,
            help:
                "End each pass after this many I/Os per worker, if its size is not done first (0: no limit; as fio 3.33 counts them)",
            set: { $0.numberIOs = $1 }, render: { .int($0.numberIOs) }),
    ]

    static let workers: [OptionDefinition] = [
        .make(
            "numjobs", IntKind(1...65536), default: "1", .workers,
            help: "Clones of this job, each with its own files (unless filename is given), engine and statistics",
            set: { $0.numjobs = Int($1) }, render: { .int($0.numjobs) }),
        .make(
            "thread", BoolKind(), default: "0", .workers,
            help: "fio: threads instead of processes. diobench always uses threads; accepted for compatibility",
            set: { $0.thread = $1 }, render: { .bool($0.thread) }),
        .make(
            "cpus_allowed", CPUListKind(), default: "", .workers,
            help: "CPUs the job's workers may run on: numbers and ranges separated by ',' (e.g. 0,5,8-15)",
            set: { $0.cpusAllowed = $1 }, render: { .optional($0.cpusAllowed) { CPUListKind.render($0) } }),
        .make(
            "cpumask", CPUMaskKind(), default: "", .workers, writes: "cpus_allowed",
            help: "The same as cpus_allowed, as a bit mask (bit N allows CPU N; e.g. 34 or 0x22 allows CPUs 1 and 5)",
            set: { $0.cpusAllowed = $1 }, render: { _ in .hidden }),
        .make(
            "cpus_allowed_policy",
            ChoiceKind<CPUsAllowedPolicy>(
                [
                    (OptionChoice("shared", "Every worker may run on every allowed CPU"), .shared),
                    (OptionChoice("split", "Each worker gets one allowed CPU, round robin over the set"), .split),
                ], noun: "policy"),
            default: "shared", .workers,
            help: "How cpus_allowed or cpumask is shared among the workers",
            set: { $0.cpusAllowedPolicy = $1 }, render: { .value($0.cpusAllowedPolicy.rawValue) }),
    ]

    static let thinkTime: [OptionDefinition] = [
        .make(
            "thinktime", TimeKind(defaultNs: 1000), default: "0", .time,
            help:
                "Pause this long after every thinktime_blocks I/Os, once the I/O in flight is done (plain number: µs)",
            set: { $0.thinkTime.thinkNs = $1 }, render: { .value(ValueFormat.time($0.thinkTime.thinkNs)) }),
        .make(
            "thinktime_spin", TimeKind(defaultNs: 1000), default: "0", .time,
            help: "Spend this much of thinktime busy-waiting instead of sleeping (plain number: µs)",
            set: { $0.thinkTime.spinNs = $1 }, render: { .value(ValueFormat.time($0.thinkTime.spinNs)) }),
        .make(
            "thinktime_blocks", IntKind(1...UInt64(Int32.max)), default: "1", .time,
            help: "I/Os between pauses",
            set: { $0.thinkTime.blocks = $1 }, render: { .int(Int($0.thinkTime.blocks)) }),
        .make(
            "thinktime_blocks_type",
            ChoiceKind<ThinkTime.BlocksType>(
                [
                    (OptionChoice("complete", "Count completed I/Os"), .complete),
                    (OptionChoice("issue", "Count issued I/Os"), .issue),
                ], noun: "thinktime_blocks_type"),
            default: "complete", .time,
            help: "Which I/Os thinktime_blocks counts",
            set: { $0.thinkTime.blocksType = $1 }, render: { .value($0.thinkTime.blocksType.rawValue) }),
        .make(
            "thinktime_iotime", TimeKind(), default: "0", .time,
            help:
                "Pause after this long of I/O (plain number: seconds), or after thinktime_blocks if set, whichever first",
            set: { $0.thinkTime.ioTimeNs = $1 }, render: { .value(ValueFormat.time($0.thinkTime.ioTimeNs)) }),
    ]

    static let latencyTarget: [OptionDefinition] = [
        .make(
            "latency_target", TimeKind(defaultNs: 1000), default: "0", .time,
            help:
                "Find the deepest queue (up to iodepth) whose I/Os finish within this time, then run at it (plain number: µs)",
            set: { $0.latencyTarget.targetNs = $1 }, render: { .value(ValueFormat.time($0.latencyTarget.targetNs)) }),
        .make(
            "latency_window", TimeKind(defaultNs: 1000), default: "0", .time,
            help: "How long each queue depth is tried for latency_target (plain number: µs)",
            set: { $0.latencyTarget.windowNs = $1 }, render: { .value(ValueFormat.time($0.latencyTarget.windowNs)) }),
        .make(
            "latency_percentile", FloatListKind(maxCount: 1), default: "100", .time,
            help: "Percent of a window's I/Os that must meet latency_target",
            set: { $0.latencyTarget.percentile = $1.first ?? 100 },
            render: { .value(ValueFormat.decimal($0.latencyTarget.percentile)) }),
        .make(
            "latency_run", BoolKind(), default: "0", .time,
            help: "Keep adjusting the queue depth to latency_target for the whole run",
            set: { $0.latencyTarget.keepSearching = $1 }, render: { .bool($0.latencyTarget.keepSearching) }),
    ]

    /// fio's flow.c: jobs of one flow_id share an I/O count, and each issues its weight's share of it.
    static let flow: [OptionDefinition] = [
        .make(
            "flow_id", IntKind(0...UInt64(Int32.max)), default: "0", .rate,
            help: "The flow this job's flow weight counts in",
            set: { $0.flowID = $1 }, render: { .int(Int($0.flowID)) }),
        .make(
            "flow", IntKind(0...1000), default: "0", .rate,
            help:
                "Weight of this job in its flow: the jobs of a flow_id issue I/O in proportion to their weights (0: off)",
            set: { $0.flow = $1 }, render: { .int(Int($0.flow)) }),
        .make(
            "flow_sleep", IntKind(0...UInt64(UInt32.max)), default: "0", .rate,
            help: "Microseconds to sleep when held back by flow, after the I/O in flight is done (0: spin)",
            set: { $0.flowSleepNs = $1 * 1000 }, render: { .int(Int($0.flowSleepNs / 1000)) }),
    ]

    /// fio's prio/prioclass: each worker thread sets its own I/O priority (ioprio_set) before its engine.
    static let priority: [OptionDefinition] = [
        .make(
            "prio", IntKind(0...7), default: "", .workers,
            help:
                "I/O priority level of the job's threads, 0 (highest) to 7 (ioprio_set; class best effort unless prioclass)",
            set: { $0.ioPriority = $1 }, render: { .optional($0.ioPriority) { String($0) } }),
        .make(
            "prioclass", IntKind(0...3), default: "", .workers,
            help: "I/O priority class of the job's threads: 1 realtime, 2 best effort, 3 idle (0: best effort)",
            set: { $0.ioPriorityClass = $1 }, render: { .optional($0.ioPriorityClass) { String($0) } }),
    ]

    static let sync: [OptionDefinition] = [
        .make(
            "fsync", IntKind(), default: "0", .sync,
            help: "fsync(2) after every N writes; 0 never",
            set: { $0.fsync = Int($1) }, render: { .int($0.fsync) }),
        .make(
            "fdatasync", IntKind(), default: "0", .sync,
            help: "fdatasync(2) after every N writes; 0 never",
            set: { $0.fdatasync = Int($1) }, render: { .int($0.fdatasync) }),
        .make(
            "end_fsync", BoolKind(), default: "0", .sync,
            help: "fsync(2) the files when the write phase is done",
            set: { $0.endFsync = $1 }, render: { .bool($0.endFsync) }),
        .make(
            "fsync_on_close", BoolKind(), default: "0", .sync,
            help: "fsync(2) each file when the job closes it at its end",
            set: { $0.fsyncOnClose = $1 }, render: { .bool($0.fsyncOnClose) }),
        .make(
            "sync",
            ChoiceKind<SyncIOMode>(
                [
                    (OptionChoice("none", "Writes return before the data is stable"), .none),
                    (OptionChoice("0", "Same as none", isAlias: true), .none),
                    (OptionChoice("sync", "Open with O_SYNC: each write waits for data and metadata"), .sync),
                    (OptionChoice("1", "Same as sync", isAlias: true), .sync),
                    (OptionChoice("dsync", "Open with O_DSYNC: each write waits for its data"), .dsync),
                ], noun: "sync mode"),
            default: "none", .sync,
            help: "Open the job's files with O_SYNC or O_DSYNC, so every write is synchronous",
            set: { $0.syncIO = $1 }, render: { .value($0.syncIO.rawValue) }),
    ]
}
