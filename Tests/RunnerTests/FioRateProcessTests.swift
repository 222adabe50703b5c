import DiobenchTestSupport
import Foundation
import Testing

/// Issue 15: rate_process against fio 3.33. A time_based, rated job issues about as many I/Os as fio's, and
/// its gaps have the same shape: even under `linear`, exponential under `poisson`. The gaps come from the
/// per-I/O lat log (completion times in ms; psync on tmpfs completes an I/O within microseconds of issuing
/// it), with a mean of 20 ms. On a loaded machine a late worker catches up in a burst of short gaps, which
/// ruins a coefficient of variation; the shares below hold up: of gaps within 15% of the mean (exponential:
/// about 7%; even: most), and of gaps under half the mean (exponential: 1 - e^-0.5, about 39%; even: only
/// the catch-up bursts).
@Suite(.enabled(if: fioAvailable, "fio is not installed (apt-get install fio)"))
struct FioRateProcessTests {
    struct Case: CustomStringConvertible, Sendable {
        var process: String
        var nearMean: ClosedRange<Double>
        var short: ClosedRange<Double>
        var description: String { process }
    }

    static let cases = [
        Case(process: "linear", nearMean: 0.5...1, short: 0...0.25),
        Case(process: "poisson", nearMean: 0...0.25, short: 0.25...0.6),
    ]

    /// The log's times (column 1, ms): how many, and the shares of their gaps near the mean and under half of it.
    static func gapShape(_ logText: String) -> (count: Int, nearMean: Double, short: Double) {
        let times = logText.split(separator: "\n").compactMap { Double($0.split(separator: ",")[0]) }
        let gaps = zip(times, times.dropFirst()).map { $1 - $0 }
        guard gaps.count > 1 else { return (times.count, .nan, .nan) }
        let mean = gaps.reduce(0, +) / Double(gaps.count)
        let near = gaps.filter { abs($0 - mean) <= 0.15 * mean }.count
        let short = gaps.filter { $0 < mean / 2 }.count
        return (times.count, Double(near) / Double(gaps.count), Double(short) / Double(gaps.count))
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
                runtime=4
                rate_iops=50
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
            let shape = Self.gapShape(log)
            #expect(shape.count > 150, "\(tool): \(shape.count) I/Os logged")
            #expect(testCase.nearMean.contains(shape.nearMean), "\(tool) \(testCase.process): \(shape)")
            #expect(testCase.short.contains(shape.short), "\(tool) \(testCase.process): \(shape)")
        }
        #expect(abs(ios[1] / ios[0] - 1) <= 0.2, "I/Os: diobench \(ios[1]), fio \(ios[0])")
    }
}
