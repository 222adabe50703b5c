// diobench's loop-device options: the job's I/O goes to a loop device made over `loop_backing`.

extension OptionTable {
    static let loop: [OptionDefinition] = {
        let shown: @Sendable (JobSpec, (LoopOptions) -> String) -> RenderedValue = { spec, f in
            spec.loop.map { .value(f($0)) } ?? .unset
        }
        return [
            .make(
                "loop_backing", StringKind(), default: "", .loop,
                help:
                    "Backing file of a loop device made for the job (created at size if missing); the job's I/O goes to the loop device",
                set: { spec, path in spec.withLoop { $0.backingFile = path } },
                render: { shown($0) { $0.backingFile } }),
            .make(
                "loop_dio", BoolKind(), default: "0", .loop, requires: "loop_backing",
                help: "Direct I/O from the loop device to its backing file (LO_FLAGS_DIRECT_IO)",
                set: { spec, on in spec.withLoop { $0.directIO = on } },
                render: { shown($0) { ValueFormat.bool($0.directIO) } }),
            .make(
                "loop_block_size",
                ChoiceKind<UInt32>(
                    [
                        (OptionChoice("512", "512-byte logical blocks"), 512),
                        (OptionChoice("1024", "1 KiB logical blocks"), 1024),
                        (OptionChoice("2048", "2 KiB logical blocks"), 2048),
                        (OptionChoice("4096", "4 KiB logical blocks"), 4096),
                    ], noun: "loop block size"),
                default: "512", .loop, requires: "loop_backing",
                help: "Logical block size of the loop device",
                set: { spec, size in spec.withLoop { $0.logicalBlockSize = size } },
                render: { shown($0) { String($0.logicalBlockSize) } }),
            .make(
                "loop_read_only", BoolKind(), default: "0", .loop, requires: "loop_backing",
                help: "Make the loop device read-only",
                set: { spec, on in spec.withLoop { $0.readOnly = on } },
                render: { shown($0) { ValueFormat.bool($0.readOnly) } }),
        ]
    }()
}

extension JobSpec {
    /// Changes the loop group, creating it on first use.
    fileprivate mutating func withLoop(_ change: (inout LoopOptions) -> Void) {
        var options = loop ?? LoopOptions(backingFile: "")
        change(&options)
        loop = options
    }
}
