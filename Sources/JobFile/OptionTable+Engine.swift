// Engine choice, direct vs buffered, queue depth and the io_uring engine's own options.

extension OptionTable {
    static let engine: [OptionDefinition] = [
        .make("ioengine", ChoiceKind<EngineKind>([
                  (OptionChoice("psync", "pread(2)/pwrite(2)"), .psync),
                  (OptionChoice("sync", "read(2)/write(2) after lseek(2)"), .sync),
                  (OptionChoice("null", "No I/O at all: measures diobench itself"), .null),
                  (OptionChoice("io_uring", "Linux io_uring through liburing, with queue depth"), .ioUring),
              ], noun: "I/O engine"),
              default: "psync", .engine,
              help: "How the job issues I/O",
              set: { $0.ioengine = $1 }, render: { .value($0.ioengine.rawValue) }),
        .make("direct", BoolKind(), default: "0", .engine,
              help: "Use O_DIRECT (bypass the page cache)",
              set: { $0.direct = $1 }, render: { .bool($0.direct) }),
        .make("buffered", BoolKind(), default: "1", .engine, writes: "direct",
              help: "The opposite of direct; the later of the two wins",
              set: { $0.direct = !$1 }, render: { _ in .hidden }),
    ]

    static let depth: [OptionDefinition] = [
        .make("iodepth", IntKind(1...65536), default: "1", .depth,
              help: "I/Os kept in flight per job (only io_uring goes beyond 1)",
              set: { $0.iodepth = Int($1) }, render: { .int($0.iodepth) }),
        .make("iodepth_batch_submit", aliases: ["iodepth_batch"], IntKind(0...65536), default: "1", .depth,
              help: "I/Os queued before one submit; 0 means iodepth",
              set: { $0.iodepthBatchSubmit = Int($1) }, render: { .int($0.iodepthBatchSubmit) }),
        .make("iodepth_batch_complete_min", aliases: ["iodepth_batch_complete"], IntKind(0...65536), default: "1", .depth,
              help: "Least completions to wait for at once; 0 polls without waiting",
              set: { $0.iodepthBatchCompleteMin = Int($1) }, render: { .int($0.iodepthBatchCompleteMin) }),
        .make("iodepth_batch_complete_max", IntKind(0...65536), default: "1", .depth,
              help: "Most completions to reap at once (never below iodepth_batch_complete_min, which is its default)",
              set: { $0.iodepthBatchCompleteMax = Int($1) },
              render: { .optional($0.iodepthBatchCompleteMax) { String($0) } }),
        .make("iodepth_low", IntKind(0...65536), default: "1", .depth,
              help: "Refill the queue when it drains to this many (default and maximum: iodepth)",
              set: { $0.iodepthLow = Int($1) }, render: { .optional($0.iodepthLow) { String($0) } }),
    ]

    /// fio's io_uring engine options: errors under any other engine, as engine options are in fio.
    static let ioUring: [OptionDefinition] = {
        let onlyForUring: @Sendable (JobSpec, RenderedValue) -> RenderedValue = { spec, value in
            spec.ioengine == .ioUring ? value : .hidden
        }
        return [
            .make("fixedbufs", BoolKind(), default: "0", .ioUring, engine: .ioUring,
                  help: "Register the I/O buffers with the kernel once (saves mapping pages per I/O)",
                  set: { $0.fixedbufs = $1 }, render: { onlyForUring($0, .bool($0.fixedbufs)) }),
            .make("registerfiles", BoolKind(), default: "0", .ioUring, engine: .ioUring,
                  help: "Register the files with the kernel once (saves file reference counting per I/O)",
                  set: { $0.registerfiles = $1 }, render: { onlyForUring($0, .bool($0.registerfiles)) }),
            .make("sqthread_poll", BoolKind(), default: "0", .ioUring, engine: .ioUring,
                  help: "A kernel thread polls the submission queue, so submitting needs no system call (implies registerfiles)",
                  set: { $0.sqthreadPoll = $1 }, render: { onlyForUring($0, .bool($0.sqthreadPoll)) }),
            .make("sqthread_poll_cpu", IntKind(0...4095), default: "", .ioUring, engine: .ioUring,
                  help: "CPU for the sqthread_poll kernel thread",
                  set: { $0.sqthreadPollCPU = Int($1) },
                  render: { onlyForUring($0, .optional($0.sqthreadPollCPU) { String($0) }) }),
            .make("hipri", BoolKind(), default: "0", .ioUring, engine: .ioUring,
                  help: "Polled completions (IORING_SETUP_IOPOLL); needs direct=1 and a device with poll queues",
                  set: { $0.hipri = $1 }, render: { onlyForUring($0, .bool($0.hipri)) }),
        ]
    }()
}
