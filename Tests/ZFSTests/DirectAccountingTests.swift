import Foundation
import Testing
@testable import ZFS

/// The module the lab ran: OpenZFS 2.3.9, Direct I/O enabled, no zfs_dio_strict (2.3).
private func labModule() throws -> ZFSModuleInfo {
    ZFSModuleInfo(version: try LabFixtures.moduleVersion(), dioEnabled: true, dioStrict: nil)
}

private func labRows() throws -> [SummaryRow] {
    try SummaryRow.parseAll(LabFixtures.text("fio-SUMMARY.txt"))
}

/// A SUMMARY row as a kstat delta: pool counters plus the job dataset's objset reads and writes.
private func delta(of row: SummaryRow, dataset: String) -> ZFSKstatDelta {
    var objsets: [String: ZFSObjsetDelta] = [:]
    if row["os_rd"] + row["os_wr"] > 0 { objsets[dataset] = ZFSObjsetDelta(reads: row["os_rd"], writes: row["os_wr"]) }
    return ZFSKstatDelta(
        pool: "tank", directReadCount: row["d_rd"], directReadBytes: row["d_rdB"],
        directWriteCount: row["d_wr"], directWriteBytes: row["d_wrB"],
        arcReadCount: row["a_rd"], arcReadBytes: row["a_rdB"],
        arcWriteCount: row["a_wr"], arcWriteBytes: row["a_wrB"], objsets: objsets)
}

private func account(_ job: LabJob, rc: Int, delta: ZFSKstatDelta) throws -> ZFSAccountingOutcome {
    ZFSDirectAccounting.account(
        job: job.jobIO(failed: rc != 0),
        dataset: ZFSDatasetSettings(pool: "tank", dataset: job.dataset, direct: job.setting, recordsize: 128 << 10),
        module: try labModule(), delta: delta)
}

@Suite("Direct I/O accounting against the OpenZFS 2.3.9 lab")
struct DirectAccountingLabTests {
    @Test("the SUMMARY table parses into all 46 steps")
    func table() throws {
        let rows = try labRows()
        #expect(rows.count == 46)
        #expect(rows.map(\.step).allSatisfy { ZFSDirectProperty(rawValue: LabJob(step: $0).setting.rawValue) != nil })
    }

    @Test(
        "each capture's command.txt agrees with the job read from its step name", arguments: LabFixtures.capturedSteps)
    func commandsMatchNames(step: String) throws {
        // fio_run NAME FILE RW BS ENGINE DIRECT [extra fio args]
        let command = try LabFixtures.text(step + "/command.txt").split(separator: "\n")[0].split(separator: " ").map(
            String.init)
        let job = LabJob(step: step)
        #expect(command[0] == "fio_run")
        #expect(command[2].hasPrefix("/\(job.dataset)/"))
        #expect(command[3] == job.rw)
        #expect(ScratchVdev.parseSize(command[4]) == job.blockSize)
        #expect(command[5] == job.engine)
        #expect(command[6] == (job.oDirect ? "1" : "0"))
        let extra = Array(command.dropFirst(7))
        #expect(extra.contains("--offset=512") == job.offset512)
        let size =
            extra.first { $0.hasPrefix("--size=") }.map { ScratchVdev.parseSize(String($0.dropFirst(7)))! } ?? 32 << 20
        #expect(size == job.bytes)
        #expect(extra.contains("--create_on_open=1") == job.newFile)
        let rc = try LabFixtures.text(step + "/command.txt").contains("rc=0") ? 0 : 1
        #expect(rc == (try labRows().first { $0.step == step }!.rc))
    }

    @Test(
        "every step: the counts match the rules' prediction and raise no pollution warning",
        arguments: try! SummaryRow.parseAll(LabFixtures.text("fio-SUMMARY.txt")).map(\.step))
    func everyRow(step: String) throws {
        let row = try #require(try labRows().first { $0.step == step })
        let job = LabJob(step: step)
        let outcome = try account(job, rc: row.rc, delta: delta(of: row, dataset: job.dataset))
        let mine = job.isWrite ? outcome.write : outcome.read
        let other = job.isWrite ? outcome.read : outcome.write

        #expect(outcome.ruleset == .v2_3)
        #expect(outcome.zfsVersion == "2.3.9-0+deb13u1")
        #expect(outcome.asExpected, "\(step): read \(outcome.read.verdict), write \(outcome.write.verdict)")
        #expect(outcome.pollutionWarnings.isEmpty, "\(step): \(outcome.pollutionWarnings)")
        #expect(other.verdict == .noIO)

        // fio's exit status is 1 exactly where the rules predict EINVAL.
        #expect((mine.predictedPath == .einval) == (row.rc != 0))
        if mine.predictedPath == .direct {
            // Counted direct I/Os: every request, less the first write into a new file.
            #expect(mine.directIOsCounted == job.ios - (job.newFile ? 1 : 0))
            #expect(mine.fallbacks == (job.newFile ? 1 : 0))
        } else {
            #expect(mine.directBlocksCounted == 0)
            // Everything asked to be direct fell back (O_DIRECT requests, or aligned ones under always).
            #expect(mine.fallbacks == mine.askedDirect)
        }
    }

    @Test(
        "the outcomes the lab captures (Fixtures/zfs-lab/fio-SUMMARY.txt) name",
        arguments: [
            // step, path, asked direct, counted direct I/Os, fallbacks
            ("01-disabled-psync-write-128k-direct1", ZFSIOPath.arc, 256, 0, 256),
            ("16-standard-psync-write-128k-direct1", .direct, 256, 256, 0),
            ("21-standard-psync-write-128k-direct0", .arc, 0, 0, 0),
            ("25-standard-psync-randread-4k-direct1-cold", .direct, 1024, 1024, 0),
            ("24-standard-psync-randwrite-4k-direct1", .arc, 1024, 0, 1024),
            ("26-standard-psync-read-4k-offset512-direct1-cold", .einval, 0, 0, 0),
            ("28-standard-psync-read-bs6k-direct1-cold", .einval, 0, 0, 0),
            ("36-always-psync-write-128k-direct0", .arc, 0, 0, 0),
            ("37-always-psync-write-128k-direct0-memalign4k", .direct, 256, 256, 0),
            ("38-always-psync-read-128k-direct0-memalign4k-cold", .direct, 256, 256, 0),
            ("41-always-psync-read-4k-offset512-direct1-cold", .arc, 256, 0, 256),
            ("43-always-psync-read-bs6k-direct1-cold", .arc, 171, 0, 171),
            ("46-always-newfile-write-128k-direct1", .direct, 32, 31, 1),
        ])
    func named(step: String, path: ZFSIOPath, asked: UInt64, counted: UInt64, fallbacks: UInt64) throws {
        let row = try #require(try labRows().first { $0.step == step })
        let job = LabJob(step: step)
        let outcome = try account(job, rc: row.rc, delta: delta(of: row, dataset: job.dataset))
        let mine = job.isWrite ? outcome.write : outcome.read
        #expect(mine.predictedPath == path)
        #expect(mine.askedDirect == asked)
        #expect(mine.directIOsCounted == counted)
        #expect(mine.fallbacks == fallbacks)
        #expect(outcome.fallbacks == fallbacks)
    }

    @Test("direct_*_count counts blocks: 4k direct reads each count one 128k block", arguments: [1, 8])
    func blocksToRequests(recordsPerRequest: UInt64) throws {
        // 256 reads of recordsPerRequest × 128k each: ZFS counts 256 × recordsPerRequest blocks.
        let bs = recordsPerRequest * (128 << 10)
        let job = ZFSJobIO(
            read: ZFSRequestShape(ios: 256, bytes: 256 * bs, minBlockSize: bs, offsetAlignment: bs),
            oDirect: true, bufferAlignment: 4096)
        let delta = ZFSKstatDelta(pool: "tank", directReadCount: 256 * recordsPerRequest, directReadBytes: 256 * bs)
        let outcome = ZFSDirectAccounting.account(
            job: job,
            dataset: ZFSDatasetSettings(
                pool: "tank", dataset: "tank/standard", direct: .standard, recordsize: 128 << 10),
            module: try labModule(), delta: delta)
        #expect(outcome.read.blocksPerIO == recordsPerRequest)
        #expect(outcome.read.directIOsCounted == 256)
        #expect(outcome.read.verdict == .asExpected)
        #expect(outcome.pollutionWarnings.isEmpty)
    }
}

@Suite("Direct I/O accounting: deviations and pollution")
struct DirectAccountingDeviationTests {
    private func step18() throws -> (LabJob, SummaryRow) {
        let step = "18-standard-psync-read-128k-direct1-cold"
        return (LabJob(step: step), try #require(try labRows().first { $0.step == step }))
    }

    @Test("fewer direct blocks than predicted, the rest ARC misses: fallbacks and a verdict")
    func fewer() throws {
        let (job, row) = try step18()
        var d = delta(of: row, dataset: job.dataset)
        d.directReadCount = 200
        d.directReadBytes = 200 << 17
        d.arcReadCount += 56
        d.arcReadBytes += 56 << 17
        let outcome = try account(job, rc: 0, delta: d)
        #expect(outcome.read.verdict == .fewerDirectThanExpected)
        #expect(outcome.read.fallbacks == 56)
        #expect(!outcome.asExpected)
    }

    @Test(
        "direct reads counted neither as direct nor as ARC misses (beyond metadata) found their blocks cached: consistent, with fallbacks"
    )
    func cachedBlocks() throws {
        // The lab (2.3.9): a Direct I/O read of a block still cached in a dbuf copies it (dmu_direct.c).
        let (job, row) = try step18()
        var d = delta(of: row, dataset: job.dataset)
        d.directReadCount = 255
        d.directReadBytes = 255 << 17
        let outcome = try account(job, rc: 0, delta: d)
        #expect(outcome.read.verdict == .someReadsServedFromCache)
        #expect(outcome.read.fallbacks == 1)
        #expect(outcome.asExpected)
    }

    @Test("an EINVAL the rules do not predict is flagged")
    func unexpectedEINVAL() throws {
        let (job, row) = try step18()
        var io = job.jobIO(failed: false)
        io.read.einvalErrors = 3
        let outcome = ZFSDirectAccounting.account(
            job: io,
            dataset: ZFSDatasetSettings(pool: "tank", dataset: job.dataset, direct: .standard, recordsize: 128 << 10),
            module: try labModule(), delta: delta(of: row, dataset: job.dataset))
        #expect(outcome.read.verdict == .unexpectedEINVAL)
    }

    @Test("a misaligned O_DIRECT job that was not rejected contradicts the 2.3 rules")
    func missingEINVAL() throws {
        let step = "26-standard-psync-read-4k-offset512-direct1-cold"
        let job = LabJob(step: step)
        let outcome = try account(
            job, rc: 0, delta: ZFSKstatDelta(pool: "tank", arcReadCount: 40, arcReadBytes: 40 << 17))
        #expect(outcome.read.verdict == .missingEINVAL)
    }

    @Test("other datasets' I/O, direct counts beyond the job, and ARC traffic beyond it are pollution")
    func pollution() throws {
        let (job, row) = try step18()
        var d = delta(of: row, dataset: job.dataset)
        d.objsets["tank/other"] = ZFSObjsetDelta(reads: 10, writes: 3, nread: 40960, nwritten: 12288)
        d.directWriteCount = 5
        d.arcWriteBytes = 2 << 20
        d.arcReadBytes = 1 << 30
        d.objsets[job.dataset]!.reads += 500
        let outcome = try account(job, rc: 0, delta: d)
        let w = outcome.pollutionWarnings
        #expect(w.count == 5, "\(w)")
        #expect(w.contains { $0.contains("tank/other") && $0.contains("10 reads and 3 writes") })
        #expect(w.contains { $0.hasPrefix("direct_write_count") && $0.contains("at most 0") })
        #expect(w.contains { $0.hasPrefix("arc_write_bytes") })
        #expect(w.contains { $0.hasPrefix("arc_read_bytes") })
        #expect(w.contains { $0.contains("something else uses the dataset") })
    }

    @Test("direct counts on a disabled dataset can only come from elsewhere")
    func disabledDirect() throws {
        let step = "03-disabled-psync-read-128k-direct1-cold"
        let job = LabJob(step: step)
        let row = try #require(try labRows().first { $0.step == step })
        var d = delta(of: row, dataset: job.dataset)
        d.directReadCount = 7
        let outcome = try account(job, rc: 0, delta: d)
        #expect(outcome.pollutionWarnings.contains { $0.hasPrefix("direct_read_count") })
        #expect(outcome.read.verdict == .moreDirectThanExpected)
    }

    @Test("a counter restart is reported")
    func restart() throws {
        let (job, row) = try step18()
        var d = delta(of: row, dataset: job.dataset)
        d.countersRestarted = true
        #expect(try account(job, rc: 0, delta: d).pollutionWarnings.first?.contains("restarted") == true)
    }

    @Test("the real captured deltas account cleanly", arguments: LabFixtures.capturedSteps)
    func capturedDeltas(step: String) throws {
        let row = try #require(try labRows().first { $0.step == step })
        let d = ZFSKstatDelta(
            before: try LabFixtures.snapshot(step: step, "before"),
            after: try LabFixtures.snapshot(step: step, "after"))
        let outcome = try account(LabJob(step: step), rc: row.rc, delta: d)
        #expect(outcome.asExpected)
        #expect(outcome.pollutionWarnings.isEmpty, "\(outcome.pollutionWarnings)")
    }
}

@Suite("Direct I/O rules by version")
struct DirectRulesTests {
    @Test("every combination has a rule")
    func complete() {
        for ruleset in [ZFSRuleset.noDirectIO, .v2_3, .v2_4] {
            for setting in [ZFSEffectiveDirect.disabled, .standard, .always] {
                for oDirect in [false, true] {
                    for alignment in ZFSRequestAlignment.allCases {
                        for strict in [false, true] {
                            let r = ZFSDirectRules.rule(
                                ruleset: ruleset, setting: setting, oDirect: oDirect,
                                alignment: alignment, strict: strict)
                            #expect(r.ruleset == ruleset)
                            // EINVAL only ever for O_DIRECT requests that are misaligned.
                            if r.read == .einval || r.write == .einval {
                                #expect(oDirect && alignment == .misaligned)
                            }
                            // Without O_DIRECT, only direct=always can make I/O direct.
                            if !oDirect && setting != .always {
                                #expect(r.read != .direct && r.write != .direct)
                            }
                            // Writes shorter than a record are never direct.
                            if alignment != .recordAligned { #expect(r.write != .direct) }
                        }
                    }
                }
            }
        }
    }

    @Test(
        "versions map to rulesets",
        arguments: [
            ("2.2.7", false, ZFSRuleset.noDirectIO),
            ("2.2.99-1_g1234abcd", false, .v2_3),
            ("2.3.0-rc1", false, .v2_3),
            ("2.3.9-0+deb13u1", false, .v2_3),
            ("2.3.99-100_gabc", false, .v2_3),
            ("2.3.99-100_gabc", true, .v2_4),
            ("2.4.0-rc1", false, .v2_4),
            ("2.4.1-pve1", true, .v2_4),
        ])
    func rulesets(version: String, strictParameter: Bool, expected: ZFSRuleset) throws {
        #expect(
            ZFSRuleset.of(version: try ZFSVersion(parsing: version), hasStrictParameter: strictParameter) == expected)
    }

    private func misalignedODirect(direct: ZFSDirectProperty, module: ZFSModuleInfo, failed: Bool)
        -> ZFSAccountingOutcome
    {
        let shape = ZFSRequestShape(
            ios: failed ? 0 : 256, bytes: failed ? 0 : 1 << 20, einvalErrors: failed ? 1 : 0,
            minBlockSize: 4096, offsetAlignment: 512)
        return ZFSDirectAccounting.account(
            job: ZFSJobIO(read: shape, oDirect: true, bufferAlignment: 4096),
            dataset: ZFSDatasetSettings(pool: "p", dataset: "p/d", direct: direct, recordsize: 128 << 10),
            module: module, delta: ZFSKstatDelta(pool: "p", arcReadCount: 40, arcReadBytes: 5 << 20))
    }

    @Test("2.4: misaligned O_DIRECT becomes uncached, a counted fallback; zfs_dio_strict=1 restores EINVAL")
    func v24() throws {
        let v = try ZFSVersion(parsing: "2.4.0")
        let lenient = misalignedODirect(
            direct: .standard, module: ZFSModuleInfo(version: v, dioEnabled: true, dioStrict: false), failed: false)
        #expect(lenient.ruleset == .v2_4)
        #expect(lenient.read.predictedPath == .uncached)
        #expect(lenient.read.fallbacks == 256)
        #expect(lenient.read.verdict == .asExpected)
        #expect(lenient.notes.contains { $0.contains("not yet checked in the lab") })

        let strict = misalignedODirect(
            direct: .standard, module: ZFSModuleInfo(version: v, dioEnabled: true, dioStrict: true), failed: true)
        #expect(strict.read.predictedPath == .einval)
        #expect(strict.read.verdict == .asExpected)

        let disabled = misalignedODirect(
            direct: .disabled, module: ZFSModuleInfo(version: v, dioEnabled: true, dioStrict: false), failed: false)
        #expect(disabled.read.predictedPath == .uncached)
    }

    @Test("2.3: the same misaligned O_DIRECT request is EINVAL under standard, ARC under always, ignored when disabled")
    func v23() throws {
        let m = ZFSModuleInfo(version: try ZFSVersion(parsing: "2.3.9"), dioEnabled: true)
        #expect(misalignedODirect(direct: .standard, module: m, failed: true).read.predictedPath == .einval)
        #expect(misalignedODirect(direct: .always, module: m, failed: false).read.predictedPath == .arc)
        #expect(misalignedODirect(direct: .disabled, module: m, failed: false).read.predictedPath == .arc)
    }

    @Test("zfs_dio_enabled=0 acts as direct=disabled")
    func dioDisabled() throws {
        let m = ZFSModuleInfo(version: try ZFSVersion(parsing: "2.3.9"), dioEnabled: false)
        let shape = ZFSRequestShape(ios: 256, bytes: 32 << 20, minBlockSize: 128 << 10, offsetAlignment: 128 << 10)
        let o = ZFSDirectAccounting.account(
            job: ZFSJobIO(read: shape, oDirect: true, bufferAlignment: 4096),
            dataset: ZFSDatasetSettings(pool: "p", dataset: "p/d", direct: .always, recordsize: 128 << 10),
            module: m, delta: ZFSKstatDelta(pool: "p", arcReadCount: 257, arcReadBytes: 257 << 17))
        #expect(o.effectiveDirect == .disabled)
        #expect(o.read.predictedPath == .arc)
        #expect(o.read.fallbacks == 256)
        #expect(o.notes.contains { $0.contains("zfs_dio_enabled=0") })
    }

    @Test(
        "alignment classes",
        arguments: [
            // offset alignment, min block size, buffer alignment, expected
            (UInt64(131072), UInt64(131072), UInt64(4096), ZFSRequestAlignment.recordAligned),
            (1 << 20, 1 << 20, 4096, .recordAligned),
            (4096, 4096, 4096, .pageAligned),
            (131072, 4096, 4096, .pageAligned),
            (512, 4096, 4096, .misaligned),
            (2048, 6144, 4096, .misaligned),
            (131072, 131072, 16, .misaligned),
        ])
    func alignment(offset: UInt64, bs: UInt64, buffer: UInt64, expected: ZFSRequestAlignment) {
        let shape = ZFSRequestShape(ios: 1, bytes: bs, minBlockSize: bs, offsetAlignment: offset)
        #expect(ZFSDirectAccounting.classify(shape, bufferAlignment: buffer, recordsize: 131072) == expected)
    }

    @Test("the outcome encodes to JSON and back")
    func codable() throws {
        let step = "46-always-newfile-write-128k-direct1"
        let row = try #require(try labRows().first { $0.step == step })
        let job = LabJob(step: step)
        let outcome = try account(job, rc: 0, delta: delta(of: row, dataset: job.dataset))
        let data = try JSONEncoder().encode(outcome)
        #expect(try JSONDecoder().decode(ZFSAccountingOutcome.self, from: data) == outcome)
        #expect(String(decoding: data, as: UTF8.self).contains("\"fallbacks\":1"))
    }
}

@Suite("Direct I/O accounting through loop devices (lab loop-*-SUMMARY.txt)")
struct DirectAccountingLoopTests {
    // zfs-dio-probe.sh loop modes: a 128 MiB backing file in tank/always (tank/standard for
    // loop-late-always until `zfs set direct=always` after step 02), `losetup --direct-io=on|off`,
    // then `dd if=LOOP bs=1M count=64 iflag=direct` reads and `dd of=LOOP bs=1M count=16 oflag=direct` writes.
    static let cases: [(file: String, step: String, direct: ZFSDirectProperty, loopDirectIO: Bool)] = [
        ("loop-dio-on-SUMMARY.txt", "02-read-loop-iflag-direct", .always, true),
        ("loop-dio-on-SUMMARY.txt", "03-read-loop-iflag-direct-again", .always, true),
        ("loop-dio-on-SUMMARY.txt", "04-write-loop-oflag-direct", .always, true),
        ("loop-dio-off-SUMMARY.txt", "02-read-loop-iflag-direct", .always, false),
        ("loop-dio-off-SUMMARY.txt", "03-read-loop-iflag-direct-again", .always, false),
        ("loop-dio-off-SUMMARY.txt", "04-write-loop-oflag-direct", .always, false),
        ("loop-late-always-SUMMARY.txt", "02-read-loop-before-set-always", .standard, true),
        ("loop-late-always-SUMMARY.txt", "03-read-loop-iflag-direct", .always, true),
        ("loop-late-always-SUMMARY.txt", "04-read-loop-iflag-direct-again", .always, true),
        ("loop-late-always-SUMMARY.txt", "05-write-loop-oflag-direct", .always, true),
    ]

    @Test("loop reads and writes on 2.3.9 stay direct and within the pollution bounds", arguments: 0..<cases.count)
    func loopRows(index: Int) throws {
        let c = Self.cases[index]
        let rows = try SummaryRow.parseAll(LabFixtures.text(c.file))
        let row = try #require(rows.first { $0.step == c.step })
        #expect(row.rc == 0)
        let isWrite = c.step.contains("write")
        let mib: UInt64 = 1 << 20
        let shape = ZFSRequestShape(
            ios: isWrite ? 16 : 64, bytes: (isWrite ? 16 : 64) * mib, minBlockSize: mib, offsetAlignment: mib)
        // The loop driver hands ZFS page-aligned kernel pages; O_DIRECT to the backing file only with dio on.
        let job = ZFSJobIO(
            read: isWrite ? .none : shape, write: isWrite ? shape : .none, oDirect: c.loopDirectIO,
            bufferAlignment: 4096, viaLoopDevice: true)
        let dataset = c.file.hasPrefix("loop-late") ? "tank/standard" : "tank/always"
        let outcome = ZFSDirectAccounting.account(
            job: job,
            dataset: ZFSDatasetSettings(pool: "tank", dataset: dataset, direct: c.direct, recordsize: 128 << 10),
            module: ZFSModuleInfo(version: try LabFixtures.moduleVersion(), dioEnabled: true),
            delta: ZFSKstatDelta(
                pool: "tank", directReadCount: row["d_rd"], directReadBytes: row["d_rdB"],
                directWriteCount: row["d_wr"], directWriteBytes: row["d_wrB"],
                arcReadCount: row["a_rd"], arcReadBytes: row["a_rdB"],
                arcWriteCount: row["a_wr"], arcWriteBytes: row["a_wrB"],
                objsets: [dataset: ZFSObjsetDelta(reads: row["os_rd"], writes: row["os_wr"])]))
        let mine = isWrite ? outcome.write : outcome.read
        #expect(mine.predictedPath == .direct)
        #expect(outcome.asExpected, "\(c.file) \(c.step): \(mine.verdict), \(mine.directBlocksCounted) blocks")
        #expect(outcome.pollutionWarnings.isEmpty, "\(outcome.pollutionWarnings)")
        #expect(outcome.notes.contains { $0.contains("loop device") })
    }

    @Test(
        "through a loop device, split pieces that straddle records add blocks: 615 for 512 is consistent, 1300 is not",
        arguments: [(UInt64(615), true), (554, true), (511, true), (1300, false)])
    func loopSplits(blocks: UInt64, consistent: Bool) throws {
        // The lab suite's seed run on 2.3.9: 64 O_DIRECT 1 MiB reads of a loop device over a direct=always file.
        let shape = ZFSRequestShape(ios: 64, bytes: 64 << 20, minBlockSize: 1 << 20, offsetAlignment: 1 << 20)
        let outcome = ZFSDirectAccounting.account(
            job: ZFSJobIO(read: shape, oDirect: true, bufferAlignment: 4096, viaLoopDevice: true),
            dataset: ZFSDatasetSettings(
                pool: "dbseed", dataset: "dbseed/always", direct: .always, recordsize: 128 << 10),
            module: ZFSModuleInfo(version: try LabFixtures.moduleVersion(), dioEnabled: true),
            delta: ZFSKstatDelta(pool: "dbseed", directReadCount: blocks, directReadBytes: blocks << 17))
        #expect(outcome.read.verdict == (consistent ? .asExpected : .moreDirectThanExpected))
    }

    @Test("through a loop device, far fewer direct blocks than the bytes need is still flagged")
    func loopFewer() throws {
        let shape = ZFSRequestShape(ios: 64, bytes: 64 << 20, minBlockSize: 1 << 20, offsetAlignment: 1 << 20)
        let outcome = ZFSDirectAccounting.account(
            job: ZFSJobIO(read: shape, oDirect: true, bufferAlignment: 4096, viaLoopDevice: true),
            dataset: ZFSDatasetSettings(pool: "tank", dataset: "tank/always", direct: .always, recordsize: 128 << 10),
            module: ZFSModuleInfo(version: try LabFixtures.moduleVersion(), dioEnabled: true),
            delta: ZFSKstatDelta(pool: "tank", directReadCount: 300, directReadBytes: 300 << 17))
        #expect(outcome.read.verdict == .fewerDirectThanExpected)
    }
}
