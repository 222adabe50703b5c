import Foundation
import Testing
import Report
import Stats

@Suite("--output-format")
struct OutputFormatTests {
    static func sampleResult() -> RunResult {
        var w = WorkerStats(WorkerStatsConfig(recordsSubmissionLatency: true))
        w.start(atNs: 0)
        for i in 0..<2_000 {
            let t = UInt64(i) * 1_000_000
            w.record(
                i % 4 == 0 ? .write : .read, requested: 4096, result: 4096, offset: UInt64(i) * 4096, fileIndex: 0,
                issueNs: t, submitNs: t + 2_000, completeNs: t + 2_000 + 80_000 + UInt64(i % 100) * 1_000)
        }
        w.finish(atNs: 2_000_000_000)
        var settings = JobReportSettings()
        settings.iodepth = 4
        return RunResult(
            diobenchVersion: "t", jobs: [JobResult(name: "sample", groupID: 0, stats: w, settings: settings)],
            environment: RunEnvironment(kernel: "6.1", hostname: "h"))
    }

    @Test func parsesCommaLists() throws {
        #expect(try OutputFormat.parseList("normal,json") == [.normal, .json])
        #expect(try OutputFormat.parseList("json+") == [.jsonPlus])
        #expect(try OutputFormat.parseList("terse, JSON,terse") == [.terse, .json])
    }

    @Test func rejectsUnknownFormatsNamingTheValidOnes() {
        #expect(throws: OutputFormatError.self) { try OutputFormat.parseList("normal,xml") }
        do {
            _ = try OutputFormat.parseList("normal,xml")
        } catch let e as OutputFormatError {
            #expect(e.description.contains("'xml'") && e.description.contains("normal, json, json+, terse"))
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test func jsonAloneIsOnlyJSON() throws {
        let text = try ReportRenderer.render(Self.sampleResult(), formats: [.json])
        #expect(text.hasPrefix("{\n") && text.hasSuffix("}\n"))
        let object = try jsonObject(Data(text.utf8))
        #expect(object["jobs"] != nil)
        #expect(!text.contains("bins"))
    }

    @Test func jsonPlusAddsBinsThatAddUpToN() throws {
        let text = try ReportRenderer.render(Self.sampleResult(), formats: [.json, .jsonPlus])
        let object = try jsonObject(Data(text.utf8))
        let job = (object["jobs"] as? [[String: Any]])?.first ?? [:]
        let clat = (job["read"] as? [String: Any])?["clat_ns"] as? [String: Any] ?? [:]
        let bins = clat["bins"] as? [String: NSNumber] ?? [:]
        #expect(bins.values.reduce(0) { $0 + $1.intValue } == (clat["N"] as? NSNumber)?.intValue)
        #expect(text.components(separatedBy: "\"fio version\"").count == 2, "one JSON document")
    }

    /// fio 3.33 with `normal,json` (any order) prints the JSON and then the text report;
    /// with terse, the terse lines come first.
    @Test func combinedFormatsFollowFiosOrder() throws {
        let result = Self.sampleResult()
        let a = try ReportRenderer.render(result, formats: [.normal, .json])
        let b = try ReportRenderer.render(result, formats: [.json, .normal])
        #expect(a == b)
        #expect(a.hasPrefix("{\n"))
        let jsonEnd = a.range(of: "\n}\n")!
        #expect(a[jsonEnd.upperBound...].contains("Run status group 0 (all jobs):"))
        let c = try ReportRenderer.render(result, formats: [.json, .terse])
        #expect(c.hasPrefix("3;diobench-t;sample;"))
    }

    @Test(.enabled(if: FioProcess.available, "needs fio at /usr/bin/fio"))
    func fioItselfPutsJSONBeforeText() async throws {
        let out = try await FioProcess.run(
            job: "[o]\ndirectory=${DIR}\nsize=64k\nrw=read\n", arguments: ["--output-format=normal,json"]
        ).text
        let json = out.range(of: "\n{\n")!, text = out.range(of: "Run status group 0")!
        #expect(json.lowerBound < text.lowerBound)
    }

    @Test func ourJSONDecodesBackAndReencodesIdentically() throws {
        let result = Self.sampleResult()
        let first = try ReportRenderer.json(result, bins: true)
        let decoded = try RunResult.decodeFioOutput(Data(first.utf8))
        #expect(decoded.jobs[0].read.totalIOs == 1_500 && decoded.jobs[0].write.totalIOs == 500)
        #expect(decoded.diobench?.environment?.kernel == "6.1")
        #expect(decoded.jobs[0].diobench?.members == 1)
        #expect(try ReportRenderer.json(decoded, bins: true) == first)
        // Foundation's encoder round-trips the model exactly (no %f rounding).
        let viaFoundation = try JSONDecoder().decode(RunResult.self, from: JSONEncoder().encode(result))
        #expect(viaFoundation == result)
    }

    @Test func jsonLooksLikeFios() throws {
        let text = try ReportRenderer.json(Self.sampleResult(), bins: false)
        #expect(text.contains("\n  \"fio version\" : \"diobench-t\",\n"))
        #expect(text.contains("\"99.000000\" : "))
        // fio's key order inside a direction, floats with six decimals.
        let read = text.range(of: "\"read\" : {")!
        let tail = text[read.upperBound...]
        let order = [
            "\"io_bytes\"", "\"io_kbytes\"", "\"bw_bytes\"", "\"bw\"", "\"iops\"", "\"runtime\"", "\"total_ios\"",
            "\"slat_ns\"", "\"clat_ns\"", "\"lat_ns\"", "\"bw_min\"", "\"iops_samples\"",
        ]
        let positions = order.map { tail.range(of: $0)!.lowerBound }
        #expect(positions == positions.sorted())
        #expect(tail.contains("\"iops\" : 750.000000"))
    }
}
