import DiobenchTestSupport
import Foundation
import Testing

/// Issue 15: rate_process against fio 3.33. A time_based, rated job issues about as many I/Os as fio's, and
/// its gaps have the same shape: even under `linear` (coefficient of variation near 0), exponential under
/// `poisson` (near 1). The gaps come from the per-I/O lat log (completion times in ms; psync on tmpfs
/// completes an I/O within microseconds of issuing it, and the mean gap is 10 ms).
@Suite(.enabled(if: fioAvailable, "fio is not installed (apt-get install fio)"))
struct FioRateProcessTests {
    struct Case: CustomStringConvertible, Sendable {
        var process: String
        /// The coefficient of variation of the gaps must fall in this range, for both tools.
        var variation: ClosedRange<Double>
        var description: String { process }
    }

    static let cases = [
        Case(process: "linear", variation: 0...0.3),
        Case(process: "poisson", variation: 0.75...1.35),
    ]

    /// Coefficient of variation of the gaps between the log's times (column 1, ms).
    static func gapVariation(_ logText: String) -> (count: Int, cv: Double) {
        let times = logText.split(separator: "\n").compactMap { Double($0.split(separator: ",")[0]) }
        let gaps = zip(times, times.dropFirst()).map { $1 - $0 }
        guard gaps.count > 1 else { return (times.count, .nan) }
        let mean = gaps.reduce(0, +) / Double(gaps.count)
        let variance = gaps.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(gaps.count)
        return (times.count, variance.squareRoot() / mean)
    }

    @Test(arguments: cases)
    func gapsLikeFio(_ testCase: Case) async throws {
        var ios: [Double] = []
        for tool in [fioPath, diobenchBinary] {
            let dir = try TemporaryDirectory("runner", under: "/dev/shm")
            let job = """
                [t]
                filename=\(dir.path)/data
                size=4m
                rw=randread
                bs=4k
                time_based
                runtime=3
                rate_iops=100
                rate_process=\(testCase.process)
                write_lat_log=g

                """
            let out = try await runProgram(
                tool, (tool == fioPath ? [] : ["run"]) + ["--output-format=json", try dir.write("t.fio", job)],
                directory: dir.path, timeout: 120)
            try #require(out.status == 0, "\(tool): \(out.stderr)")
            let j = try #require(try jsonObject(out.stdout).jobs.first)
            ios.append(j.object("read").number("total_ios"))
            let log = try String(contentsOfFile: dir.path + "/g_lat.1.log", encoding: .utf8)
            let (count, cv) = Self.gapVariation(log)
            #expect(count > 200, "\(tool): \(count) I/Os logged")
            #expect(testCase.variation.contains(cv), "\(tool) \(testCase.process): gap variation \(cv)")
        }
        #expect(abs(ios[1] / ios[0] - 1) <= 0.2, "I/Os: diobench \(ios[1]), fio \(ios[0])")
    }
}
