import Engines
import JobFile
import Verify

extension WorkerVerify {
    /// Most read-back entries one worker keeps (24 bytes each: 48 MiB). A pass that writes more
    /// blocks is read back every this many writes, as if `verify_backlog` were set.
    static let maximumLogEntries = 1 << 21

    /// The verify state for one worker of `spec` (`config`: that worker's loop settings), or nil when the
    /// job does not verify. Throws a sentence naming the job and what to change when verification cannot work as asked.
    static func make(
        spec: JobSpec, config: WorkerConfig, jobWrites: Bool, readSizes: BlockSizePicker,
        writeSizes: BlockSizePicker, fds: [Int32], paths: [String]
    ) throws -> WorkerVerify? {
        let options = spec.verify
        guard options.method != .none else { return nil }
        let location = "\(spec.sourceFile):\(spec.sourceLine): job '\(spec.name)'"
        if !spec.engine.transfersData {
            let storing = EngineCatalog.all.filter(\.transfersData).map(\.kind.rawValue)
            throw PlanError(
                description: "\(location): verify=\(options.method.rawValue) needs an engine that stores data; "
                    + "ioengine=\(spec.ioengine) discards writes and reads nothing back (use "
                    + storing.joined(separator: ", ") + ")")
        }
        let verifier: BlockVerifier
        switch options.method {
        case .crc32c: verifier = BlockVerifier(checksum: .crc32c)
        case .sha256: verifier = BlockVerifier(checksum: .sha256)
        case .pattern, .none:
            do {
                verifier = try BlockVerifier(pattern: options.pattern)
            } catch {
                throw PlanError(description: "\(location): \(error)")
            }
        }
        let mode: Mode = jobWrites ? .writes : .reads
        let smallest = mode == .writes ? writeSizes.minimum : readSizes.minimum
        do {
            try verifier.validate(blockLength: Int(smallest))
        } catch {
            throw PlanError(description: "\(location): \(error)")
        }

        // fio's verify phase: after each pass (do_verify), or every verify_backlog writes. A time_based
        // job without a backlog never gets to its verify phase (fio's rule; the parser warns).
        var threshold: Int?
        if mode == .writes && options.doVerify && !(spec.timeBased && options.verifyBacklog == 0) {
            if options.verifyBacklog > 0 {
                threshold = min(options.verifyBacklog, maximumLogEntries)
            } else {
                let writesPerPass = (config.bytesPerLoop + writeSizes.minimum - 1) / max(writeSizes.minimum, 1)
                threshold = Int(min(writesPerPass, UInt64(maximumLogEntries)))
            }
        }
        let interval = fittedInterval(options.interval, sizes: mode == .writes ? writeSizes : readSizes)
        if interval > 0 {
            do {
                try verifier.validate(blockLength: Int(interval))
            } catch {
                throw PlanError(description: "\(location): verify_interval=\(interval): \(error)")
            }
        }
        // fio refuses a header that would not fit in its block once moved (verify.c, "verify_offset too large").
        var headerOffset = 0
        if options.headerOffset > 0, case .checksum = verifier.method {
            let block = interval > 0 ? interval : smallest
            guard options.headerOffset + UInt64(VerifyHeaderLayout.size) <= block else {
                throw PlanError(
                    description:
                        "\(location): verify_offset=\(options.headerOffset) does not leave room for the "
                        + "\(VerifyHeaderLayout.size)-byte verify header in a \(block)-byte block; use at most "
                        + "\(block >= UInt64(VerifyHeaderLayout.size) ? block - UInt64(VerifyHeaderLayout.size) : 0)")
            }
            headerOffset = Int(options.headerOffset)
        }
        return WorkerVerify(
            mode: mode, verifier: verifier, identity: VerifyIdentity(spec: spec), fatal: options.verifyFatal,
            readBackThreshold: threshold, iodepth: config.iodepth,
            dropCacheBeforeReadBack: !spec.direct && spec.invalidate, fds: fds, paths: paths,
            interval: Int(interval), headerOffset: headerOffset, dumps: options.dump)
    }

    /// fio's rule for verify_interval (init.c): at most the smallest block, and a divisor of the smallest and
    /// largest, else their greatest common divisor. 0 (not set) keeps one verify block per I/O.
    static func fittedInterval(_ asked: UInt64, sizes: BlockSizePicker) -> UInt64 {
        guard asked > 0 else { return 0 }
        let low = sizes.minimum, high = sizes.maximum
        let interval = min(asked, low)
        if interval > 0 && low % interval == 0 && high % interval == 0 { return interval }
        var (a, b) = (low, high)
        while b != 0 { (a, b) = (b, a % b) }
        return a
    }
}
