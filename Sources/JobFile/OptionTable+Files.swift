// Job description, files and sizes.

extension OptionTable {
    static let description: [OptionDefinition] = [
        .make(
            "name", StringKind(), default: "", .description,
            help: "Job name in reports (default: the section name)",
            set: { $0.name = $1 }, render: { .value($0.name) }),
        .make(
            "description", StringKind(), default: "", .description,
            help: "Free text describing the job; shown, never parsed",
            set: { $0.description = $1 }, render: { .optional($0.description) { $0 } }),
    ]

    static let files: [OptionDefinition] = [
        .make(
            "filename", ColonListKind(), default: "", .files,
            help:
                "File(s) or device(s) to use, separated by ':' (\\: for a colon in a name); default: name.jobnum.filenum",
            // fio adds to the list each time filename is set (a [global] one and the job's own both count).
            set: { spec, names in for name in names where !spec.filenames.contains(name) { spec.filenames.append(name) }
            },
            render: { $0.filenames.isEmpty ? .unset : .lines(ValueFormat.colonListLines($0.filenames)) }),
        .make(
            "directory", ColonListKind(), default: "", .files,
            help: "Directory for the job's files; several separated by ':' are shared out among numjobs clones",
            set: { $0.directories = $1 },
            render: { $0.directories.isEmpty ? .unset : .value(ValueFormat.colonList($0.directories)) }),
        .make(
            "nrfiles", aliases: ["nr_files"], IntKind(1...1_000_000), default: "1", .files,
            help: "Number of files per job; size is split among them (ignored when filename lists files)",
            set: { $0.nrfiles = Int($1) }, render: { .int($0.nrfiles) }),
        .make(
            "file_service_type", FileServiceKindParser(), default: "roundrobin", .files,
            help:
                "Which file the next I/O goes to: roundrobin, sequential (finish one first), random (:N keeps a file for N I/Os), or zipf/pareto/normal[:value[:center]]",
            set: { $0.fileService = $1 }, render: { .value(FileServiceKindParser.text($0.fileService)) }),
        .make(
            "openfiles", IntKind(1...1_000_000), default: "", .files,
            help:
                "fio's limit on files open at once; diobench keeps all the job's files open, and warns when that is more",
            set: { $0.openFiles = Int($1) }, render: { .optional($0.openFiles) { String($0) } }),
        .make(
            "create_serialize", BoolKind(), default: "1", .layout,
            help: "Lay files out one job after another; diobench always does, so 0 lays out the same files",
            set: { $0.createSerialize = $1 }, render: { .bool($0.createSerialize) }),
        .make(
            "filename_format", StringKind(), default: JobSpec.defaultFilenameFormat, .files,
            help: "Names of the job's files without filename=: $jobname, $jobnum (clone), $filenum, $clientuid",
            set: { $0.filenameFormat = $1 }, render: { .value($0.filenameFormat) }),
        .make(
            "filesize", FileSizeKind(), default: "", .files,
            help:
                "Size of each file (a range draws one per file, a multiple of the smallest block size); size then caps a pass",
            set: { $0.fileSize = $1 },
            render: { spec in
                .optional(spec.fileSize) { r in
                    r.min == r.max
                        ? ValueFormat.size(r.min, kbBase: spec.kbBase)
                        : ValueFormat.size(r.min, kbBase: spec.kbBase) + "-"
                            + ValueFormat.size(r.max, kbBase: spec.kbBase)
                }
            }),
        .make(
            "allow_file_create", BoolKind(), default: "1", .files,
            help: "Create files that do not exist; with 0 a missing file is an error",
            set: { $0.allowFileCreate = $1 }, render: { .bool($0.allowFileCreate) }),
        .make(
            "size", SizeOrPercentKind(percentRange: 1...100), default: "", .files,
            help: "Total bytes of the job's files, or N% of the existing files or devices (default: their full size)",
            set: { spec, v in
                switch v {
                case .bytes(let b): spec.size = b == 0 ? nil : b; spec.sizePercent = nil
                case .percent(let p): spec.size = nil; spec.sizePercent = p
                }
            },
            render: { spec in
                if let p = spec.sizePercent { return .value(ValueFormat.decimal(p) + "%") }
                return .optional(spec.size) { ValueFormat.size($0, kbBase: spec.kbBase) }
            }),
        .make(
            "io_size", aliases: ["io_limit"], SizeKind(minimum: 1), default: "", .files,
            help: "Bytes of I/O to do within the size region (default: size)",
            set: { $0.ioSize = $1 },
            render: { spec in .optional(spec.ioSize) { ValueFormat.size($0, kbBase: spec.kbBase) } }),
        .make(
            "offset", SizeOrPercentKind(percentRange: 0...100), default: "0", .files,
            help: "Start I/O at this byte offset, or at N% of the file (aligned to the block size)",
            set: { spec, v in
                switch v {
                case .bytes(let b): spec.offset = b; spec.offsetPercent = nil
                case .percent(let p): spec.offset = 0; spec.offsetPercent = p
                }
            },
            render: { spec in
                if let p = spec.offsetPercent { return .value(ValueFormat.decimal(p) + "%") }
                return .size(spec.offset, spec)
            }),
        .make(
            "offset_increment", SizeOrPercentKind(percentRange: 0...100), default: "0", .files,
            help: "Each numjobs clone starts offset + N * this, for disjoint regions of one file",
            set: { spec, v in
                switch v {
                case .bytes(let b): spec.offsetIncrement = b; spec.offsetIncrementPercent = nil
                case .percent(let p): spec.offsetIncrement = 0; spec.offsetIncrementPercent = p
                }
            },
            render: { spec in
                if let p = spec.offsetIncrementPercent { return .value(ValueFormat.decimal(p) + "%") }
                return .size(spec.offsetIncrement, spec)
            }),
    ]
}
