// Random offsets, file layout, rate limits and error handling.
import Vocabulary

extension OptionTable {
    static let random: [OptionDefinition] = [
        .make(
            "randrepeat", BoolKind(), default: "1", .random,
            help: "Seed random offsets from randseed, so runs repeat; 0 seeds from the system (randseed= forces 1)",
            set: { $0.randrepeat = $1 }, render: { .bool($0.randrepeat) }),
        .make(
            "allrandrepeat", BoolKind(), default: "0", .random,
            help: "Seed every random choice from randseed (offsets too, even with randrepeat=0)",
            set: { $0.allRandRepeat = $1 }, render: { .bool($0.allRandRepeat) }),
        .make(
            "randseed", IntKind(0...UInt64.max), default: "0x89", .random,
            help: "Seed for the random generators",
            set: { $0.randseed = $1 }, render: { .value("0x" + String($0.randseed, radix: 16)) }),
        .make(
            "norandommap", BoolKind(), default: "0", .random,
            help: "Pick random offsets without tracking which blocks were done (some twice, some never)",
            set: { $0.norandommap = $1 }, render: { .bool($0.norandommap) }),
        .make(
            "random_generator",
            ChoiceKind<RandomGenerator>(
                [
                    (OptionChoice("tausworthe", "Strong 2^88-cycle generator"), .tausworthe),
                    (
                        OptionChoice(
                            "lfsr", "Linear feedback shift register: never repeats an offset, single block size only"),
                        .lfsr
                    ),
                    (OptionChoice("tausworthe64", "64-bit Tausworthe, for more than 2^32 blocks"), .tausworthe64),
                ], noun: "random generator"),
            default: "tausworthe", .random,
            help: "Generator for random offsets",
            set: { $0.randomGenerator = $1 }, render: { .value($0.randomGenerator.rawValue) }),
        .make(
            "random_distribution", RandomDistributionKind(), default: "random", .random,
            help:
                "How random offsets spread over a file: uniform, or hot spots (zipf, pareto, normal, zoned); all but random turn norandommap on",
            set: { $0.randomDistribution = $1 }, render: { .value(RandomDistributionKind.text($0.randomDistribution)) }),
    ]

    static let layout: [OptionDefinition] = [
        .make(
            "fallocate",
            ChoiceKind<FileAllocation>(
                [
                    (OptionChoice("none", "Don't preallocate"), .none),
                    (OptionChoice("native", "fallocate(2), falling back to none"), .native),
                    (OptionChoice("posix", "posix_fallocate(3)"), .posix),
                    (OptionChoice("keep", "fallocate(2) with FALLOC_FL_KEEP_SIZE"), .keep),
                    (OptionChoice("truncate", "ftruncate(2) to the final size"), .truncate),
                    (OptionChoice("0", "Same as none", isAlias: true), .none),
                    (OptionChoice("1", "Same as posix", isAlias: true), .posix),
                ], noun: "fallocate mode"),
            default: "native", .layout,
            help: "How files are preallocated when laid out",
            set: { $0.fallocate = $1 }, render: { .value($0.fallocate.rawValue) }),
        .make(
            "fadvise_hint",
            ChoiceKind<FadviseHint>(
                [
                    (
                        OptionChoice("1", "FADV_RANDOM for random patterns, FADV_SEQUENTIAL for sequential ones"),
                        .workload
                    ),
                    (OptionChoice("0", "No hint"), .none),
                    (OptionChoice("sequential", "FADV_SEQUENTIAL"), .sequential),
                    (OptionChoice("random", "FADV_RANDOM"), .random),
                ], noun: "fadvise hint"),
            default: "1", .layout,
            help: "posix_fadvise(2) hint given for each file before the job (it steers the page cache's readahead)",
            set: { $0.fadviseHint = $1 }, render: { .value($0.fadviseHint.rawValue) }),
        .make(
            "overwrite", BoolKind(), default: "0", .layout,
            help: "Lay the file out fully before writing, so writes overwrite existing blocks",
            set: { $0.overwrite = $1 }, render: { .bool($0.overwrite) }),
        .make(
            "create_on_open", BoolKind(), default: "0", .layout,
            help:
                "Lay nothing out beforehand: a job that only writes creates a missing file empty and grows it by its writes, and leaves an existing file as it is (a job that reads still lays its files out)",
            set: { $0.createOnOpen = $1 }, render: { .bool($0.createOnOpen) }),
        .make(
            "unlink", BoolKind(), default: "0", .layout,
            help: "Delete the job's files when it is done",
            set: { $0.unlink = $1 }, render: { .bool($0.unlink) }),
        .make(
            "invalidate", BoolKind(), default: "1", .layout,
            help: "Drop the files' page cache at the start and at every later pass (loops, time_based wraps)",
            set: { $0.invalidate = $1 }, render: { .bool($0.invalidate) }),
    ]

    static let rate: [OptionDefinition] = [
        .make(
            "rate", PerDirectionKind(inner: SizeKind()), default: "", .rate,
            help:
                "Cap bandwidth at this many bytes per second; read,write[,trim] values allowed (rate=,500k caps writes)",
            set: { spec, v in
                let p = PerDirection.from(v, base: spec.rateBytes ?? PerDirection(0))
                spec.rateBytes = p == PerDirection(0) ? nil : p
            },
            render: { spec in
                .optional(spec.rateBytes) { r in
                    ValueFormat.perDirection(r) { ValueFormat.size($0, kbBase: spec.kbBase) }
                }
            }),
        .make(
            "rate_iops", PerDirectionKind(inner: IntKind(0...UInt64(Int64.max))), default: "", .rate,
            help: "Cap I/Os per second; read,write[,trim] values allowed",
            set: { spec, v in
                let p = PerDirection.from(v, base: spec.rateIOPS ?? PerDirection(0))
                spec.rateIOPS = p == PerDirection(0) ? nil : p
            },
            render: { spec in .optional(spec.rateIOPS) { r in ValueFormat.perDirection(r) { String($0) } } }),
        .make(
            "rate_process",
            ChoiceKind(
                [
                    (OptionChoice("linear", "Even spacing: each I/O uses up its share of the rate"), .linear),
                    (OptionChoice("poisson", "Exponential gaps of the same mean: a Poisson arrival process"), .poisson),
                ], noun: "rate process"),
            default: "linear", .rate,
            help: "How rate/rate_iops space the I/Os: linear, or poisson (random gaps, same mean)",
            set: { $0.rateProcess = $1 }, render: { .value($0.rateProcess.rawValue) }),
        .make(
            "rate_min", aliases: ["ratemin"], PerDirectionKind(inner: SizeKind()), default: "", .rate,
            help: "A worker fails when its bandwidth over a rate_cycle falls below this (bytes/s; read,write values)",
            set: { spec, v in spec.rateFloor.bytes = PerDirection.from(v, base: spec.rateFloor.bytes) },
            render: { spec in
                spec.rateFloor.bytes == PerDirection(0)
                    ? .unset
                    : .value(
                        ValueFormat.perDirection(spec.rateFloor.bytes) { ValueFormat.size($0, kbBase: spec.kbBase) })
            }),
        .make(
            "rate_iops_min", PerDirectionKind(inner: IntKind(0...UInt64(Int64.max))), default: "", .rate,
            help: "A worker fails when its IOPS over a rate_cycle fall below this (read,write values)",
            set: { spec, v in spec.rateFloor.ios = PerDirection.from(v, base: spec.rateFloor.ios) },
            render: { spec in
                spec.rateFloor.ios == PerDirection(0)
                    ? .unset : .value(ValueFormat.perDirection(spec.rateFloor.ios) { String($0) })
            }),
        .make(
            "rate_cycle", aliases: ["ratecycle"], IntKind(1...UInt64(Int32.max)), default: "1000", .rate,
            help: "Window in milliseconds over which rate_min and rate_iops_min are judged (after 2 s of settling)",
            set: { $0.rateFloor.cycleMs = $1 }, render: { .int($0.rateFloor.cycleMs) }),
        .make(
            "steadystate", aliases: ["ss"], SteadyStateKind(), default: "iops_slope:0.01%", .rate,
            help:
                "When ss_dur is set: end the job once its IOPS or bw series is this steady (iops, iops_slope, bw, bw_slope)",
            set: { $0.steadyState.criterion = $1 },
            render: { .value(SteadyStateKind.text($0.steadyState.criterion)) }),
        .make(
            "steadystate_duration", aliases: ["ss_dur"], TimeKind(), default: "0", .rate,
            help: "Length of the steady-state window, in whole seconds of one-second samples; 0: no detection",
            set: { $0.steadyState.durationNs = $1 }, render: { .value(ValueFormat.time($0.steadyState.durationNs)) }),
        .make(
            "steadystate_ramp_time", aliases: ["ss_ramp"], TimeKind(), default: "0", .rate,
            help: "Time before steady-state samples are collected",
            set: { $0.steadyState.rampNs = $1 }, render: { .value(ValueFormat.time($0.steadyState.rampNs)) }),
        .make(
            "continue_on_error",
            ChoiceKind<ContinueOnError>(
                [
                    (OptionChoice("none", "Stop the job at the first error"), .none),
                    (OptionChoice("read", "Continue after read errors"), .read),
                    (OptionChoice("write", "Continue after write errors"), .write),
                    (OptionChoice("io", "Continue after any I/O error"), .io),
                    (OptionChoice("verify", "Continue after verify errors"), .verify),
                    (OptionChoice("all", "Continue after any error"), .all),
                    (OptionChoice("0", "Same as none", isAlias: true), .none),
                    (OptionChoice("1", "Same as all", isAlias: true), .all),
                ], noun: "error class"),
            default: "none", .rate,
            help: "Keep going after these errors, counting them with errno and offset",
            set: { $0.continueOnError = $1 }, render: { .value($0.continueOnError.rawValue) }),
    ]
}
