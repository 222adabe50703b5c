import DiobenchTestSupport
import Foundation
import Testing

/// Issue 15: gtod_reduce, disable_lat/clat/slat and slat_percentiles leave the same statistics in the JSON as
/// fio 3.33 does: which of slat/clat/lat have samples and percentiles, and whether the latency buckets are filled.
@Suite(.enabled(if: fioAvailable, "fio is not installed (apt-get install fio)"))
struct FioMeasurementOptionTests {
    static let options = [
        "", "disable_lat=1", "disable_clat=1", "disable_slat=1", "gtod_reduce=1", "slat_percentiles=1",
        "gtod_reduce=1\nclat_percentiles=1", "disable_bw_measurement=1",
    ]

    /// What the JSON says was measured, for one job's reads.
    struct Measured: Equatable, CustomStringConvertible {
        var samples: [Bool]
        var percentiles: [Bool]
        var bucketsFilled: Bool
        var description: String { "samples \(samples), percentiles \(percentiles), buckets \(bucketsFilled)" }

        init(_ job: [String: Any]) {
            let read = job.object("read")
            let kinds = ["slat_ns", "clat_ns", "lat_ns"]
            samples = kinds.map { read.object($0).number("N") > 0 }
            percentiles = kinds.map { read.object($0)["percentile"] != nil }
            let buckets = ["latency_ns", "latency_us", "latency_ms"].flatMap { job.object($0).values }
            bucketsFilled = buckets.contains { (($0 as? NSNumber)?.doubleValue ?? 0) > 0 }
        }
    }

    @Test(arguments: options)
    func sameStatisticsAsFio(_ option: String) async throws {
        let job = "[job]\nioengine=libaio\niodepth=4\nrw=randread\nbs=4k\nsize=1m\nfilename=data\n\(option)\n"
        let fioDir = try TemporaryDirectory("runner"), ourDir = try TemporaryDirectory("runner")
        let fio = try await runProgram(
            fioPath, ["--output-format=json", try fioDir.write("job.fio", job)], directory: fioDir.path, timeout: 120)
        try #require(fio.status == 0, "fio: \(fio.stderr)")
        let ours = try await diobench(
            ["run", "--output-format=json", try ourDir.write("job.fio", job)], directory: ourDir.path, timeout: 120)
        try #require(ours.status == 0, "diobench: \(ours.stderr)")
        let theirs = try #require(jsonObject(fio.stdout).jobs.first),
            mine = try #require(jsonObject(ours.stdout).jobs.first)
        #expect(Measured(mine) == Measured(theirs))
    }
}
