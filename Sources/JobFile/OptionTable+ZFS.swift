// diobench's ZFS options: which dataset, its `direct` and `recordsize` for the job, and throwaway scratch pools.
// Any of them gives the job a `zfs` group.

extension OptionTable {
    static let zfs: [OptionDefinition] = {
        let shown: @Sendable (JobSpec, (ZFSOptions) -> String?) -> RenderedValue = { spec, f in
            guard let zfs = spec.zfs, let text = f(zfs) else { return .unset }
            return .value(text)
        }
        return [
            .make(
                "zfs_dataset", ZFSNameKind(isPool: false), default: "", .zfs,
                help:
                    "Dataset to use (default: the one holding the job's files, found from the mount); created for the run if missing. Without directory=, the job's files go into its mountpoint",
                set: { spec, name in spec.withZFS { $0.dataset = name } },
                render: { shown($0) { $0.dataset } }),
            .make(
                "zfs_direct",
                ChoiceKind<ZFSDirectSetting>(
                    [
                        (OptionChoice("disabled", "O_DIRECT is ignored; everything goes through the ARC"), .disabled),
                        (OptionChoice("standard", "O_DIRECT bypasses the ARC when aligned"), .standard),
                        (OptionChoice("always", "Every aligned I/O is direct, even without O_DIRECT"), .always),
                    ], noun: "ZFS direct setting"),
                default: "", .zfs,
                help:
                    "Set the dataset's direct property for the job, restored afterwards (also after Ctrl-C; `diobench cleanup` after a kill)",
                set: { spec, v in spec.withZFS { $0.direct = v } },
                render: { shown($0) { $0.direct?.rawValue } }),
            .make(
                "zfs_recordsize", RecordSizeKind(), default: "", .zfs,
                help: "Set the dataset's recordsize for the job, restored afterwards",
                set: { spec, v in spec.withZFS { $0.recordsize = v } },
                render: { spec in shown(spec) { $0.recordsize.map { ValueFormat.size($0, kbBase: spec.kbBase) } } }),
            .make(
                "zfs_scratch_pool", ZFSNameKind(isPool: true), default: "", .zfs,
                help:
                    "Create a throwaway pool of this name on zfs_scratch_vdevs (the first job naming it makes it), destroyed at the end of the run",
                set: { spec, name in spec.withZFS { $0.scratchPool = name } },
                render: { shown($0) { $0.scratchPool } }),
            .make(
                "zfs_scratch_vdevs", VdevListKind(), default: "", .zfs,
                help: "Vdevs of the scratch pool: file:SIZE (a file made for it) or a device path, separated by ','",
                set: { spec, vdevs in spec.withZFS { $0.scratchVdevs = vdevs } },
                render: { shown($0) { $0.scratchVdevs.isEmpty ? nil : $0.scratchVdevs.joined(separator: ",") } }),
            .make(
                "zfs_allow_known_crash", BoolKind(), default: "0", .zfs,
                help: "Run a combination known to crash the kernel (OpenZFS issue 16956) anyway",
                set: { spec, v in spec.withZFS { $0.allowKnownCrash = v } },
                render: { shown($0) { ValueFormat.bool($0.allowKnownCrash) } }),
            .make(
                "zfs_fallback_directory", StringKind(), default: "", .zfs,
                help:
                    "Where ZFS is not available, run the job in this directory without its ZFS parts (with a warning) instead of refusing",
                set: { spec, path in spec.withZFS { $0.fallbackDirectory = path } },
                render: { shown($0) { $0.fallbackDirectory } }),
        ]
    }()
}

extension JobSpec {
    /// Changes the zfs group, creating it on first use.
    fileprivate mutating func withZFS(_ change: (inout ZFSOptions) -> Void) {
        var options = zfs ?? ZFSOptions()
        change(&options)
        zfs = options
    }
}
