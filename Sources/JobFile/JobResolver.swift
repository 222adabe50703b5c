// Checks and fix-ups that involve more than one option, once a job has all its options.
// Where fio refuses a combination, this throws (pointing at the later of the options involved); where fio
// silently adjusts a value, this adjusts it the same way and says so in a warning.
import Engines
import Vocabulary

struct JobResolver {
    private(set) var spec: JobSpec
    let origins: Origins
    let header: JobFileLocation
    let earlierJobs: [JobSpec]
    private(set) var warnings: [JobFileWarning] = []

    init(spec: JobSpec, origins: Origins, header: JobFileLocation, earlierJobs: [JobSpec]) {
        self.spec = spec
        self.origins = origins
        self.header = header
        self.earlierJobs = earlierJobs
    }

    mutating func resolve() throws(JobFileError) {
        spec.explicitOptions = Set(origins.effective.keys)
        try checkEngineOptions()
        try checkRequirements()
        try checkDirectAndPolling()
        try checkMmapBlockSize()
        try checkRates()
        try checkSizes()
        try checkLoop()
        try checkZFS()
        try resolveVerify()
        try checkWaitFor()
        try checkName()
        try resolveBufferContent()
        resolveDepths()
        resolveRandom()
        resolveMisc()
        resolveLogs()
    }

    // MARK: errors

    /// An engine's options under another engine are errors, as fio's engine options are.
    private func checkEngineOptions() throws(JobFileError) {
        for option in OptionTable.all {
            guard !option.engines.isEmpty, let origin = origins[option.name], !option.engines.contains(spec.ioengine)
            else { continue }
            let names = option.engines.map { "ioengine=\($0.rawValue)" }.joined(separator: " or ")
            throw conflict(
                [option.name, "ioengine"],
                "\(origin.writtenName) (\(origin.location)) is an option of \(names), but this job uses \(describe("ioengine", spec.ioengine.rawValue))",
                valid: "set \(names), or remove \(origin.writtenName)")
        }
    }

    /// Options that only mean something next to another one (loop_dio without loop_backing).
    private func checkRequirements() throws(JobFileError) {
        for option in OptionTable.all {
            guard let needed = option.requires, let origin = origins[option.name], origins[needed] == nil else {
                continue
            }
            throw JobFileError(
                kind: .conflict, location: origin.location, option: origin.writtenName,
                message: "needs \(needed), which this job does not set",
                valid: "add \(needed)= to this job or a [global] above it, or remove \(origin.writtenName)")
        }
    }

    private func checkDirectAndPolling() throws(JobFileError) {
        if spec.ioengine == .ioUring, spec.engineOptions.hipri, !spec.direct {
            throw conflict(
                ["hipri", "direct"],
                "hipri (polled completion) needs O_DIRECT, but this job's I/O is buffered (\(describe("direct", "0")))",
                valid: "set direct=1, or remove hipri")
        }
    }

    /// fio's mmap engine refuses a block size that is not a whole number of pages when it must msync each
    /// I/O (direct=1) or the mapping (fsync, fdatasync): msync works on whole pages.
    private func checkMmapBlockSize() throws(JobFileError) {
        let page = SystemValues.current.pageSize
        guard spec.ioengine == .mmap, spec.minimumBlockSize % page != 0 else { return }
        let why = spec.direct ? "direct=1" : spec.fsync > 0 ? "fsync" : spec.fdatasync > 0 ? "fdatasync" : nil
        guard let why else { return }
        throw conflict(
            ["bs", "bsrange", "bssplit", "ioengine", "direct", "fsync", "fdatasync"],
            "ioengine=mmap with \(why) needs block sizes that are multiples of the page size (\(page) bytes), "
                + "but the smallest is \(ValueFormat.size(spec.minimumBlockSize, kbBase: spec.kbBase))",
            valid: "use a block size that is a multiple of \(page), or another engine")
    }

    private func checkRates() throws(JobFileError) {
        if spec.rateBytes != nil, spec.rateIOPS != nil {
            throw conflict(["rate", "rate_iops"], "rate and rate_iops can't both be set", valid: "keep one of them")
        }
        let floor = spec.rateFloor
        if IODirection.allCases.contains(where: { floor.bytes[$0] > 0 }),
            IODirection.allCases.contains(where: { floor.ios[$0] > 0 })
        {
            throw conflict(
                ["rate_min", "rate_iops_min"], "rate_min and rate_iops_min can't both be set", valid: "keep one of them"
            )
        }
        // fio (init.c): a floor above the job's own cap could never be met.
        for direction in IODirection.allCases {
            let cap = (bytes: spec.rateBytes?[direction] ?? 0, ios: spec.rateIOPS?[direction] ?? 0)
            if (cap.bytes > 0 && cap.bytes < floor.bytes[direction]) || (cap.ios > 0 && cap.ios < floor.ios[direction])
            {
                throw conflict(
                    ["rate", "rate_iops", "rate_min", "rate_iops_min"],
                    "the \(direction.fioName) minimum rate exceeds the \(direction.fioName) rate, so it could never be met",
                    valid: "a rate_min (rate_iops_min) at or below rate (rate_iops)")
            }
        }
    }

    /// fio refuses a size smaller than the smallest block the job would issue.
    private func checkSizes() throws(JobFileError) {
        guard let size = spec.size, origins["size"] != nil else { return }
        let smallest = spec.minimumBlockSize
        if size < smallest {
            throw conflict(
                ["size", "bs", "bsrange", "bssplit"],
                "size \(ValueFormat.size(size, kbBase: spec.kbBase)) is smaller than the smallest block size \(ValueFormat.size(smallest, kbBase: spec.kbBase))",
                valid: "make size at least \(ValueFormat.size(smallest, kbBase: spec.kbBase))")
        }
    }

    private mutating func checkLoop() throws(JobFileError) {
        guard let loop = spec.loop else { return }
        if loop.readOnly, spec.rw.writes || spec.rw.trims {
            throw conflict(
                ["loop_read_only", "rw"],
                "the loop device is read-only, but rw=\(spec.rw.rawValue) writes to it",
                valid: "use rw=read or randread, or loop_read_only=0")
        }
        if !spec.filenames.isEmpty {
            throw conflict(
                ["loop_backing", "filename"],
                "the job's I/O goes to the loop device made over loop_backing, so filename has nothing to name",
                valid: "remove filename, or loop_backing")
        }
        if spec.direct, spec.minimumBlockSize < UInt64(loop.logicalBlockSize) {
            warn(
                origins["loop_block_size"] == nil ? "bs" : "loop_block_size",
                "O_DIRECT I/O of \(spec.minimumBlockSize) bytes is smaller than the loop device's \(loop.logicalBlockSize)-byte logical blocks; the kernel will refuse it (EINVAL)"
            )
        }
    }

    private func checkZFS() throws(JobFileError) {
        guard let zfs = spec.zfs else { return }
        if zfs.scratchPool != nil, zfs.scratchVdevs.isEmpty, let origin = origins["zfs_scratch_pool"] {
            throw JobFileError(
                kind: .conflict, location: origin.location, option: origin.writtenName,
                message: "a scratch pool needs vdevs to be made of",
                valid: "add zfs_scratch_vdevs=file:1g (or a device path)")
        }
        if zfs.scratchPool == nil, !zfs.scratchVdevs.isEmpty, let origin = origins["zfs_scratch_vdevs"] {
            throw JobFileError(
                kind: .conflict, location: origin.location, option: origin.writtenName,
                message: "scratch vdevs need a pool name",
                valid: "add zfs_scratch_pool=NAME")
        }
    }

    private mutating func resolveVerify() throws(JobFileError) {
        // fio: a verify_pattern without verify= means verify=pattern.
        if !spec.verify.pattern.isEmpty, origins["verify"] == nil { spec.verify.method = .pattern }
        if spec.verify.method == .pattern, spec.verify.pattern.isEmpty {
            throw conflict(
                ["verify"], "verify=pattern needs verify_pattern", valid: "add verify_pattern=0x... or a quoted string")
        }
        if spec.verify.method == .none {
            for name in ["do_verify", "verify_fatal", "verify_backlog"] where origins[name] != nil {
                warn(name, "has no effect without verify=")
            }
            return
        }
        if spec.norandommap, !hasFixedBlockSize() {
            warn(
                "norandommap", "with several block sizes, verify can only check blocks that were not partly overwritten"
            )
        }
        if spec.rw.writes, spec.verify.doVerify, spec.numjobs > 1, !spec.filenames.isEmpty {
            warn(
                "numjobs",
                "\(spec.numjobs) writers share \(ValueFormat.colonList(spec.filenames)) and may overwrite each other's blocks, which fails verification"
            )
        }
        if spec.rw.writes, !spec.rw.reads, spec.verify.doVerify, spec.timeBased, spec.runtimeNs != nil,
            spec.verify.verifyBacklog == 0
        {
            warn(
                "time_based",
                "the verify phase never starts, because the write phase uses all of runtime (use verify_backlog)")
        }
    }

    /// A job named `global` by `name=` would be read back (--parse-only, saved runs) as the section of defaults.
    private func checkName() throws(JobFileError) {
        guard spec.name == "global", let origin = origins["name"] else { return }
        throw JobFileError(
            kind: .badValue, location: origin.location, option: origin.writtenName,
            message: "a job can't be named 'global', the section of defaults",
            valid: "any other name")
    }

    /// fio's waitee rules: defined above, unique, and not the job itself.
    private func checkWaitFor() throws(JobFileError) {
        guard let waitee = spec.waitFor, let origin = origins["wait_for"] else { return }
        if waitee == spec.name {
            throw JobFileError(
                kind: .conflict, location: origin.location, option: origin.writtenName,
                message: "job '\(spec.name)' can't wait for itself", valid: "name a job defined above this one")
        }
        let names = earlierJobs.map(\.name)
        let count = names.filter { $0 == waitee }.count
        if count == 0 {
            throw JobFileError(
                kind: .conflict, location: origin.location, option: origin.writtenName,
                message: "no job named '\(waitee)' above this one",
                valid: names.isEmpty
                    ? "wait_for names a job defined earlier in the file"
                    : "wait_for names a job defined earlier: " + names.joined(separator: ", "),
                suggestion: Suggestions.nearest(to: waitee, in: names))
        }
        if count > 1 {
            throw JobFileError(
                kind: .conflict, location: origin.location, option: origin.writtenName,
                message: "\(count) jobs are named '\(waitee)'", valid: "give the job to wait for a unique name")
        }
    }

    /// fio requires lat_percentiles to agree within a reported group: `job` (resolved, its group numbered)
    /// against the jobs above it.
    func checkGroup(_ job: JobSpec) throws(JobFileError) {
        guard job.groupReporting,
            let other = earlierJobs.last(where: { $0.group == job.group && $0.latPercentiles != job.latPercentiles })
        else { return }
        let location = origins["lat_percentiles"]?.location ?? header
        throw JobFileError(
            kind: .conflict, location: location, option: origins["lat_percentiles"]?.writtenName,
            message:
                "lat_percentiles=\(ValueFormat.bool(job.latPercentiles)) differs from job '\(other.name)' in the same reporting group",
            valid: "use the same lat_percentiles in the group, or start a new group with new_group")
    }

    // MARK: fio's silent fix-ups, made visible

    private mutating func resolveDepths() {
        let depth = spec.iodepth
        if spec.iodepthBatchSubmit == 0 {
            spec.iodepthBatchSubmit = depth
        } else if spec.iodepthBatchSubmit > depth {
            warn("iodepth_batch_submit", "\(spec.iodepthBatchSubmit) is more than iodepth=\(depth); using \(depth)")
            spec.iodepthBatchSubmit = depth
        }
        if let low = spec.iodepthLow, low > depth {
            warn("iodepth_low", "\(low) is more than iodepth=\(depth); using \(depth)")
        }
        if (spec.iodepthLow ?? 0) == 0 || spec.iodepthLow! > depth { spec.iodepthLow = depth }
        if spec.iodepthBatchCompleteMin > depth {
            warn(
                "iodepth_batch_complete_min",
                "\(spec.iodepthBatchCompleteMin) is more than iodepth=\(depth); at most \(depth) can complete at once")
            spec.iodepthBatchCompleteMin = depth
        }
        let minimum = spec.iodepthBatchCompleteMin
        if let max = spec.iodepthBatchCompleteMax, max < minimum, origins["iodepth_batch_complete_max"] != nil {
            warn(
                "iodepth_batch_complete_max",
                "\(max) is less than iodepth_batch_complete_min=\(minimum); using \(minimum)")
        }
        spec.iodepthBatchCompleteMax = Swift.min(Swift.max(spec.iodepthBatchCompleteMax ?? minimum, minimum), depth)
        if spec.engine.queueing == .never, depth > 1, origins["iodepth"] != nil {
            let queued = EngineCatalog.all.filter { $0.queueing == .always }.map { "ioengine=\($0.kind)" }
            warn(
                "iodepth",
                "\(spec.ioengine.rawValue) is synchronous, so iodepth=\(depth) has no effect ("
                    + queued.joined(separator: ", ") + " queues I/O)")
        }
        if spec.engineOptions.sqPoll {
            spec.engineOptions.registerFiles = true
        } else if origins["sqthread_poll_cpu"] != nil {
            warn("sqthread_poll_cpu", "has no effect without sqthread_poll")
        }
    }

    private mutating func resolveRandom() {
        // An explicit seed makes the sequence repeatable, whatever randrepeat says (fio uses the seed).
        if origins["randseed"] != nil { spec.randrepeat = true }
        if let align = spec.blockAlign {
            let minimum = PerDirection { spec.blockSizeBounds($0).min }
            if !spec.rw.isRandom {
                warn("blockalign", "only applies to random I/O; rw=\(spec.rw.rawValue) is sequential")
            } else if align != minimum, !spec.norandommap {
                warn(
                    "blockalign", "turns off the random map, as in fio: some blocks may be done twice and others never")
                spec.norandommap = true
            }
        }
        if spec.randomGenerator == .lfsr, !hasFixedBlockSize() {
            warn(
                "random_generator",
                "lfsr works with one block size only; with several, some blocks may be done more than once")
        }
    }

    /// fio's buffer-content fix-ups (options.c callbacks, init.c fixup_options): a pattern turns scrambling and
    /// zeros off and refills for jobs that read; compression below 100% and dedupe refill every write; 100%
    /// compressible means zeros (or the pattern). dedupe_mode=working_set needs a size and one file.
    private mutating func resolveBufferContent() throws(JobFileError) {
        let content = spec.content
        if !content.pattern.isEmpty {
            spec.refillBuffers = content.compressPercentage > 0 || spec.rw.reads
            spec.scrambleBuffers = false
            spec.zeroBuffers = false
        }
        if content.compressPercentage == 100 {
            spec.zeroBuffers = true
            spec.content.compressPercentage = 0
        } else if content.compressPercentage > 0, origins["refill_buffers"] == nil {
            spec.refillBuffers = true
        }
        if content.dedupePercentage > 0 { spec.refillBuffers = true }
        guard content.dedupePercentage > 0, content.dedupeMode == .workingSet else { return }
        if origins["size"] == nil {
            throw conflict(
                ["dedupe_mode", "dedupe_percentage"], "dedupe_mode=working_set needs size to be set",
                valid: "add size=, or use dedupe_mode=repeat")
        }
        if spec.nrfiles != 1 {
            throw conflict(
                ["dedupe_mode", "nrfiles", "filename"],
                "dedupe_mode=working_set works on one file, and this job has \(spec.nrfiles)",
                valid: "use one file, or dedupe_mode=repeat")
        }
        if content.dedupeWorkingSetPercentage + content.dedupePercentage > 100 {
            throw conflict(
                ["dedupe_working_set_percentage", "dedupe_percentage"],
                "dedupe_percentage=\(content.dedupePercentage) can't be reached when dedupe_working_set_percentage=\(content.dedupeWorkingSetPercentage) of the size is kept unique",
                valid: "make the two add up to 100 or less")
        }
    }

    private mutating func resolveMisc() {
        // fio (init.c): a skewed distribution draws blocks independently, without the random map.
        if !spec.randomDistribution.isUniform { spec.norandommap = true }
        if spec.ioengine == .pvsync2 || spec.ioengine == .ioUring, spec.engineOptions.uncached {
            // A deliberate difference (README): fio 3.33's value now means something else to the kernel.
            warn(
                "uncached",
                spec.direct
                    ? "has no effect with direct=1, as in fio"
                    : "sets RWF_DONTCACHE (Linux 6.14); fio 3.33 sends 0x40, which Linux 6.11 and later read as "
                        + "RWF_ATOMIC, so the same job fails with EOPNOTSUPP under fio")
        }
        if spec.timeBased, spec.runtimeNs == nil {
            warn("time_based", "needs runtime; ignored, as fio does")
            spec.timeBased = false
        }
        if spec.loops == 0 { spec.loops = 1 }
        if let read = origins.own["rwmixread"], let write = origins.own["rwmixwrite"] {
            // Both values parsed when they were applied, so they parse again (0x32, (100/2) and $ncpus included).
            func percent(_ origin: Origin) -> UInt64 {
                (try? OptionTable.mixPercent.parse(origin.value ?? "", origin.context)) ?? 0
            }
            let r = percent(read), w = percent(write)
            if r + w != 100 {
                let later = read.sequence > write.sequence ? "rwmixread" : "rwmixwrite"
                warnOwn(
                    later,
                    "rwmixread=\(r) and rwmixwrite=\(w) don't add up to 100; the later one wins: \(spec.rwmixread)% reads"
                )
            }
        }
        if let origin = origins["rwmixread"], spec.rw != .readwrite, spec.rw != .randrw {
            warn(origin.writtenName, "only applies to mixed workloads (rw or randrw); rw=\(spec.rw.rawValue)")
        }
        if !spec.filenames.isEmpty {
            if origins["nrfiles"] != nil, spec.nrfiles != spec.filenames.count {
                warn("nrfiles", "ignored: filename lists \(spec.filenames.count) file(s)")
            }
            spec.nrfiles = spec.filenames.count
        }
        for (name, profile) in FioProfileOptions.names.sorted(by: { $0.key < $1.key }) where origins.own[name] != nil {
            warnOwn(
                name, "is an option of fio's \(profile) profile: it does nothing without profile=\(profile), in fio too"
            )
        }
        if let limit = spec.openFiles, limit < spec.nrfiles {
            warn(
                "openfiles",
                "diobench keeps all \(spec.nrfiles) files of each clone open; fio would keep at most \(limit) open at a time"
            )
        }
        if spec.bssplit != nil, spec.blockSizeRange != nil {
            warn("bssplit", "bssplit and bsrange are both set; bssplit decides the block sizes")
        }
    }

    /// fio's make_log_name: a log written without a prefix (or with an empty one) is named after the job.
    private mutating func resolveLogs() {
        for field in [\LogOptions.latLogPrefix, \.bwLogPrefix, \.iopsLogPrefix, \.histLogPrefix]
        where spec.logs[keyPath: field] == "" {
            spec.logs[keyPath: field] = spec.name
        }
        if spec.logs.averageMsec > 0 && spec.logs.bwLogPrefix == nil && spec.logs.iopsLogPrefix == nil
            && spec.logs.latLogPrefix == nil
        {
            warn("log_avg_msec", "has no effect without write_lat_log, write_bw_log or write_iops_log")
        }
        if spec.logs.histLogPrefix != nil && spec.logs.histogramMsec == 0 {
            warn("write_hist_log", "writes an empty file without log_hist_msec, as in fio")
        }
    }

    // MARK: helpers

    private func hasFixedBlockSize() -> Bool {
        if let split = spec.bssplit,
            IODirection.allCases.contains(where: { split[$0].filter { $0.percent > 0 }.count > 1 })
        {
            return false
        }
        if spec.bssplit == nil, let range = spec.blockSizeRange,
            IODirection.allCases.contains(where: { range[$0].min != range[$0].max })
        {
            return false
        }
        return true
    }

    /// `name=value (file:line)`, or `name=value (default)` when the file never set it.
    private func describe(_ name: String, _ value: String) -> String {
        if let origin = origins[name] { return "\(origin.writtenName)=\(origin.value ?? "1") (\(origin.location))" }
        return "\(name)=\(value) (default)"
    }

    /// An error about options that don't go together, placed at whichever of them the file set last.
    private func conflict(_ names: [String], _ message: String, valid: String) -> JobFileError {
        let latest = names.compactMap { origins[$0] }.max { $0.sequence < $1.sequence }
        return JobFileError(
            kind: .conflict, location: latest?.location ?? header, option: latest?.writtenName,
            message: message, valid: valid)
    }

    /// A warning at the line of the option as declared (not the one it writes).
    private mutating func warnOwn(_ name: String, _ message: String) {
        let origin = origins.own[name]
        warnings.append(
            JobFileWarning(
                location: origin?.location ?? header, option: origin?.writtenName ?? name,
                job: spec.name, message: message))
    }

    private mutating func warn(_ name: String?, _ message: String) {
        let origin = name.flatMap { origins[$0] }
        warnings.append(
            JobFileWarning(
                location: origin?.location ?? header, option: origin?.writtenName ?? name,
                job: spec.name, message: message))
    }
}
