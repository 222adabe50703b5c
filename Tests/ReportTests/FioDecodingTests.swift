import Foundation
import Testing
import Stats
import Vocabulary

/// The result model reads fio's own JSON: the stored 3.33 outputs, fio run live, and the
/// older 2.x layout.
@Suite("Decoding fio JSON")
struct FioDecodingTests {
    /// Checks the decoded model against the raw JSON, key by key, for every job and direction.
    func expectMatchesRawJSON(
        _ result: RunResult, _ raw: [String: Any], sourceLocation: SourceLocation = #_sourceLocation
    ) {
        let jobs = raw["jobs"] as? [[String: Any]] ?? []
        #expect(result.fioVersion == raw["fio version"] as? String, sourceLocation: sourceLocation)
        #expect(result.jobs.count == jobs.count, sourceLocation: sourceLocation)
        for (job, rawJob) in zip(result.jobs, jobs) {
            #expect(job.jobname == rawJob["jobname"] as? String, sourceLocation: sourceLocation)
            #expect(job.groupid == rawJob["groupid"] as? Int, sourceLocation: sourceLocation)
            #expect(job.jobRuntime == (rawJob["job_runtime"] as? NSNumber)?.uint64Value, sourceLocation: sourceLocation)
            #expect(job.ctx == (rawJob["ctx"] as? NSNumber)?.uint64Value, sourceLocation: sourceLocation)
            for d in IODirection.allCases {
                let r = job[d]
                let raw = rawJob[d.fioName] as? [String: Any] ?? [:]
                func u(_ k: String) -> UInt64? { (raw[k] as? NSNumber)?.uint64Value }
                #expect(
                    r.ioBytes == u("io_bytes") && r.ioKBytes == u("io_kbytes") && r.bw == u("bw"),
                    sourceLocation: sourceLocation)
                #expect(
                    r.totalIOs == u("total_ios") && r.runtime == u("runtime") && r.bwSamples == u("bw_samples"),
                    sourceLocation: sourceLocation)
                #expect(
                    abs(r.iops - ((raw["iops"] as? NSNumber)?.doubleValue ?? -1)) < 1e-6, sourceLocation: sourceLocation
                )
                let clat = raw["clat_ns"] as? [String: Any] ?? [:]
                #expect(r.clat.count == (clat["N"] as? NSNumber)?.uint64Value, sourceLocation: sourceLocation)
                #expect(r.clat.max == (clat["max"] as? NSNumber)?.uint64Value, sourceLocation: sourceLocation)
                let rawPercentiles = clat["percentile"] as? [String: NSNumber] ?? [:]
                #expect(
                    (r.clat.percentiles?.entries.count ?? 0) == rawPercentiles.count, sourceLocation: sourceLocation)
                for (k, v) in rawPercentiles {
                    #expect(
                        r.clat.percentiles?[Double(k)!] == v.uint64Value, "percentile \(k)",
                        sourceLocation: sourceLocation)
                }
                if let bins = clat["bins"] as? [String: NSNumber] {
                    #expect(r.clat.bins?.entries.count == bins.count, sourceLocation: sourceLocation)
                    #expect(
                        r.clat.bins?.totalCount == r.clat.count, "json+ bins add up to N",
                        sourceLocation: sourceLocation)
                }
            }
        }
    }

    @Test func storedFio333JSON() throws {
        let data = try Fixtures.data("fio-3.33/fio-3.33.json")
        let result = try RunResult.decodeFioOutput(data)
        expectMatchesRawJSON(result, try jsonObject(data))
        #expect(result.jobs.map(\.jobname) == ["seqwrite-psync", "randrw-uring", "grp-fsync"])
        let grp = result.jobs[2]
        #expect(grp.desc == "two writers with fsync, reported as a group")
        #expect((grp.sync?.totalIOs ?? 0) > 0 && (grp.sync?.lat.percentiles?.entries.count ?? 0) == 17)
        #expect(result.jobs[1].read.slat.count > 0, "io_uring has slat")
        #expect(result.jobs[0].iodepthLevel?["1"] == 100)
        #expect(result.globalOptions?["bs"] == "4k")
        #expect(result.diskUtil?.isEmpty == false)
        #expect(result.jobs.allSatisfy { $0.read.clat.bins == nil }, "plain json has no bins")
    }

    @Test func storedFio333JSONPlus() throws {
        let data = try Fixtures.data("fio-3.33/fio-3.33.jsonplus.json")
        let result = try RunResult.decodeFioOutput(data)
        expectMatchesRawJSON(result, try jsonObject(data))
        #expect(result.jobs[0].write.clat.bins?.totalCount == 1024)
        #expect(result.jobs[2].sync?.lat.bins?.totalCount == result.jobs[2].sync?.totalIOs)
    }

    @Test func olderFioLayoutDecodesWithUnitsConverted() throws {
        let result = try RunResult.decodeFioOutput(try Fixtures.data("fio-2-shape.json"))
        let r = result.jobs[0].read
        #expect(r.ioBytes == 7116 * 1024 && r.ioKBytes == 7116)
        #expect(r.iops == 68 && r.totalIOs == 1779)
        #expect(r.clat.min == 53_000 && r.clat.max == 6_329_000 && abs(r.clat.mean - 1_449_070) < 1e-6)
        #expect(r.clat.percentiles?[99] == 4_048_000)
        #expect(r.lat.max == 6_330_000)
        #expect(result.jobs[0].eta == nil && result.jobs[0].jobRuntime == 0)
        #expect(result.jobs[0].latencyMs?["2"] == 44.24)
        #expect(result.diskUtil?.first?.name == "sdb")
    }

    @Test func textAroundTheJSONIsSkipped() throws {
        let json = try Fixtures.text("fio-3.33/fio-3.33.json")
        let noisy =
            "job: (g=0): rw=read\nfio-3.33\nStarting 1 process\n" + json + "\njob: (groupid=0, jobs=1): err= 0\n"
        let result = try RunResult.decodeFioOutput(Data(noisy.utf8))
        #expect(result.jobs.count == 3)
        #expect(throws: DecodingError.self) { try RunResult.decodeFioOutput(Data("no json here".utf8)) }
    }

    static let liveJob = """
        [global]
        directory=${DIR}
        size=2m
        bs=4k
        [psync-write]
        rw=write
        ioengine=psync
        [uring-randrw]
        stonewall
        rw=randrw
        ioengine=io_uring
        iodepth=4
        direct=1
        [sync-group]
        stonewall
        rw=randwrite
        ioengine=psync
        numjobs=2
        group_reporting
        fsync=4
        lat_percentiles=1
        """

    @Test(.enabled(if: FioProcess.available, "needs fio at /usr/bin/fio"), arguments: ["json", "json+"])
    func liveFioOutput(format: String) async throws {
        let out = try await FioProcess.run(job: Self.liveJob, arguments: ["--output-format=\(format)"])
        #expect(out.status == 0)
        let result = try RunResult.decodeFioOutput(out.stdout)
        expectMatchesRawJSON(result, try jsonObject(out.stdout))
        #expect(result.fioVersion.hasPrefix("fio-"))
        #expect(result.jobs.count == 3)
        // Size-bound jobs: every byte of the 2 MiB file, in 4 KiB I/Os.
        #expect(result.jobs[0].write.ioBytes == 2 << 20 && result.jobs[0].write.totalIOs == 512)
        let uring = result.jobs[1]
        #expect(uring.read.ioBytes + uring.write.ioBytes == 2 << 20)
        #expect(uring.read.slat.count == uring.read.totalIOs)
        let group = result.jobs[2]
        #expect(group.write.totalIOs == 1024, "two group members of 512 I/Os")
        #expect(group.write.lat.percentiles != nil, "lat_percentiles puts percentiles on lat_ns")
        #expect((group.sync?.totalIOs ?? 0) > 200, "about one fsync per 4 writes")
        if format == "json+" {
            #expect(result.jobs[0].write.clat.bins?.totalCount == 512)
            #expect(group.write.lat.bins?.totalCount == 1024)
        } else {
            #expect(result.jobs[0].write.clat.bins == nil)
        }
    }
}

@Suite("Decoding edge cases")
struct FioDecodingEdgeTests {
    @Test func nonFiniteNumbersFromOldFioReadAsZero() throws {
        let text =
            #"{"fio version" : "fio-2.1", "jobs" : [ { "jobname" : "x: nan", "groupid" : 0, "error" : 0, "read" : { "io_bytes" : 4, "bw" : 1, "iops" : 1.0, "runtime" : 4, "bw_agg" : -nan, "bw_dev" : inf } } ] }"#
        let r = try RunResult.decodeFioOutput(Data(text.utf8))
        #expect(r.jobs[0].jobname == "x: nan")
        #expect(r.jobs[0].read.bwAgg == 0 && r.jobs[0].read.bwDev == 0 && r.jobs[0].read.ioBytes == 4096)
    }

    @Test func percentilesFromJSONPlusBinsMatchFiosOwn() throws {
        // fio's percentiles are computed from the same bins: recomputing from json+ bins gives them back.
        let result = try RunResult.decodeFioOutput(try Fixtures.data("fio-3.33/fio-3.33.jsonplus.json"))
        for job in result.jobs {
            for d in IODirection.allCases {
                let clat = job[d].clat
                guard let bins = clat.bins, let p = clat.percentiles else { continue }
                for e in p.entries {
                    #expect(bins.value(atPercentile: e.percent) == e.valueNs, "\(job.jobname) \(d) p\(e.percent)")
                }
            }
        }
    }
}
