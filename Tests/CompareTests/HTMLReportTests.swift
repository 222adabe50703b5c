import DiobenchTestSupport
import Foundation
import Stats
import Testing
@testable import Report

/// A run with one random-read job whose figures scale with `speed` (synthetic, for rendering checks).
func syntheticRun(speed: Double, zfsDirect: String? = nil, directShare: Double = 1) -> RunResult {
    var job = JobResult(jobname: "rand-read", groupid: 0)
    let iops = 20_000 * speed
    job.read.iops = iops
    job.read.totalIOs = UInt64(iops)
    job.read.ioBytes = UInt64(iops) * 4096
    job.read.bwBytes = UInt64(iops * 4096)
    job.read.bw = job.read.bwBytes / 1024
    job.read.runtime = 1000
    let base = 50_000 / speed
    job.read.clat = LatencySummary(
        min: UInt64(base / 2), max: UInt64(base * 40), mean: base, stddev: base / 3, count: UInt64(iops),
        percentiles: PercentileMap([
            (1, UInt64(base * 0.6)), (50, UInt64(base)), (90, UInt64(base * 1.6)),
            (99, UInt64(base * 3)), (99.9, UInt64(base * 9)), (99.99, UInt64(base * 30)),
        ]))
    job.jobRuntime = 1000
    job.usrCpu = 5
    job.sysCpu = 20
    if let zfsDirect {
        var ext = JobExtension()
        var zfs = ZFSAccounting(pool: "tank")
        zfs.direct = zfsDirect
        zfs.iostats.directReadCount = Int64(Double(job.read.totalIOs) * directShare)
        zfs.inferredFallbacks = ZFSIOCounts(reads: Int64(Double(job.read.totalIOs) * (1 - directShare)), writes: 0)
        ext.zfs = zfs
        job.diobench = ext
    }
    var run = RunResult(fioVersion: "diobench-test", jobs: [job])
    run.diobench = RunExtension(
        version: "test",
        environment: RunEnvironment(
            kernel: "6.1.0-test", hostname: "lab", machine: "x86_64",
            cpuModel: "Test CPU", cpuCount: 4, zfsVersion: zfsDirect == nil ? nil : "2.3.9-1"))
    return run
}

func syntheticCompare(zfs: Bool) -> CompareResult {
    let settings = ["disabled", "standard", "always"]
    let speeds = [1.0, 1.6, 1.8]
    let shares = [0.0, 0.7, 1.0]
    var cells: [CompareCell] = []
    for i in settings.indices {
        let runs = [0.97, 1.0, 1.04].map { jitter in
            syntheticRun(speed: speeds[i] * jitter, zfsDirect: zfs ? settings[i] : nil, directShare: shares[i])
        }
        cells.append(
            CompareCell(
                label: "zfs_direct=\(settings[i])", settings: [MatrixSetting(option: "zfs_direct", value: settings[i])],
                runs: runs))
    }
    let info = CompareInfo(
        version: "test", jobFiles: ["Jobs/x.fio"], matrix: [MatrixAxis(option: "zfs_direct", values: settings)],
        repetitions: 3, order: CompareMatrix.schedule(cells: 3, repeat: 3),
        environment: cells[0].runs[0].diobench?.environment)
    var result = CompareResult(info: info, cells: cells)
    result.summarize()
    return result
}

@Suite struct HTMLReportTests {
    @Test func pageIsSelfContained() {
        let html = HTMLReport.render(syntheticCompare(zfs: true))
        #expect(html.hasPrefix("<!DOCTYPE html>"))
        #expect(!html.contains("<script"), "no script")
        #expect(!html.contains("src="), "no external images or scripts")
        #expect(!html.contains("<link"), "no external style sheets")
        // The only URL is the SVG namespace, which browsers never fetch.
        let urls = html.components(separatedBy: "http").dropFirst().map { String($0.prefix(30)) }
        #expect(urls.allSatisfy { $0.hasPrefix("://www.w3.org/2000/svg") })
    }

    @Test func pageHasEveryChartWithZFSAccounting() {
        let html = HTMLReport.render(syntheticCompare(zfs: true))
        #expect(html.contains("read IOPS"))
        #expect(html.contains("read bandwidth"))
        #expect(html.contains("completion latency by percentile"))
        #expect(html.contains("<polyline"), "latency curves")
        #expect(html.components(separatedBy: "<svg").count - 1 == 4, "IOPS, bandwidth, latency, direct/fallback")
        #expect(html.contains("I/Os by path"))
        #expect(html.contains("zfs_direct=standard (direct=standard)"))
        #expect(html.contains("fallback (ARC)"))
        #expect(html.contains("2.3.9-1"), "the environment's ZFS version")
        #expect(html.contains("6.1.0-test"))
    }

    @Test func pageSaysWhyThereIsNoDirectChartWithoutZFS() {
        let html = HTMLReport.render(syntheticCompare(zfs: false))
        #expect(!html.contains("I/Os by path"))
        #expect(html.contains("No ZFS accounting in these runs"))
        #expect(html.components(separatedBy: "<svg").count - 1 == 3)
    }

    @Test func barsCarryTheirIntervalsAndLabelsAreEscaped() {
        var result = syntheticCompare(zfs: false)
        result.cells[0].label = "<b>&"
        let html = HTMLReport.render(result)
        #expect(!html.contains("<b>&"))
        #expect(html.contains("&lt;b&gt;&amp;"))
        // Whiskers: three lines per bar (stem and two caps), drawn in the whisker colour.
        #expect(html.components(separatedBy: "stroke=\"#222\"").count - 1 >= 3 * 3 * 2)
    }

    @Test func latencyCurveIsTheMedianOfTheRuns() {
        let result = syntheticCompare(zfs: false)
        let curve = HTMLReport.medianCurve(job: "rand-read", direction: .read, runs: result.cells[0].runs)
        #expect(curve.map(\.x) == [1, 50, 90, 99, 99.9, 99.99])
        let p50s = result.cells[0].runs.map { Double($0.jobs[0].read.clat.percentiles![50]!) }
        #expect(curve[1].y == Statistics.median(p50s))
    }

    /// Renders the page in a real browser and checks the picture has content: many non-background pixels
    /// and the palette's colours, not a blank or error page.
    @Test(
        .enabled("needs /usr/bin/chromium and python3") {
            FileManager.default.isExecutableFile(atPath: chromiumPath) ? await pythonHas(["zlib"]) : false
        })
    func rendersInHeadlessChromium() async throws {
        let scratch = try TemporaryDirectory("compare-html")
        let dir = scratch.path
        let page = dir + "/report.html"
        try HTMLReport.render(syntheticCompare(zfs: true)).write(toFile: page, atomically: true, encoding: .utf8)
        let stats = try await renderAndMeasure(page: page, in: dir)
        #expect(stats.width == 1400)
        #expect(stats.nonBackground > stats.width * stats.height / 50, "at least 2 % of the page drawn: \(stats)")
        #expect(stats.colours > 50, "text antialiasing and bars give many colours: \(stats)")
        // The bars' colours (Tableau blue, orange, red) appear as solid areas.
        for (name, rgb) in [("blue", (0x4e, 0x79, 0xa7)), ("orange", (0xf2, 0x8e, 0x2b)), ("red", (0xe1, 0x57, 0x59))] {
            #expect(stats.count(of: rgb) > 500, "\(name) bars drawn: \(stats)")
        }
    }
}

/// What a screenshot holds.
struct PictureStats: CustomStringConvertible {
    var width: Int
    var height: Int
    var nonBackground: Int
    var colours: Int
    var top: [String: Int]
    func count(of rgb: (Int, Int, Int)) -> Int { top[String(format: "%02x%02x%02x", rgb.0, rgb.1, rgb.2)] ?? 0 }
    var description: String { "\(width)×\(height), \(nonBackground) non-background pixels, \(colours) colours" }
}

/// Screenshots `page` with headless Chromium and decodes the PNG (python's zlib; no image library needed).
func renderAndMeasure(page: String, in dir: String, height: Int = 1800) async throws -> PictureStats {
    let png = dir + "/shot.png"
    let shot = try await runProgram(
        chromiumPath,
        [
            "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
            "--window-size=1400,\(height)", "--screenshot=\(png)", "file://" + page,
        ], directory: dir)
    guard shot.status == 0, FileManager.default.fileExists(atPath: png) else {
        throw ScriptFailure(message: "chromium failed (\(shot.status)): \(shot.stderr.suffix(500))")
    }
    let out = try await python(
        """
        import sys, zlib, struct, collections, json
        data = open(sys.argv[1], 'rb').read()
        assert data[:8] == b'\\x89PNG\\r\\n\\x1a\\n'
        pos, idat, w = 8, b'', 0
        while pos < len(data):
            n, kind = struct.unpack('>I4s', data[pos:pos + 8]); body = data[pos + 8:pos + 8 + n]; pos += 12 + n
            if kind == b'IHDR': w, h, depth, ctype = struct.unpack('>IIBB', body[:10])
            elif kind == b'IDAT': idat += body
        assert depth == 8 and ctype in (2, 6), (depth, ctype)
        bpp = 3 if ctype == 2 else 4
        raw = zlib.decompress(idat); stride = w * bpp; prev = bytearray(stride); rows = []; i = 0
        for y in range(h):
            f = raw[i]; line = bytearray(raw[i + 1:i + 1 + stride]); i += 1 + stride
            for x in range(stride):
                a = line[x - bpp] if x >= bpp else 0; b = prev[x]; c = prev[x - bpp] if x >= bpp else 0
                if f == 1: line[x] = (line[x] + a) & 255
                elif f == 2: line[x] = (line[x] + b) & 255
                elif f == 3: line[x] = (line[x] + (a + b) // 2) & 255
                elif f == 4:
                    p = a + b - c; pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                    line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
            rows.append(bytes(line)); prev = line
        counts = collections.Counter()
        for line in rows:
            for x in range(0, stride, bpp): counts[line[x:x + 3].hex()] += 1
        background = counts.most_common(1)[0][0]
        print(json.dumps({'w': w, 'h': h, 'non': w * h - counts[background], 'colours': len(counts),
                          'top': dict(counts.most_common(200))}))
        """, [png])
    let object = try JSONSerialization.jsonObject(with: Data(out.utf8)) as? [String: Any] ?? [:]
    return PictureStats(
        width: object["w"] as? Int ?? 0, height: object["h"] as? Int ?? 0,
        nonBackground: object["non"] as? Int ?? 0, colours: object["colours"] as? Int ?? 0,
        top: object["top"] as? [String: Int] ?? [:])
}
