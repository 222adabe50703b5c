// ZFS accounting, step 1 of 3, measure (docs/ARCHITECTURE.md, "The accounting chain"): kstat snapshots, zpool
// event counts and the kernel-log watch around each job on ZFS, and the job's own I/O (ZFSJobIO). Step 2 judges
// them (ZFS/ZFSAccountingJudge.swift); step 3 is the report's model (Stats/Model/ZFSAccountingReport.swift).
import Foundation
import JobFile
import Stats
import Targets
import Vocabulary
import ZFS

extension ZFSJobSupport {
    // MARK: - when the jobs start

    /// Just before the start gate opens: the kernel-log watch of every job, and the kstat and
    /// event counts of jobs on ZFS. Files are already laid out, so their writes are not counted.
    func jobsStarting(_ jobs: [PreparedJob]) {
        for job in jobs {
            if let context = job.zfs {
                if job.writes {
                    context.filesGrownFromEmpty = UInt64(
                        job.paths.filter { path in
                            FileTarget.kind(of: path) == .regularFile && (try? FileTarget.size(of: path)) == 0
                        }.count)
                }
                do {
                    context.before = try ZFSPoolKstats.snapshot(pool: context.pool, kstatRoot: environment.kstatRoot)
                } catch {
                    context.notes.append("no kstat snapshot before the job: \(error)")
                }
                context.eventsBefore = try? ZpoolEventCounts.read(pool: context.pool, tools: context.tools)
            }
            do {
                job.kernelLog = try KernelLogWatcher(path: environment.kmsgPath)
            } catch {
                // Without root the kernel log may be closed; it matters where ZFS or loop devices are involved.
                if job.zfs != nil || job.spec.loop != nil {
                    log("job '\(job.spec.name)': no kernel-log watch: \(error)")
                }
            }
        }
    }

    // MARK: - when a job ends

    /// After the job's workers are joined: kernel events, then the ZFS deltas and accounting.
    /// A kernel event fails the job: its numbers cannot be trusted.
    func jobFinished(_ job: PreparedJob) {
        var events: [KernelEvent] = []
        if let watcher = job.kernelLog {
            do {
                let batch = try watcher.readNew()
                events += batch.events.filter { environment.kernelEventsFromPrograms || $0.facility == 0 }
                if batch.overwrittenGaps > 0 {
                    job.zfs?.notes.append(
                        "the kernel log overwrote records before they were read (\(batch.overwrittenGaps) gap(s))")
                }
            } catch {
                log("job '\(job.spec.name)': kernel-log watch: \(error)")
            }
            job.kernelLog = nil
        }
        if let context = job.zfs {
            events += zpoolDataErrors(context)
            job.extensions.zfs = accounting(job, context: context)
        }
        guard !events.isEmpty else { return }
        job.extensions.kernelEvents = (job.extensions.kernelEvents ?? []) + events
        if job.failure == nil {
            job.failure =
                "job '\(job.spec.name)': the kernel reported \(events.count) event\(events.count == 1 ? "" : "s") during the job "
                + "(first: \(events[0].kind.rawValue): \(events[0].message)); its results cannot be trusted"
            log(job.failure!)
        }
    }

    /// Checksum and Direct I/O verify events ZFS posted for the pool during the job (`zpool events`).
    private func zpoolDataErrors(_ context: ZFSJobContext) -> [KernelEvent] {
        guard let before = context.eventsBefore,
            let after = try? ZpoolEventCounts.read(pool: context.pool, tools: context.tools)
        else { return [] }
        return ZpoolEventCounts.newDataErrors(before: before, after: after).sorted { $0.key < $1.key }.map {
            cls, count in
            let kind: KernelEventKind = cls == ZpoolEventCounts.checksumClass ? .zfsChecksum : .zfsDioVerify
            return KernelEvent(
                kind: kind,
                message: "\(count) \(cls) event\(count == 1 ? "" : "s") on pool \(context.pool) (zpool events)")
        }
    }

    // MARK: - accounting

    private func accounting(_ job: PreparedJob, context: ZFSJobContext) -> Stats.ZFSAccounting {
        var out = Stats.ZFSAccounting(pool: context.pool)
        out.zfsVersion = context.module.version.raw
        out.dataset = context.dataset
        out.direct = context.direct.rawValue
        out.recordsize = context.recordsize
        out.dioStrict = context.module.dioStrict
        out.propertiesSet = context.propertiesSet.isEmpty ? nil : context.propertiesSet
        out.datasetCreated = context.datasetCreated ? true : nil
        out.guardWarning = context.guardWarning
        var notes = context.notes
        defer { out.notes = notes.isEmpty ? nil : notes }
        guard let before = context.before else {
            out.rules = ZFSRuleset.of(context.module).rawValue
            return out
        }
        let after: ZFSPoolKstats
        do {
            after = try ZFSPoolKstats.snapshot(pool: context.pool, kstatRoot: environment.kstatRoot)
        } catch {
            notes.append("no kstat snapshot after the job: \(error)")
            return out
        }
        let delta = ZFSKstatDelta(before: before, after: after)
        let io = Self.jobIO(job, filesGrownFromEmpty: context.filesGrownFromEmpty)
        let settings = ZFSDatasetSettings(
            pool: context.pool, dataset: context.dataset, direct: context.direct,
            recordsize: context.recordsize)
        let outcome = ZFSDirectAccounting.account(
            job: io, dataset: settings, module: context.module, delta: delta,
            pageSize: UInt64(sysconf(Int32(_SC_PAGESIZE))))
        Self.fill(&out, from: outcome, delta: delta)
        notes = outcome.notes + notes
        return out
    }

    static func fill(_ out: inout Stats.ZFSAccounting, from outcome: ZFSAccountingOutcome, delta: ZFSKstatDelta) {
        func signed(_ v: UInt64) -> Int64 { Int64(clamping: v) }
        var iostats = ZFSIOStatsDelta()
        iostats.directReadCount = signed(delta.directReadCount)
        iostats.directReadBytes = signed(delta.directReadBytes)
        iostats.directWriteCount = signed(delta.directWriteCount)
        iostats.directWriteBytes = signed(delta.directWriteBytes)
        iostats.arcReadCount = signed(delta.arcReadCount)
        iostats.arcReadBytes = signed(delta.arcReadBytes)
        iostats.arcWriteCount = signed(delta.arcWriteCount)
        iostats.arcWriteBytes = signed(delta.arcWriteBytes)
        let other = delta.otherIostats.sorted { $0.key < $1.key }.map {
            ZFSCounterDelta(name: $0.key, delta: signed($0.value))
        }
        iostats.other = other.isEmpty ? nil : other
        out.iostats = iostats
        if let own = delta.objsets[outcome.dataset] {
            out.objset = [
                ("reads", own.reads), ("writes", own.writes), ("nread", own.nread), ("nwritten", own.nwritten),
            ]
            .map { ZFSCounterDelta(name: $0.0, delta: signed($0.1)) }
        }
        out.rules = outcome.ruleset.rawValue
        let r = outcome.read, w = outcome.write
        out.requestedDirect = ZFSIOCounts(reads: signed(r.askedDirect), writes: signed(w.askedDirect))
        out.expectedDirect = ZFSIOCounts(reads: signed(r.expectedDirectIOs), writes: signed(w.expectedDirectIOs))
        out.countedDirect = ZFSIOCounts(
            reads: signed(r.directIOsCounted), writes: signed(w.directIOsCounted),
            readBytes: signed(r.directBytesCounted), writeBytes: signed(w.directBytesCounted))
        out.inferredFallbacks = ZFSIOCounts(reads: signed(r.fallbacks), writes: signed(w.fallbacks))
        out.rejected = ZFSIOCounts(reads: signed(r.einvalErrors), writes: signed(w.einvalErrors))
        func verdict(_ d: ZFSDirectionOutcome) -> ZFSDirectionVerdict {
            ZFSDirectionVerdict(
                predictedPath: d.predictedPath.rawValue, alignment: d.alignment.rawValue, rule: d.rule,
                ruleSource: d.ruleSource, outcome: d.verdict.rawValue)
        }
        out.verdict = ZFSVerdict(read: verdict(r), write: verdict(w), asExpected: outcome.asExpected)
        out.pollutionWarning =
            outcome.pollutionWarnings.isEmpty ? nil : outcome.pollutionWarnings.joined(separator: "; ")
    }

    /// What the job did, in the shape the accounting rules need.
    static func jobIO(_ job: PreparedJob, filesGrownFromEmpty: UInt64) -> ZFSJobIO {
        let spec = job.spec
        let stats = WorkerStats.merged(job.joinedWorkers.map(\.state.stats)) ?? WorkerStats()
        var einvalLeft = stats.errors.countsByErrno.first { $0.errno == EINVAL }?.count ?? 0
        func shape(_ direction: IODirection, _ s: DirectionStats) -> ZFSRequestShape {
            let sizes = spec.blockSizeBounds(direction)
            let einval = min(s.errors, einvalLeft)
            einvalLeft -= einval
            return ZFSRequestShape(
                ios: s.ios, bytes: s.bytes, einvalErrors: einval, minBlockSize: sizes.min,
                maxBlockSize: sizes.max, offsetAlignment: offsetAlignment(spec, direction))
        }
        let page = UInt64(sysconf(Int32(_SC_PAGESIZE)))
        let viaLoop = job.loopDevice != nil
        var bufferAlignment = job.targets.first?.bufferAlign ?? page
        if spec.iomemAlign > 0 { bufferAlignment = min(bufferAlignment, lowestSetBit(spec.iomemAlign)) }
        return ZFSJobIO(
            read: shape(.read, stats.read), write: shape(.write, stats.write),
            // Through a loop device, ZFS sees the loop driver's I/O: direct when its dio is in effect,
            // always from page-aligned kernel pages.
            oDirect: viaLoop ? (job.loopDevice?.report.directIOEffective ?? false) : spec.direct,
            bufferAlignment: viaLoop ? page : bufferAlignment,
            filesGrownFromEmpty: filesGrownFromEmpty, viaLoopDevice: viaLoop)
    }

    /// The largest power of two dividing every offset the job can use: its start offsets, the step
    /// between clones, the block alignment and every block size (sequential I/O advances by them).
    static func offsetAlignment(_ spec: JobSpec, _ direction: IODirection) -> UInt64 {
        let sizes = spec.blockSizeBounds(direction)
        var bits = spec.offset | sizes.min | sizes.max
        // Random offsets step by the smallest block of any direction the job uses (FileCursor's unit).
        for used in spec.rw.directions { bits |= spec.blockSizeBounds(used).min }
        if spec.numjobs > 1 { bits |= spec.offsetIncrement }
        if let align = spec.blockAlign?[direction] { bits |= align }
        for share in spec.bssplit?[direction] ?? [] { bits |= share.size }
        return lowestSetBit(bits)
    }

    static func lowestSetBit(_ value: UInt64) -> UInt64 {
        value == 0 ? 1 << 62 : value & (~value &+ 1)
    }
}
