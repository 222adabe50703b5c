// Reporting groups, ordering between jobs, percentiles and units.

extension OptionTable {
    static let reporting: [OptionDefinition] = [
        .make(
            "group_reporting", BoolKind(), default: "0", .reporting,
            help: "Report each reporting group as one (numjobs clones merged) instead of job by job",
            set: { $0.groupReporting = $1 }, render: { .bool($0.groupReporting) }),
        .make(
            "stonewall", aliases: ["wait_for_previous"], BoolKind(), default: "0", .reporting,
            help: "Wait for the jobs above to finish before starting; also starts a new reporting group",
            set: { $0.stonewall = $1 }, render: { .bool($0.stonewall) }),
        .make(
            "exitall", BoolKind(), default: "0", .reporting,
            help:
                "When this job (any of its clones) is done, the jobs running beside it finish too; later groups still run",
            set: { $0.exitAll = $1 }, render: { .bool($0.exitAll) }),
        .make(
            "exitall_on_error", BoolKind(), default: "0", .reporting,
            help: "When this job ends in an error, the jobs running beside it finish too (exitall, for errors only)",
            set: { $0.exitAllOnError = $1 }, render: { .bool($0.exitAllOnError) }),
        .make(
            "new_group", BoolKind(), default: "0", .reporting,
            help: "Start a new reporting group with this job",
            set: { $0.newGroup = $1 }, render: { .bool($0.newGroup) }),
        .make(
            "wait_for", StringKind(), default: "", .reporting,
            help: "Start only after the job of this name (defined above, with a unique name) has finished",
            set: { $0.waitFor = $1 }, render: { .optional($0.waitFor) { $0 } }),
        .make(
            "percentile_list", FloatListKind(),
            default: JobSpec.fioDefaultPercentiles.map(ValueFormat.decimal).joined(separator: ":"),
            .reporting,
            help: "Latency percentiles to report, separated by ':'",
            set: { $0.percentileList = $1 },
            render: { .value($0.percentileList.map(ValueFormat.decimal).joined(separator: ":")) }),
        .make(
            "clat_percentiles", BoolKind(), default: "1", .reporting,
            help: "Report completion latency percentiles",
            set: { $0.clatPercentiles = $1 }, render: { .bool($0.clatPercentiles) }),
        .make(
            "lat_percentiles", BoolKind(), default: "0", .reporting,
            help: "Report total latency (submission + completion) percentiles; must agree within a reporting group",
            set: { $0.latPercentiles = $1 }, render: { .bool($0.latPercentiles) }),
        .make(
            "slat_percentiles", BoolKind(), default: "0", .reporting,
            help: "Report submission latency percentiles",
            set: { $0.slatPercentiles = $1 }, render: { .bool($0.slatPercentiles) }),
        .make(
            "disable_lat", BoolKind(), default: "0", .reporting,
            help: "Keep no total latency statistics (reported empty, as fio does; diobench still reads the clock)",
            set: { $0.disableLat = $1 }, render: { .bool($0.disableLat) }),
        .make(
            "disable_clat", BoolKind(), default: "0", .reporting,
            help: "Keep no completion latency statistics nor latency buckets (reported empty, as fio does)",
            set: { $0.disableClat = $1 }, render: { .bool($0.disableClat) }),
        .make(
            "disable_slat", BoolKind(), default: "0", .reporting,
            help: "Keep no submission latency statistics (reported empty, as fio does)",
            set: { $0.disableSlat = $1 }, render: { .bool($0.disableSlat) }),
        .make(
            "disable_bw_measurement", aliases: ["disable_bw"], BoolKind(), default: "0", .reporting,
            help: "As in fio 3.33: no per-I/O entries in a bandwidth log; bw statistics are still reported",
            set: { $0.disableBandwidthMeasurement = $1 }, render: { .bool($0.disableBandwidthMeasurement) }),
        .make(
            "gtod_reduce", BoolKind(), default: "0", .reporting, writes: "disable_lat",
            help: "fio's shortcut: disable_lat, disable_clat, disable_slat, disable_bw_measurement and no percentiles",
            set: { spec, on in
                // As fio's callback: 1 sets the others, 0 leaves them as they are.
                guard on else { return }
                spec.disableLat = true; spec.disableClat = true; spec.disableSlat = true
                spec.disableBandwidthMeasurement = true
                spec.clatPercentiles = false; spec.latPercentiles = false; spec.slatPercentiles = false
            },
            render: { _ in .hidden }),
        .make(
            "kb_base",
            ChoiceKind<UInt64>(
                [
                    (
                        OptionChoice(
                            "1024", "k/m/g are powers of 1024 and KiB/MiB powers of 1000 (fio's compatibility mode)"),
                        1024
                    ),
                    (OptionChoice("1000", "k/m/g are powers of 1000 and KiB/MiB powers of 1024 (SI and IEC)"), 1000),
                ], noun: "kb_base"),
            default: "1024", .reporting,
            help: "Meaning of k/m/g suffixes in this section (applied before its other options)",
            set: { $0.kbBase = $1 }, render: { .int($0.kbBase) }),
    ]

    static let verify: [OptionDefinition] = [
        .make(
            "verify",
            ChoiceKind<VerifyMethod>(
                [
                    (OptionChoice("0", "No verification"), .none),
                    (OptionChoice("crc32c", "CRC32C of each block, stored in a header in the block"), .crc32c),
                    (OptionChoice("crc32c-intel", "Same as crc32c", isAlias: true), .crc32c),
                    (OptionChoice("sha256", "SHA-256 of each block, stored in a header in the block"), .sha256),
                    (OptionChoice("pattern", "Compare with verify_pattern only, no header"), .pattern),
                ], noun: "verify method"),
            default: "0", .verify,
            help: "Check written data when it is read back",
            set: { $0.verify.method = $1 }, render: { .value($0.verify.method.rawValue) }),
        .make(
            "do_verify", BoolKind(), default: "1", .verify,
            help: "Run the verify phase after writing (only with verify)",
            set: { $0.verify.doVerify = $1 }, render: { .bool($0.verify.doVerify) }),
        .make(
            "verify_fatal", BoolKind(), default: "0", .verify,
            help: "Stop the job at the first verify failure",
            set: { $0.verify.verifyFatal = $1 }, render: { .bool($0.verify.verifyFatal) }),
        .make(
            "verify_backlog", IntKind(), default: "0", .verify,
            help: "Verify after every N blocks written instead of at the end",
            set: { $0.verify.verifyBacklog = Int($1) }, render: { .int($0.verify.verifyBacklog) }),
        .make(
            "verify_interval", SizeKind(minimum: 1), default: "", .verify,
            help:
                "A verify header every N bytes of a write instead of one per I/O (fio fits it to the write sizes)",
            set: { $0.verify.interval = $1 },
            render: {
                $0.verify.interval == 0 ? .unset : .value(ValueFormat.size($0.verify.interval, kbBase: $0.kbBase))
            }),
        .make(
            "verify_offset", SizeKind(), default: "0", .verify,
            help: "Swap each verify header with the data this many bytes into its block before writing",
            set: { $0.verify.headerOffset = $1 }, render: { .int($0.verify.headerOffset) }),
        .make(
            "verify_dump", BoolKind(), default: "0", .verify,
            help: "On a verify failure, write the block read and the block expected to FILE.OFFSET.received/.expected",
            set: { $0.verify.dump = $1 }, render: { .bool($0.verify.dump) }),
        .make(
            "verify_pattern", PatternKind(), default: "", .verify,
            help: "Fill pattern for written data: hex 0x... or a quoted string; alone it implies verify=pattern",
            set: { $0.verify.pattern = $1 },
            render: { spec in
                spec.verify.pattern.isEmpty
                    ? .unset
                    : .value(ValueFormat.pattern(spec.verify.pattern))
            }),
    ]

    static let safety: [OptionDefinition] = [
        .make(
            "allow_mounted_write", BoolKind(), default: "0", .safety,
            help: "Allow writes to a device that is mounted (destroys the file system)",
            set: { $0.allowMountedWrite = $1 }, render: { .bool($0.allowMountedWrite) }),
        .make(
            "allow_data_overwrite", BoolKind(), default: "0", .safety,
            help: "diobench: allow writes to devices and files that hold a file-system, RAID, LVM or ZFS signature",
            set: { $0.allowOverwriteData = $1 }, render: { .bool($0.allowOverwriteData) }),
    ]
}
