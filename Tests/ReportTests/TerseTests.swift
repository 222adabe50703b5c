import Foundation
import Testing
import Report
import Stats

@Suite("terse output")
struct TerseTests {
    static let job = """
        [global]
        directory=${DIR}
        size=2m
        bs=4k
        [terse-a]
        rw=randrw
        ioengine=psync
        [terse-b]
        description=with a description
        rw=write
        ioengine=io_uring
        iodepth=4
        """

    @Test func ourLineHasFioFieldCountAndOrder() throws {
        var w = WorkerStats()
        w.start(atNs: 1_000)
        for i in 0..<100 {
            w.record(
                i % 2 == 0 ? .read : .write, requested: 4096, result: 4096, offset: 0, fileIndex: 0,
                issueNs: 1_000, submitNs: 1_000, completeNs: 1_000 + 50_000 + UInt64(i))
        }
        w.finish(atNs: 10_000_000)
        let result = RunResult(
            diobenchVersion: "t", jobs: [JobResult(name: "j", groupID: 3, stats: w)], environment: nil)
        let fields = TerseReport.line(result.jobs[0], fioVersion: result.fioVersion).split(
            separator: ";", omittingEmptySubsequences: false)
        #expect(fields.count == TerseReport.baseFieldCount)
        #expect(
            fields[0] == "3" && fields[1] == "diobench-t" && fields[2] == "j" && fields[3] == "3" && fields[4] == "0")
        #expect(fields[5] == "200", "read KiB: 50 × 4 KiB")
        #expect(fields[17] == "1.000000%=50", "first read clat percentile, in µs")
        #expect(fields[36] == "0%=0", "unused percentile slots")
        #expect(fields[46] == "200", "write KiB")
    }

    /// fio prints terse and JSON from the same run with `--output-format=terse,json`; our terse
    /// line rendered from that JSON must equal fio's own line field by field. Two fields are
    /// computed by fio from unrounded numbers we only have rounded (bw aggregate %, and the
    /// first µs latency bucket into which terse folds the ns buckets): those match within 0.01.
    @Test(.enabled(if: FioProcess.available, "needs fio at /usr/bin/fio"))
    func renderedFromFioJSONEqualsFiosTerse() async throws {
        let out = try await FioProcess.run(job: Self.job, arguments: ["--output-format=terse,json"])
        #expect(out.status == 0)
        let text = out.text
        let fioLines = text.split(separator: "\n").filter { $0.hasPrefix("3;") }.map(String.init)
        let result = try RunResult.decodeFioOutput(out.stdout)
        let ours = TerseReport.render(result).split(separator: "\n").map(String.init)
        #expect(fioLines.count == 2 && ours.count == 2)
        for (fioLine, ourLine) in zip(fioLines, ours) {
            let a = fioLine.split(separator: ";", omittingEmptySubsequences: false)
            let b = ourLine.split(separator: ";", omittingEmptySubsequences: false)
            #expect(a.count == b.count, "field count")
            let approximate: Set<Int> = [43, 84, 99]  // read bw agg %, write bw agg %, lat ≤2 µs
            for i in 0..<min(a.count, b.count) where a[i] != b[i] {
                let x = Double(a[i].hasSuffix("%") ? a[i].dropLast() : a[i])
                let y = Double(b[i].hasSuffix("%") ? b[i].dropLast() : b[i])
                if approximate.contains(i), let x, let y {
                    #expect(abs(x - y) <= 0.011, "field \(i + 1): fio \(a[i]) vs ours \(b[i])")
                } else if let x, let y, a[i].contains("."), abs(x - y) <= 1.1e-6 {
                    // fio prints µs means with %f from its unrounded double; we have the JSON's
                    // ns value rounded to 6 decimals: the last digit may differ.
                    continue
                } else {
                    Issue.record("field \(i + 1) differs: fio '\(a[i])' vs ours '\(b[i])'")
                }
            }
        }
        #expect(ours[1].hasSuffix(";with a description"))
    }

    @Test func storedFioTerseHasTheDocumentedShape() throws {
        let lines = try Fixtures.text("fio-3.33/fio-3.33.terse.txt").split(separator: "\n")
        let counts = lines.map { $0.split(separator: ";", omittingEmptySubsequences: false).count }
        // 121 fields + one disk (9 fields); the job with a description has one more.
        #expect(counts == [130, 130, 131])
    }
}
