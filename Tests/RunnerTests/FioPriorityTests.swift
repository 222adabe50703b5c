import DiobenchTestSupport
import Foundation
import Testing

/// Issue 15: prio and prioclass against fio 3.33, under strace: each worker sets the same I/O priority with
/// ioprio_set (IOPRIO_WHO_PROCESS, its own thread) before its I/O, once per worker, and a job without them
/// sets none.
@Suite(
    .enabled(if: fioAvailable, "fio is not installed (apt-get install fio)"),
    .enabled(if: straceAvailable, "strace is not installed (apt-get install strace)"),
    .enabled(if: getuid() == 0, "the realtime class needs root"))
struct FioPriorityTests {
    struct Case: CustomStringConvertible, Sendable {
        var options: String
        /// strace's rendering of the value, once per worker.
        var expected: [String]
        var description: String { options.replacingOccurrences(of: "\n", with: " ") }
    }

    static let cases = [
        Case(options: "prio=3", expected: ["IOPRIO_PRIO_VALUE(IOPRIO_CLASS_BE, 3)"]),
        Case(options: "prioclass=1", expected: ["IOPRIO_PRIO_VALUE(IOPRIO_CLASS_RT, 0)"]),
        Case(
            options: "prioclass=3\nprio=7\nnumjobs=2",
            expected: Array(repeating: "IOPRIO_PRIO_VALUE(IOPRIO_CLASS_IDLE, 7)", count: 2)),
        Case(options: "ioengine=libaio\niodepth=4\nprio=0", expected: ["IOPRIO_PRIO_VALUE(IOPRIO_CLASS_BE, 0)"]),
        Case(options: "", expected: []),
    ]

    @Test(arguments: cases)
    func setsThePriorityLikeFio(_ testCase: Case) async throws {
        for tool in [fioPath, diobenchBinary] {
            let dir = try TemporaryDirectory("runner", under: "/dev/shm")
            let job = "[t]\nfilename=\(dir.path)/data\nsize=256k\nrw=randread\nbs=4k\n\(testCase.options)\n"
            let trace = dir.path + "/trace"
            let out = try await runProgram(
                "/usr/bin/strace",
                ["-ff", "-qq", "-e", "trace=ioprio_set", "-o", trace, tool] + (tool == fioPath ? [] : ["run"])
                    + ["--output-format=json", try dir.write("t.fio", job)],
                directory: dir.path, timeout: 120)
            try #require(out.status == 0, "\(tool): \(out.stderr)")
            // -ff: one file per thread, so two threads' calls are never split into "unfinished" halves.
            var calls: [Substring] = []
            for name in try FileManager.default.contentsOfDirectory(atPath: dir.path) where name.hasPrefix("trace.") {
                calls += try String(contentsOfFile: dir.path + "/" + name, encoding: .utf8).split(separator: "\n")
                    .filter { $0.contains("ioprio_set(") }
            }
            #expect(calls.allSatisfy { $0.contains("IOPRIO_WHO_PROCESS, 0, ") && $0.hasSuffix("= 0") }, "\(calls)")
            let values = calls.compactMap { line -> String? in
                guard let start = line.range(of: "IOPRIO_PRIO_VALUE("), let end = line.range(of: ")) = ") else {
                    return nil
                }
                return String(line[start.lowerBound..<end.lowerBound]) + ")"
            }
            #expect(values == testCase.expected, "\(tool)")
        }
    }

    /// A realtime priority on a thread without the rights fails the job, as in fio; here (root) only the
    /// range checks can be tried: prio 8 and prioclass 4 are refused with the valid range.
    @Test func outOfRangeValuesAreRefused() async throws {
        for option in ["prio=8", "prioclass=4"] {
            let dir = try TemporaryDirectory("runner", under: "/dev/shm")
            let out = try await diobench(
                ["run", try dir.write("t.fio", "[t]\nioengine=null\nsize=1m\n\(option)\n")], directory: dir.path)
            #expect(out.status != 0)
            #expect(out.stderr.contains("out of range"), "\(out.stderr)")
            #expect(out.stderr.contains(option.split(separator: "=")[0]), "\(out.stderr)")
        }
    }
}
