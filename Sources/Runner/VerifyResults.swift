import Stats
import Verify
#if canImport(Glibc)
import Glibc
#endif

// Turning what the workers found into the report's words, after their threads have ended.

extension WorkerVerify {
    /// This worker's findings; `paths` are its files, in file-index order.
    func report(method: String) -> VerifyReport {
        var report = VerifyReport(
            method: method, mode: mode == .writes ? "write" : "read",
            jobID: identity.jobID, seed: identity.seed)
        if mode == .writes { report.readBack = readsBack }
        report.blocksChecked = blocksChecked
        report.bytesChecked = bytesChecked
        report.blocksFailed = blocksFailed
        if blocksOverwritten > 0 { report.blocksOverwritten = blocksOverwritten }
        for (index, kind) in VerifyFailureRecord.kinds.enumerated() {
            report.byKind[kind] = failureCount(kindIndex: index)
        }
        report.failures = (0..<recordCount).map { i in
            let record = record(i)
            let path = Int(record.fileIndex) < paths.count ? paths[Int(record.fileIndex)] : "?"
            return record.report(path: path)
        }
        if blocksFailed > UInt64(recordCount) { report.failuresNotListed = blocksFailed - UInt64(recordCount) }
        if stoppedAtFirstFailure { report.stoppedAtFirstFailure = true }
        return report
    }
}

extension VerifyFailureRecord {
    func report(path: String) -> VerifyFailureReport {
        let expected: String, found: String, message: String
        var entry = VerifyFailureReport(
            file: path, offset: offset, length: UInt64(length), kind: kind,
            expected: "", found: "", message: "")
        switch finding {
        case let .shortRead(bytes):
            expected = "\(length) bytes"
            found = "\(bytes) bytes"
            message =
                "verify: short read of block \(hex(offset))+\(length) of \(path): \(bytes) of \(length) bytes came back"
        case let .outcome(outcome):
            message = outcome.message(target: path, blockOffset: offset, length: length)
            switch outcome {
            case .ok, .notWritten:
                expected = "a written block"
                found = "zeros"
            case let .headerCorrupt(damage):
                expected = "a valid verify header"
                found =
                    damage.reason.shortDescription + (damage.payloadAsExpected ? "; the data after it is intact" : "")
            case let .misdirected(writtenFor, foundAt, generation):
                expected = "the block written for offset \(foundAt) (\(hex(foundAt)))"
                found = "the block written for offset \(writtenFor) (\(hex(writtenFor))), generation \(generation)"
                entry.writtenFor = writtenFor
            case let .stale(foundGeneration, expectedGeneration, _):
                expected = "generation \(expectedGeneration)"
                found = "generation \(foundGeneration)"
            case let .foreign(job, seed, generation):
                expected = "a block of this job"
                found = "job id \(hex(UInt64(job))), seed \(seed), generation \(generation)"
            case let .torn(m), let .patternMismatch(m):
                expected = m.expected.description
                found = m.found.description
                entry.firstBadOffset = m.firstBadOffset
                entry.lastBadOffset = m.lastBadOffset
                entry.badBytes = UInt64(m.badBytes)
            }
        }
        entry.expected = expected
        entry.found = found
        entry.message = message
        return entry
    }
}

extension HeaderDamage.Reason {
    /// A few words for the report's "found" field (the message has the whole sentence).
    var shortDescription: String {
        switch self {
        case let .badMagic(found): return "no verify header (magic \(hex(UInt64(found))))"
        case let .badHeaderChecksum(stored, computed):
            return "header checksum \(hex(UInt64(stored))), contents give \(hex(UInt64(computed)))"
        case let .unknownVersion(v): return "header version \(v)"
        case let .unknownChecksumKind(k): return "checksum kind \(k)"
        case let .lengthMismatch(found): return "a header for a \(found)-byte block"
        case let .blockTooShort(length): return "a \(length)-byte block, shorter than a header"
        }
    }
}

private func hex(_ value: UInt64) -> String { "0x" + String(value, radix: 16) }

extension VerifyReport {
    /// `reports` merged into one, in order; nil when there are none.
    static func merged(_ reports: some Sequence<VerifyReport>) -> VerifyReport? {
        var merged: VerifyReport?
        for report in reports {
            if merged == nil { merged = report } else { merged!.merge(report) }
        }
        return merged
    }
}

extension PreparedJob {
    /// The job's verify report: its workers' findings merged (joined workers only).
    func verifyReport(workers: [WorkerThread]) -> VerifyReport? {
        let method = spec.verify.method.rawValue
        return .merged(workers.lazy.filter(\.isJoined).compactMap { $0.state.verify?.report(method: method) })
    }
}

extension PreparedJob {
    /// After the workers ended: when blocks failed verification, makes that the job's error (EILSEQ,
    /// as fio reports verify failures) unless an I/O error already stopped it, and returns the lines
    /// for stderr (the first failures, then a summary).
    func noteVerifyFailures() -> [String] {
        guard let report = verifyReport(workers: workers), report.blocksFailed > 0 else { return [] }
        let shown = report.failures.prefix(8)
        var lines = shown.map { "job '\(spec.name)': \($0.message)" }
        if report.blocksFailed > UInt64(shown.count) {
            lines.append(
                "job '\(spec.name)': … and \(report.blocksFailed - UInt64(shown.count)) more failed blocks (see the report)"
            )
        }
        let kinds = report.byKind.nonZero.map { "\($0.kind)=\($0.count)" }.joined(separator: ", ")
        var summary = "verify: \(report.blocksFailed) of \(report.blocksChecked) blocks checked failed (\(kinds))"
        if report.stoppedAtFirstFailure == true { summary += "; verify_fatal stopped the job" }
        if failure == nil {
            failure = "job '\(spec.name)': \(summary)"
            failureErrno = EILSEQ
        }
        lines.append("job '\(spec.name)': \(summary)")
        // verify_dump: name the files, as fio's "received data dumped as …" lines do.
        for worker in workers where worker.isJoined {
            for name in worker.state.verify?.dumpedFiles ?? [] {
                let kind = name.hasSuffix(".received") ? "received" : "expected"
                lines.append("job '\(spec.name)': \(kind) data dumped as \(name)")
            }
        }
        return lines
    }
}
