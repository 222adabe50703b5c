import DiobenchTestSupport
import Foundation
import Testing
import Report
import Stats

/// Our JSON for a job carries every key fio writes for the same job, so tools that read fio's
/// JSON find what they look for.
@Suite("JSON key set against fio")
struct KeySetTests {
    static let job = """
        [global]
        directory=${DIR}
        [keys]
        rw=rw
        bs=4k
        size=1m
        ioengine=psync
        fsync=8
        """

    /// Our run of the same job: real psync I/O on a file, measured by WorkerStats.
    func ourResult() throws -> RunResult {
        let scratch = try TemporaryDirectory("report-keys")
        let dir = scratch.path
        let stats = try RealIO.mixedSequential(path: dir + "/keys.0.0", size: 1 << 20, bs: 4096, fsyncEvery: 8)
        var settings = JobReportSettings()
        settings.fileNames = [dir + "/keys.0.0"]
        let job = JobResult(
            name: "keys", groupID: 0, stats: stats, settings: settings,
            options: ["rw": "rw", "bs": "4k", "size": "1m", "ioengine": "psync", "fsync": "8"])
        return RunResult(diobenchVersion: "test", jobs: [job], globalOptions: ["directory": dir])
    }

    /// Key paths under `jobs[]`, with the values of bins keys (latencies) folded to one name.
    func jobKeyPaths(_ json: [String: Any]) -> Set<String> {
        Set(
            keyPaths(json).compactMap { path -> String? in
                guard path.hasPrefix("jobs[].") else { return nil }
                if let r = path.range(of: ".bins.") { return String(path[..<r.lowerBound]) + ".bins.<ns>" }
                return path
            })
    }

    @Test(.enabled(if: FioProcess.available, "needs fio at /usr/bin/fio"), arguments: [false, true])
    func ourJobKeysContainFios(jsonPlus: Bool) async throws {
        let fio = try await FioProcess.run(
            job: Self.job, arguments: ["--output-format=" + (jsonPlus ? "json+" : "json")])
        #expect(fio.status == 0)
        let fioJSON = try jsonObject(fio.stdout)
        let ours = try ReportRenderer.render(ourResult(), formats: [jsonPlus ? .jsonPlus : .json])
        let ourJSON = try jsonObject(Data(ours.utf8))

        let fioKeys = jobKeyPaths(fioJSON), ourKeys = jobKeyPaths(ourJSON)
        // The read/write objects first, as the issue asks: every fio key, clat_ns percentiles included.
        let rw = fioKeys.filter { $0.hasPrefix("jobs[].read") || $0.hasPrefix("jobs[].write") }
        #expect(rw.contains("jobs[].read.clat_ns.percentile.99.000000"))
        #expect(rw.subtracting(ourKeys).isEmpty, "missing in ours: \(rw.subtracting(ourKeys).sorted())")
        // Then every job-level key fio 3.33 writes for this job.
        #expect(fioKeys.subtracting(ourKeys).isEmpty, "missing in ours: \(fioKeys.subtracting(ourKeys).sorted())")
        if jsonPlus { #expect(ourKeys.contains("jobs[].write.clat_ns.bins.<ns>")) }

        // Top level: everything but disk_util, which needs block-device counters the runner
        // does not collect (fio writes it only when it found a disk to watch).
        let fioTop = Set(fioJSON.keys).subtracting(["disk_util"]), ourTop = Set(ourJSON.keys)
        #expect(fioTop.subtracting(ourTop).isEmpty, "missing top-level: \(fioTop.subtracting(ourTop).sorted())")
        #expect(ourTop.contains("diobench"))
        #expect(ourKeys.contains("jobs[].diobench.runtime_ns"))
    }

    @Test(.enabled(if: FioProcess.available, "needs fio at /usr/bin/fio"))
    func sameJobSameAmountOfIO() async throws {
        let fio = try RunResult.decodeFioOutput(
            try await FioProcess.run(job: Self.job, arguments: ["--output-format=json"]).stdout)
        let ours = try ourResult()
        // rw=rw picks each I/O's direction at random (rwmixread=50), so only the totals compare.
        func total(_ r: RunResult) -> (UInt64, UInt64) {
            (r.jobs[0].read.totalIOs + r.jobs[0].write.totalIOs, r.jobs[0].read.ioBytes + r.jobs[0].write.ioBytes)
        }
        #expect(total(ours) == total(fio))
        #expect(total(ours) == (256, 1 << 20))
    }
}
