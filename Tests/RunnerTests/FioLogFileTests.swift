import DiobenchTestSupport
import Foundation
import Testing

/// Issue 15: fio's log files. fio 3.33 and diobench run the same job text, each in its own directory (log files
/// land in the working directory), and leave the same files with lines of the same shape: per-I/O logs one
/// line per I/O (total_ios), the same columns (time, value, ddir, bs[, offset], prio), the same directions,
/// block sizes and offsets.
@Suite(.enabled(if: fioAvailable, "fio is not installed (apt-get install fio)"))
struct FioLogFileTests {
    /// One log file: its lines, each split into columns.
    typealias Log = [[String]]

    struct Run {
        var logs: [String: Log]
        var jobs: [[String: Any]]
    }

    /// Runs `job` (with `${DIR}` replaced by the tool's directory) under fio and diobench.
    func runBoth(_ job: String, seed: [String: String] = [:]) async throws -> (fio: Run, ours: Run) {
        let fioDir = try TemporaryDirectory("runner"), ourDir = try TemporaryDirectory("runner")
        for (name, text) in seed {
            _ = try fioDir.write(name, text)
            _ = try ourDir.write(name, text)
        }
        let fioJob = try fioDir.write("job.fio", job.replacingOccurrences(of: "${DIR}", with: fioDir.path))
        let ourJob = try ourDir.write("job.fio", job.replacingOccurrences(of: "${DIR}", with: ourDir.path))
        let fio = try await runProgram(fioPath, ["--output-format=json", fioJob], directory: fioDir.path)
        try #require(fio.status == 0, "fio failed: \(fio.stderr)")
        let ours = try await diobench(["run", "--output-format=json", ourJob], directory: ourDir.path)
        try #require(ours.status == 0, "diobench failed: \(ours.stderr)")
        return (
            Run(logs: try logs(in: fioDir.path), jobs: try jsonObject(fio.stdout).jobs),
            Run(logs: try logs(in: ourDir.path), jobs: try jsonObject(ours.stdout).jobs)
        )
    }

    func logs(in directory: String) throws -> [String: Log] {
        var result: [String: Log] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: directory) where name.hasSuffix(".log") {
            let text = try String(contentsOfFile: directory + "/" + name, encoding: .utf8)
            result[name] = text.split(separator: "\n").map { $0.components(separatedBy: ", ") }
        }
        return result
    }

    func ios(_ job: [String: Any]) -> Int {
        Int(job.object("read").number("total_ios") + job.object("write").number("total_ios"))
    }

    /// How many lines of each direction (column 3).
    func directions(_ log: Log) -> [String: Int] {
        log.reduce(into: [:]) { $0[$1[2], default: 0] += 1 }
    }

    @Test func perIOLogsPsync() async throws {
        let job = """
            [global]
            ioengine=psync
            filename=${DIR}/data
            size=256k
            bs=4k
            write_lat_log
            write_bw_log=bwp
            write_iops_log
            write_hist_log
            [a]
            rw=randrw
            numjobs=2
            [b]
            rw=read
            bs=8k
            """
        let (fio, ours) = try await runBoth(job)
        #expect(ours.logs.keys.sorted() == fio.logs.keys.sorted())
        #expect(
            ours.logs.keys.sorted() == [
                "a_clat.1.log", "a_clat.2.log", "a_clat_hist.1.log", "a_clat_hist.2.log", "a_iops.1.log",
                "a_iops.2.log", "a_lat.1.log", "a_lat.2.log", "a_slat.1.log", "a_slat.2.log", "b_clat.3.log",
                "b_clat_hist.3.log", "b_iops.3.log", "b_lat.3.log", "b_slat.3.log", "bwp_bw.1.log", "bwp_bw.2.log",
                "bwp_bw.3.log",
            ])
        for (name, theirs) in fio.logs {
            let mine = ours.logs[name] ?? []
            #expect(mine.count == theirs.count, "\(name): lines")
            #expect(Set(mine.map(\.count)) == Set(theirs.map(\.count)), "\(name): columns")
            #expect(Set(mine.map { $0.dropFirst(3) }) == Set(theirs.map { $0.dropFirst(3) }), "\(name): bs, prio")
            // Per-I/O logs: one line per I/O of the worker (jobs[] holds the workers in order, as N counts).
            if let number = Int(name.split(separator: ".")[1]), !name.contains("slat"), !name.contains("hist") {
                #expect(mine.count == ios(ours.jobs[number - 1]), "\(name): total_ios")
            }
            if name.hasPrefix("b_") { #expect(directions(mine) == directions(theirs), "\(name): ddir") }
        }
        // The values mean the same: iops lines are 1, lat is at least clat, bw is bytes × 10^6 / clat ns.
        #expect(ours.logs["a_iops.1.log"]!.allSatisfy { $0[1] == "1" })
        let lat = ours.logs["b_lat.3.log"]!, clat = ours.logs["b_clat.3.log"]!, bw = ours.logs["bwp_bw.3.log"]!
        for i in lat.indices {
            #expect(UInt64(lat[i][1])! >= UInt64(clat[i][1])!)
            #expect(UInt64(bw[i][1])! == 8192 * 1_000_000 / UInt64(clat[i][1])!)
        }
        let clatMean = ours.jobs[2].object("read").object("clat_ns").number("mean")
        let logMean = Double(clat.map { UInt64($0[1])! }.reduce(0, +)) / Double(clat.count)
        #expect(abs(logMean - clatMean) <= clatMean * 0.01, "clat log mean \(logMean), JSON \(clatMean)")
    }

    /// io_uring: slat lines too; log_offset adds the offset column, which holds the same offsets (the random
    /// map visits every block once); per_job_logs=0 appends every clone to one file that is not truncated first;
    /// disable_bw leaves the per-I/O bandwidth log empty.
    @Test func offsetsSharedFileAndSlat() async throws {
        let job = """
            [global]
            ioengine=io_uring
            iodepth=4
            filename=${DIR}/data
            size=256k
            bs=4k
            per_job_logs=0
            log_offset=1
            write_lat_log
            write_bw_log
            disable_bw=1
            [a]
            rw=randwrite
            numjobs=2
            """
        let (fio, ours) = try await runBoth(job, seed: ["a_lat.log": "kept line\n"])
        #expect(ours.logs.keys.sorted() == fio.logs.keys.sorted())
        #expect(ours.logs.keys.sorted() == ["a_bw.log", "a_clat.log", "a_lat.log", "a_slat.log"])
        #expect(ours.logs["a_bw.log"]!.isEmpty && fio.logs["a_bw.log"]!.isEmpty)
        #expect(ours.logs["a_lat.log"]!.first == ["kept line"])
        let total = ours.jobs.map(ios).reduce(0, +)
        #expect(total == 128)
        for name in ["a_clat.log", "a_slat.log"] {
            let mine = ours.logs[name]!, theirs = fio.logs[name]!
            #expect(mine.count == total && theirs.count == total, "\(name)")
            #expect(mine.allSatisfy { $0.count == 6 } && theirs.allSatisfy { $0.count == 6 }, "\(name): columns")
            #expect(directions(mine) == ["1": total] && directions(theirs) == ["1": total], "\(name)")
            // Two clones, each writing every block of the file once.
            let offsets = mine.map { UInt64($0[4])! }.sorted(), theirOffsets = theirs.map { UInt64($0[4])! }.sorted()
            #expect(offsets == theirOffsets, "\(name): offsets")
            #expect(Set(offsets) == Set(stride(from: UInt64(0), to: 262_144, by: 4096)))
        }
    }

    /// fio 3.33's disable_bw only stops per-I/O bandwidth lines: with log_avg_msec the averaged ones stay.
    @Test func disableBandwidthKeepsAveragedLines() async throws {
        let job = """
            [a]
            ioengine=psync
            filename=${DIR}/data
            size=1m
            bs=4k
            rw=read
            rate_iops=500
            disable_bw=1
            log_avg_msec=100
            write_bw_log
            """
        let (fio, ours) = try await runBoth(job)
        for run in [fio, ours] {
            let lines = run.logs["a_bw.1.log"] ?? []
            #expect(!lines.isEmpty && lines.allSatisfy { $0.count == 5 && $0[2] == "0" && $0[3] == "0" }, "\(lines)")
        }
    }

    /// log_unix_epoch and log_alternate_epoch: times are a clock's ms at the job's start plus the ms since, in
    /// both tools (the wall clock; CLOCK_MONOTONIC for log_alternate_epoch_clock_id=1).
    @Test func epochClocks() async throws {
        let job = """
            [global]
            ioengine=psync
            filename=${DIR}/data
            size=64k
            bs=4k
            rw=read
            write_iops_log
            [a]
            log_unix_epoch=1
            [b]
            log_alternate_epoch=1
            log_alternate_epoch_clock_id=1
            """
        func clockMs(_ id: clockid_t) -> Double {
            var ts = timespec()
            clock_gettime(id, &ts)
            return Double(ts.tv_sec) * 1000 + Double(ts.tv_nsec) / 1e6
        }
        // Each clock read before and after both runs: however long the runs waited for a CPU, their times lie
        // between the two readings.
        let wallBefore = clockMs(CLOCK_REALTIME), monotonicBefore = clockMs(CLOCK_MONOTONIC)
        let (fio, ours) = try await runBoth(job)
        let wall = clockMs(CLOCK_REALTIME), monotonic = clockMs(CLOCK_MONOTONIC)
        for run in [fio, ours] {
            let a = (run.logs["a_iops.1.log"] ?? []).map { Double($0[0])! }
            let b = (run.logs["b_iops.2.log"] ?? []).map { Double($0[0])! }
            #expect(a.count == 16 && b.count == 16)
            // Milliseconds are whole in the logs: allow one below the earlier reading.
            #expect(a.allSatisfy { $0 <= wall && $0 >= wallBefore - 1 }, "\(a), between \(wallBefore) and \(wall)")
            #expect(
                b.allSatisfy { $0 <= monotonic && $0 >= monotonicBefore - 1 },
                "\(b), between \(monotonicBefore) and \(monotonic)")
        }
    }

    /// Sequential reads log their offsets in order: 0, bs, 2 bs, … in both tools; the null engine too.
    @Test(arguments: ["psync", "null"])
    func sequentialOffsets(_ engine: String) async throws {
        let job = """
            [seq]
            ioengine=\(engine)
            filename=${DIR}/data
            size=128k
            bs=16k
            rw=read
            log_offset=1
            write_iops_log
            """
        let (fio, ours) = try await runBoth(job)
        let expected = (0..<8).map { String($0 * 16384) }
        #expect(fio.logs["seq_iops.1.log"]?.map { $0[4] } == expected)
        #expect(ours.logs["seq_iops.1.log"]?.map { $0[4] } == expected)
        #expect(
            ours.logs["seq_iops.1.log"]?.map { Array($0[1...3]) }
                == fio.logs["seq_iops.1.log"]?.map { Array($0[1...3]) })
    }

    /// N counts workers over the whole run (a stonewall phase goes on from the one before); ramp_time's I/O is
    /// not logged (the epoch restarts with the statistics); verify's read-back is, as in fio.
    @Test func numberingRampAndVerify() async throws {
        let job = """
            [global]
            ioengine=psync
            filename=${DIR}/data
            size=256k
            bs=4k
            write_iops_log
            [r]
            rw=randread
            rate_iops=400
            ramp_time=300ms
            runtime=1s
            time_based
            [v]
            stonewall
            rw=write
            verify=crc32c
            """
        let (fio, ours) = try await runBoth(job)
        #expect(ours.logs.keys.sorted() == ["r_iops.1.log", "v_iops.2.log"])
        #expect(fio.logs.keys.sorted() == ours.logs.keys.sorted())
        for (index, name) in ["r_iops.1.log", "v_iops.2.log"].enumerated() {
            #expect(ours.logs[name]?.count == ios(ours.jobs[index]), "\(name)")
            #expect(fio.logs[name]?.count == ios(fio.jobs[index]), "\(name)")
        }
        #expect(directions(ours.logs["v_iops.2.log"]!) == ["0": 64, "1": 64])
        #expect(directions(fio.logs["v_iops.2.log"]!) == ["0": 64, "1": 64])
        // After the ramp the log starts again near 0 ms, not at 300.
        #expect(ours.logs["r_iops.1.log"]!.first.map { Int($0[0])! < 100 } ?? false)
    }

    /// log_avg_msec: one line per direction and window (bs 0), at about every 200 ms; lat logs also close their
    /// last window at the end, bw/iops logs drop it. log_hist_msec: one histogram line per direction and interval,
    /// 1856 >> 2 bins, counts adding up to at most the I/Os.
    @Test func averagedAndHistogramLogs() async throws {
        let job = """
            [a]
            ioengine=psync
            filename=${DIR}/data
            size=1m
            bs=4k
            rate_iops=200
            runtime=1050ms
            time_based
            rw=randrw
            log_avg_msec=200
            write_lat_log
            write_bw_log
            write_iops_log
            write_hist_log
            log_hist_msec=300
            log_hist_coarseness=2
            """
        let (fio, ours) = try await runBoth(job)
        #expect(ours.logs.keys.sorted() == fio.logs.keys.sorted())
        for name in ["a_bw.1.log", "a_iops.1.log", "a_lat.1.log", "a_clat.1.log"] {
            let mine = ours.logs[name] ?? [], theirs = fio.logs[name] ?? []
            // Timing on a busy machine may move a window edge: a line either way.
            #expect(abs(mine.count - theirs.count) <= 2, "\(name): \(mine.count) lines, fio \(theirs.count)")
            #expect(mine.allSatisfy { $0.count == 5 && $0[3] == "0" && $0[4] == "0" }, "\(name)")
            #expect(Set(directions(mine).keys) == ["0", "1"], "\(name)")
            let times = mine.map { Int($0[0])! }
            #expect(times.first.map { $0 >= 200 } ?? false, "\(name): \(times)")
            #expect(times == times.sorted(), "\(name)")
        }
        // 200 I/Os per second per direction: the averaged rates are near it (each window may stall or catch up
        // on a busy machine; their mean may not).
        func mean(_ name: String) -> Double {
            let values = (ours.logs[name] ?? []).map { Double($0[1])! }
            #expect(values.allSatisfy { $0 > 0 }, "\(name): \(values)")
            return values.reduce(0, +) / Double(max(values.count, 1))
        }
        #expect((150...250).contains(mean("a_iops.1.log")))
        #expect((600...1000).contains(mean("a_bw.1.log")))
        // lat logs: the last window closes when the job ends (about 1050 ms).
        #expect(ours.logs["a_lat.1.log"]!.suffix(2).allSatisfy { Int($0[0])! >= 1000 })
        let hist = ours.logs["a_clat_hist.1.log"]!, theirHist = fio.logs["a_clat_hist.1.log"]!
        #expect(abs(hist.count - theirHist.count) <= 2, "histogram lines \(hist.count), fio \(theirHist.count)")
        #expect(hist.allSatisfy { $0.count == 3 + 464 } && theirHist.allSatisfy { $0.count == 3 + 464 })
        let counted = hist.map { $0.dropFirst(3).map { Int($0)! }.reduce(0, +) }.reduce(0, +)
        #expect(counted > 0 && counted <= ios(ours.jobs[0]), "\(counted) latencies in the histogram log")
    }
}
