import Vocabulary
// I/O pattern and block sizes.

extension OptionTable {
    /// The value kind of rwmixread and rwmixwrite (JobResolver reads both values again with it).
    static let mixPercent = IntKind(0...100)

    static let pattern: [OptionDefinition] = [
        .make(
            "rw", aliases: ["readwrite"], RWKind(), default: "read", .pattern,
            help:
                "I/O pattern; rw=randread:8 draws a new random offset every 8 I/Os, rw=write:4k leaves a 4k hole after each, rw=read:-8k steps back",
            set: {
                $0.rw = $1.0; $0.rwSequenceModifier = $1.1; $0.rwSequenceBackward = $1.2
            },
            render: { spec in
                guard spec.rwSequenceModifier > 0 else { return .value(spec.rw.rawValue) }
                let suffix =
                    spec.rw.isRandom
                    ? String(spec.rwSequenceModifier)
                    : (spec.rwSequenceBackward ? "-" : "")
                        + ValueFormat.size(spec.rwSequenceModifier, kbBase: spec.kbBase)
                return .value("\(spec.rw.rawValue):\(suffix)")
            }),
        .make(
            "rw_sequencer",
            ChoiceKind<RWSequencer>(
                [
                    (OptionChoice("sequential", "Between new random offsets, continue from the last I/O"), .sequential),
                    (OptionChoice("identical", "Between new random offsets, repeat the last offset"), .identical),
                ], noun: "rw sequencer"),
            default: "sequential", .pattern,
            help: "With rw=randread:N, what the I/Os between two random offsets do",
            set: { $0.rwSequencer = $1 }, render: { .value($0.rwSequencer.rawValue) }),
        .make(
            "rwmixread", mixPercent, default: "50", .pattern,
            help: "Percentage of reads in a mixed (rw, randrw) workload",
            set: { $0.rwmixread = UInt32($1) }, render: { .int($0.rwmixread) }),
        .make(
            "rwmixwrite", mixPercent, default: "50", .pattern, writes: "rwmixread",
            help: "Percentage of writes in a mixed workload (sets rwmixread to 100 minus this; the later one wins)",
            set: { $0.rwmixread = 100 - UInt32($1) }, render: { _ in .hidden }),
    ]

    static let blockSize: [OptionDefinition] = [
        .make(
            "bs", aliases: ["blocksize"], PerDirectionKind(inner: SizeKind(minimum: 1)), default: "4k", .blockSize,
            help: "Block size of each I/O; read,write[,trim] values allowed (bs=4k,64k)",
            set: { $0.blockSize.merge($1) },
            render: { spec in
                .value(ValueFormat.perDirection(spec.blockSize) { ValueFormat.size($0, kbBase: spec.kbBase) })
            }),
        .make(
            "bsrange", aliases: ["blocksize_range"], PerDirectionKind(inner: SizeRangeKind(), slashSeparates: true),
            default: "", .blockSize,
            help: "Random block sizes between MIN-MAX, multiples of MIN; per direction like bs (overrides bs)",
            set: { spec, v in
                let base =
                    spec.blockSizeRange ?? PerDirection { SizeRange(min: spec.blockSize[$0], max: spec.blockSize[$0]) }
                spec.blockSizeRange = .from(v, base: base)
            },
            render: { spec in
                .optional(spec.blockSizeRange) { r in
                    ValueFormat.perDirection(r) {
                        "\(ValueFormat.size($0.min, kbBase: spec.kbBase))-\(ValueFormat.size($0.max, kbBase: spec.kbBase))"
                    }
                }
            }),
        .make(
            "bssplit", PerDirectionKind(inner: BlockSplitKind()), default: "", .blockSize,
            help:
                "Weighted block sizes SIZE/PERCENT:...; entries without a percent share the rest (overrides bs and bsrange)",
            set: { spec, v in
                let base = spec.bssplit ?? PerDirection { [BlockSizeShare(size: spec.blockSize[$0], percent: 100)] }
                spec.bssplit = .from(v, base: base)
            },
            render: { spec in
                .optional(spec.bssplit) { split in
                    ValueFormat.perDirection(split) { shares in
                        shares.map { "\(ValueFormat.size($0.size, kbBase: spec.kbBase))/\($0.percent)" }.joined(
                            separator: ":")
                    }
                }
            }),
        .make(
            "blockalign", aliases: ["ba"], PerDirectionKind(inner: SizeKind(minimum: 1)), default: "", .blockSize,
            help:
                "Align random offsets to this boundary (default: the minimum block size); one other than that turns off the random map",
            set: { spec, v in spec.blockAlign = .from(v, base: spec.blockAlign ?? spec.blockSize) },
            render: { spec in
                .optional(spec.blockAlign) { a in
                    ValueFormat.perDirection(a) { ValueFormat.size($0, kbBase: spec.kbBase) }
                }
            }),
    ]

    static let buffers: [OptionDefinition] = [
        .make(
            "iomem_align", aliases: ["mem_align"], SizeKind(), default: "0", .buffers,
            help: "Start I/O buffers this many bytes past a page boundary (512 makes them misaligned for O_DIRECT)",
            set: { $0.iomemAlign = $1 }, render: { .size($0.iomemAlign, $0) }),
        .make(
            "zero_buffers", BoolKind(), default: "0", .buffers,
            help: "Fill the write buffers with zeros (default: pseudo-random bytes that do not compress)",
            set: { $0.zeroBuffers = $1 }, render: { .bool($0.zeroBuffers) }),
        .make(
            "refill_buffers", BoolKind(), default: "0", .buffers,
            help:
                "New pseudo-random bytes in the write buffer before every write (no effect with zero_buffers or verify)",
            set: { $0.refillBuffers = $1 }, render: { .bool($0.refillBuffers) }),
        .make(
            "scramble_buffers", BoolKind(), default: "1", .buffers,
            help:
                "Before every write, stamp each 512-byte sector of the buffer with its offset and the time, so deduplication cannot fold the blocks (off with refill_buffers or verify, and with zero_buffers unless this is set too)",
            set: { $0.scrambleBuffers = $1 }, render: { .bool($0.scrambleBuffers) }),
        .make(
            "buffer_pattern", PatternKind(), default: "", .buffers,
            help:
                "Fill write buffers with these bytes, repeated (0x hex or \"text\"); turns scramble_buffers and zero_buffers off",
            set: { $0.content.pattern = $1 },
            render: { $0.content.pattern.isEmpty ? .unset : .value(ValueFormat.pattern($0.content.pattern)) }),
        .make(
            "buffer_compress_percentage", IntKind(0...100), default: "0", .buffers,
            help:
                "Make each chunk of a write buffer this percent compressible: random bytes, then the pattern or zeros (turns refill_buffers on; 100 means zero_buffers)",
            set: { $0.content.compressPercentage = UInt32($1) }, render: { .int(Int($0.content.compressPercentage)) }),
        .make(
            "buffer_compress_chunk", IntKind(), default: "512", .buffers,
            help: "The chunk buffer_compress_percentage applies to; 0 means the whole minimum write size",
            set: { $0.content.compressChunk = $1 }, render: { .int(Int($0.content.compressChunk)) }),
        .make(
            "dedupe_percentage", IntKind(0...100), default: "0", .buffers,
            help:
                "This percent of write buffers repeat earlier content, so deduplication folds them (turns refill_buffers on)",
            set: { $0.content.dedupePercentage = UInt32($1) }, render: { .int(Int($0.content.dedupePercentage)) }),
        .make(
            "dedupe_mode",
            ChoiceKind<DedupeMode>(
                [
                    (OptionChoice("repeat", "Repeat the last unique buffer"), .repeatPrevious),
                    (
                        OptionChoice(
                            "working_set",
                            "Repeat one of the first unique buffers, a dedupe_working_set_percentage share of size"
                        ), .workingSet
                    ),
                ], noun: "dedupe mode"),
            default: "repeat", .buffers,
            help: "Where a deduplicable buffer's content comes from",
            set: { $0.content.dedupeMode = $1 }, render: { .value($0.content.dedupeMode.rawValue) }),
        .make(
            "dedupe_working_set_percentage", IntKind(0...100), default: "5", .buffers,
            help: "dedupe_mode=working_set: the unique buffers deduplicated ones repeat, as a percent of size",
            set: { $0.content.dedupeWorkingSetPercentage = UInt32($1) },
            render: { .int(Int($0.content.dedupeWorkingSetPercentage)) }),
    ]
}
