import DiobenchTestSupport
import Foundation
import Testing

/// Issue 15, beyond the comparison with fio's files (FioLogFileTests): fio's own log readers take our files, a
/// run stopped by a signal still writes them, and the options parse and fail with the file, line and option.
@Suite
struct FioLogToolTests {
    let files = FioLogFileTests()
    func logs(in directory: String) throws -> [String: FioLogFileTests.Log] { try files.logs(in: directory) }
    func ios(_ job: [String: Any]) -> Int { files.ios(job) }

    /// fio's own log readers (installed with the fio package, gzipped in its docs) read our files as they read
    /// fio's. fiologparser.py 3.33 still expects four columns (before the prio column): it fails on both tools'
    /// files alike, and reads both once that column is cut (its -a; -A needs python 2). fiologparser_hist.py
    /// (numpy, pandas) reads the histogram logs and gives sane percentiles.
    @Test(
        .enabled(if: fioAvailable, "fio is not installed (apt-get install fio)"),
        .enabled("needs fio's log parsers and python3 with numpy and pandas") { await logParsersAvailable() })
    func fioLogParsersReadOurLogs() async throws {
        let tools = try TemporaryDirectory("runner")
        for script in ["fiologparser.py", "fiologparser_hist.py"] {
            let out = try await runProgram(
                "/bin/sh", ["-c", "zcat /usr/share/doc/fio/\(script).gz > \(script)"],
                directory: tools.path)
            try #require(out.status == 0, "\(out.stderr)")
        }
        let job = """
            [a]
            ioengine=psync
            filename=${DIR}/data
            size=2m
            bs=4k
            rw=randread
            rate_iops=1000
            write_lat_log
            write_hist_log
            log_hist_msec=200
            """
        let fioDir = try TemporaryDirectory("runner"), ourDir = try TemporaryDirectory("runner")
        for dir in [fioDir, ourDir] {
            let path = try dir.write("job.fio", job.replacingOccurrences(of: "${DIR}", with: dir.path))
            let out =
                dir === fioDir
                ? try await runProgram(fioPath, ["--output-format=json", path], directory: dir.path)
                : try await diobench(["run", "--output-format=json", path], directory: dir.path)
            try #require(out.status == 0, "\(out.stderr)")
        }
        let parser = tools.path + "/fiologparser.py", histParser = tools.path + "/fiologparser_hist.py"
        let theirs = try await runProgram(logParserPython, [parser, "-a", "a_clat.1.log"], directory: fioDir.path)
        let mine = try await runProgram(logParserPython, [parser, "-a", "a_clat.1.log"], directory: ourDir.path)
        #expect(mine.status == theirs.status, "fiologparser.py: ours \(mine.stderr), fio's \(theirs.stderr)")
        var averageRows: [Int] = []
        for dir in [fioDir, ourDir] {
            let cut = try await runProgram(
                "/bin/sh", ["-c", "sed 's/, [0-9]*$//' a_clat.1.log > four.log"], directory: dir.path)
            try #require(cut.status == 0)
            let values = try logs(in: dir.path)["a_clat.1.log"]!.map { Double($0[1])! }
            // -a: "end-time, average" per second of the run (its -A needs python 2).
            let out = try await runProgram(logParserPython, [parser, "-a", "four.log"], directory: dir.path)
            #expect(out.status == 0, "\(out.stderr)")
            let rows = out.stdout.split(separator: "\n").map {
                $0.components(separatedBy: ",").compactMap { Double($0.trimmingCharacters(in: .whitespaces)) }
            }
            averageRows.append(rows.count)
            for row in rows {
                #expect(row.count == 2 && (values.min()!...values.max()!).contains(row[1]), "\(row)")
            }
        }
        #expect(averageRows[1] > 0 && abs(averageRows[0] - averageRows[1]) <= 1, "rows: fio, ours \(averageRows)")
        var histRows: [Int] = []
        for dir in [fioDir, ourDir] {
            let out = try await runProgram(logParserPython, [histParser, "a_clat_hist.1.log"], directory: dir.path)
            #expect(out.status == 0, "\(out.stderr)")
            let rows = out.stdout.split(separator: "\n").dropFirst().map {
                $0.components(separatedBy: ",").compactMap { Double($0.trimmingCharacters(in: .whitespaces)) }
            }
            histRows.append(rows.count)
            for row in rows {
                // end-time, samples, min, avg, median, 90%, 95%, 99%, max: latencies between 1 µs and 1 s.
                #expect(row.count == 9 && row[1] > 0, "\(row)")
                #expect(row[2] <= row[4] && row[4] <= row[8] && row[2] >= 1000 && row[8] < 1e9, "\(row)")
            }
        }
        #expect(histRows[1] > 0 && abs(histRows[0] - histRows[1]) <= 1, "fiologparser_hist rows: fio, ours \(histRows)")
    }

    /// A run stopped by SIGINT writes its logs too: the partial run's lines, one per I/O it reports.
    @Test func partialRunWritesLogs() async throws {
        let dir = try TemporaryDirectory("runner")
        let job = try dir.write(
            "job.fio",
            "[p]\nioengine=psync\nfilename=\(dir.path)/data\nsize=1m\nbs=4k\nrw=randread\nrate_iops=500\n"
                + "time_based\nruntime=60\nwrite_iops_log\n")
        let (out, _) = try await runProgram(
            diobenchBinary, ["run", "--output-format=json", job], directory: dir.path, timeout: 60
        ) { child in
            try await Task.sleep(for: .seconds(2))
            try child.send(SIGINT)
        }
        #expect(out.status == 128 + SIGINT, "\(out.stderr)")
        let lines = try logs(in: dir.path)["p_iops.1.log"] ?? []
        #expect(!lines.isEmpty)
        #expect(lines.count == ios(try jsonObject(out.stdout).jobs[0]))
    }

    /// The options parse as fio's: a bare write_*_log names the files after the job; errors name the line.
    @Test func optionsResolveAndRefuse() async throws {
        let dir = try TemporaryDirectory("runner")
        let good = try dir.write(
            "good.fio", "[j]\nsize=1m\nwrite_lat_log\nwrite_bw_log=pre\nlog_avg_msec=50\nlog_offset=1\nper_job_logs=0\n"
        )
        let shown = try await diobench(["run", "--parse-only", good], directory: dir.path)
        #expect(shown.status == 0, "\(shown.stderr)")
        for line in ["write_lat_log=j", "write_bw_log=pre", "log_avg_msec=50", "log_offset=1", "per_job_logs=0"] {
            #expect(shown.stdout.contains(line), "\(line) in \(shown.stdout)")
        }
        let bad = try dir.write("bad.fio", "[j]\nsize=1m\nwrite_hist_log\nlog_hist_coarseness=7\n")
        let refused = try await diobench(["run", bad], directory: dir.path)
        #expect(refused.status == 2)
        #expect(
            refused.stderr.contains("bad.fio:4") && refused.stderr.contains("log_hist_coarseness"), "\(refused.stderr)")
        #expect(refused.stderr.contains("0 to 6"), "\(refused.stderr)")
    }
}

/// The first python3 on PATH (a pyenv shim may carry numpy and pandas where /usr/bin/python3 does not).
let logParserPython: String = {
    let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
    for dir in path.split(separator: ":") where FileManager.default.isExecutableFile(atPath: "\(dir)/python3") {
        return "\(dir)/python3"
    }
    return "/usr/bin/python3"
}()

/// fio's gzipped log parsers, and a python3 with numpy and pandas: what `fioLogParsersReadOurLogs` needs.
func logParsersAvailable() async -> Bool {
    let docs = "/usr/share/doc/fio/"
    guard FileManager.default.fileExists(atPath: docs + "fiologparser.py.gz"),
        FileManager.default.fileExists(atPath: docs + "fiologparser_hist.py.gz")
    else { return false }
    let out = try? await runProgram(logParserPython, ["-c", "import numpy; import pandas"])
    return out?.status == 0
}
