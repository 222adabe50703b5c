import Foundation
import Testing
import Report
import Stats
import Vocabulary

@Suite("normal output")
struct NormalReportTests {
    /// The lines a fio user looks for, from our own measurements.
    @Test func showsTheLinesAFioUserLooksFor() throws {
        let text = try ReportRenderer.render(OutputFormatTests.sampleResult(), formats: [.normal])
        let expected = [
            "sample: (groupid=0, jobs=1): err= 0: pid=",
            "  read: IOPS=750, BW=3000KiB/s (3072kB/s)(6000KiB/2000msec)",
            "  write: IOPS=250, BW=1000KiB/s (1024kB/s)(2000KiB/2000msec)",
            "    slat (nsec): min=2000, max=2000, avg=2000.00, stdev= 0.00",
            "    clat (usec): min=81, max=179, avg=130.00, stdev=28.87",
            "     lat (usec): min=83, max=181, avg=132.00, stdev=28.87",
            "    clat percentiles (usec):",
            // Values rounded up to whole µs, as fio does: 81 µs shows as 82 (bucket top 81.023 µs).
            "     |  1.00th=[   82],  5.00th=[   86], 10.00th=[   91], 20.00th=[  100],",
            "     | 99.99th=[  179]",
            // Samples at 0.5, 1.0 and 1.5 s; the last completion is at 1.999 s.
            "   bw (  KiB/s): min= 2999, max= 3000, per=99.97%, avg=2999.67, stdev= 0.58, samples=3",
            "   iops        : min=  749, max=  750, avg=749.67, stdev= 0.58, samples=3",
            "  lat (usec)   : 100=20.00%, 250=80.00%",
            "  cpu          : usr=",
            "  IO depths    : 1=0.0%, 2=0.0%, 4=0.0%, 8=0.0%, 16=0.0%, 32=0.0%, >=64=0.0%",
            "     issued rwts: total=1500,500,0,0 short=0,0,0,0 dropped=0,0,0,0",
            "     latency   : target=0, window=0, percentile=100.00%, depth=4",
            "Run status group 0 (all jobs):",
            "   READ: bw=3000KiB/s (3072kB/s), 3000KiB/s-3000KiB/s (3072kB/s-3072kB/s), io=6000KiB (6144kB), run=2000-2000msec",
            "  WRITE: bw=1000KiB/s (1024kB/s),",
        ]
        for line in expected {
            #expect(text.contains(line), "missing: \(line)\n--- output:\n\(text)")
        }
    }

    /// fio with `normal,json` prints both from one run: rendering its JSON with our code must
    /// give fio's own lines (all but the header, which has pid and time, and the write line's
    /// "; 0 zone resets" suffix about zoned devices, which diobench does not do).
    @Test(.enabled(if: FioProcess.available, "needs fio at /usr/bin/fio"))
    func renderedFromFioJSONMatchesFiosText() async throws {
        let job = """
            [global]
            directory=${DIR}
            size=4m
            bs=4k
            runtime=1
            time_based
            [mixed]
            rw=randrw
            ioengine=io_uring
            iodepth=2
            fsync=16
            [plain]
            stonewall
            rw=read
            ioengine=psync
            time_based=0
            """
        let out = try await FioProcess.run(job: job, arguments: ["--output-format=normal,json"])
        #expect(out.status == 0)
        let text = out.text
        let result = try RunResult.decodeFioOutput(out.stdout)
        guard let jsonEnd = text.range(of: "\n}\n") else { Issue.record("no JSON in fio output"); return }
        let fioNormal = text[jsonEnd.upperBound...]
        var options = ReportOptions()
        options.pid = 0
        let ours = NormalReport.render(result, options: options)
        let ourLines = Set(ours.split(separator: "\n").map(String.init))
        var compared = 0
        for raw in fioNormal.split(separator: "\n") {
            var line = String(raw)
            if line.contains("(groupid=") { continue }
            if line.hasSuffix("; 0 zone resets") { line = String(line.dropLast("; 0 zone resets".count)) }
            compared += 1
            #expect(ourLines.contains(line), "fio line not reproduced: \(line)\n--- ours:\n\(ours)")
        }
        #expect(compared > 30)
    }

    @Test func diobenchBlockShowsLoopZFSAndErrors() throws {
        var result = OutputFormatTests.sampleResult()
        var ext = result.jobs[0].diobench ?? JobExtension()
        var target = TargetInfo(path: "/dev/loop7")
        target.kind = "loop"
        target.dioMemAlign = 512
        target.dioOffsetAlign = 4096
        ext.targets = [target]
        let loop = LoopDeviceReport(
            device: "/dev/loop7", backingFile: "/tank/ds/backing", backingFileCreated: false, backingFileSize: 64 << 20,
            backingFileSystemMagic: 0x2fc1_2fc1, backingFileSystem: "zfs", backingDirectIOAlignment: nil,
            directIORequested: true, directIOEffective: false, logicalBlockSizeRequested: 4096, logicalBlockSize: 4096,
            memoryAlignment: 512, readOnly: false, autoclear: true, setupMethod: .configure, warnings: [])
        ext.loop = loop
        var zfs = ZFSAccounting(pool: "tank")
        zfs.dataset = "tank/ds"
        zfs.direct = "always"
        zfs.recordsize = 131_072
        zfs.zfsVersion = "2.3.9"
        zfs.rules = "2.3"
        zfs.iostats.directWriteCount = 31
        zfs.iostats.directWriteBytes = 31 * 131_072
        zfs.iostats.arcWriteCount = 1
        zfs.requestedDirect = ZFSIOCounts(reads: 0, writes: 32)
        zfs.inferredFallbacks = ZFSIOCounts(reads: 0, writes: 1)
        ext.zfs = zfs
        ext.ioErrors = IOErrorReport(
            total: 3, byErrno: [.init(errno: 22, name: "EINVAL", count: 3)],
            samples: [
                .init(errno: 22, name: "EINVAL", op: "read", offset: 512, length: 4096, file: "/dev/loop7", atNs: 10)
            ])
        ext.kernelEvents = [
            KernelEvent(
                kind: .nullPointerDereference,
                message: "BUG: kernel NULL pointer dereference, address: 0000000000000008")
        ]
        result.jobs[0].diobench = ext

        let text = try ReportRenderer.render(result, formats: [.normal])
        for line in [
            "  target       : /dev/loop7 (loop)",
            "     statx     : dio_mem_align=512, dio_offset_align=4096",
            "  loop device  : /dev/loop7 on /tank/ds/backing (zfs)",
            "     dio       : requested=on, effective=off, logical_block_size=4096, via LOOP_CONFIGURE",
            "     note      : the kernel refused direct I/O to the backing file",
            "  zfs          : pool=tank, dataset=tank/ds, direct=always, recordsize=128KiB, zfs 2.3.9 (2.3 rules)",
            "     direct    : reads=0 (0B), writes=31 (3968KiB)",
            "     fallback  : reads=0, writes=1 (inferred: asked minus counted)",
            "  io errors    : total=3: EINVAL=3",
            "     read      : offset=512, length=4096, EINVAL (Invalid argument), file=/dev/loop7",
            "  kernel       : 1 event in the kernel log",
        ] {
            #expect(text.contains(line), "missing: \(line)\n--- output:\n\(text)")
        }

        // The same facts in JSON, under diobench keys, and back.
        let json = try ReportRenderer.json(result, bins: false)
        for key in [
            "\"dio_effective\" : false", "\"direct_write_count\" : 31", "\"inferred_fallbacks\"", "\"by_errno\"",
            "\"dio_mem_align\" : 512",
        ] {
            #expect(json.contains(key), "JSON lacks \(key)")
        }
        let back = try RunResult.decodeFioOutput(Data(json.utf8))
        #expect(back.jobs[0].diobench?.loop == loop)
        #expect(back.jobs[0].diobench?.zfs == zfs)
        #expect(back.jobs[0].diobench?.ioErrors == ext.ioErrors)
    }

    @Test func storedFioNormalOutputMentionsTheSameJobs() throws {
        // A fio 3.33 text report and our rendering of fio's JSON name the same jobs and groups.
        let fioText = try Fixtures.text("fio-3.33/fio-3.33.normal.txt")
        let ours = NormalReport.render(try RunResult.decodeFioOutput(try Fixtures.data("fio-3.33/fio-3.33.json")))
        for name in [
            "seqwrite-psync: (groupid=0", "randrw-uring: (groupid=1", "grp-fsync: (groupid=2",
            "Run status group 2 (all jobs):", "  Description  : [two writers with fsync, reported as a group]",
            "  fsync/fdatasync/sync_file_range:",
        ] {
            #expect(fioText.contains(name) && ours.contains(name), "\(name)")
        }
    }
}
