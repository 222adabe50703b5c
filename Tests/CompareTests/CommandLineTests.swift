import DiobenchTestSupport
import Foundation
import Stats
import Testing
@testable import Report

/// A short random-read job on a small file in `${DIR}`: half a second, page-cache fast.
let quickReadJob = """
    [global]
    directory=${DIR}
    filename=data.bin
    size=8m
    bs=4k
    ioengine=psync

    [rr]
    rw=randread
    runtime=500ms
    time_based
    """

/// `diobench compare Jobs/compare-direct.fio --matrix direct=0,1 --repeat 3`, run once for the tests that look at it
/// (started by the first to ask; the others await the same task). The task's value keeps the folder's directory.
let compareDirectRun = Task<(output: ProcessOutput, folder: String, directory: TemporaryDirectory), any Error> {
    let directory = try TemporaryDirectory("compare-direct")
    let folder = directory.path
    let output = try await diobench([
        "compare", "Jobs/compare-direct.fio", "--matrix", "direct=0,1", "--repeat", "3",
        "--output-dir", folder,
    ])
    return (output, folder, directory)
}

@Suite(.serialized) struct CommandLineTests {
    // MARK: compare

    @Test func compareDirectProducesTableJSONAndHTML() async throws {
        let (output, folder, _) = try await compareDirectRun.value
        #expect(output.status == 0, "stderr: \(output.stderr)")
        for text in [
            "job 'lay-out'", "job 'rand-read'", "job 'rand-write'", "direct=0", "direct=1", "read IOPS",
            "read bandwidth", "read clat p50", "read clat p99", "read clat p99.9", "CPU per I/O", "3 runs per cell",
        ] {
            #expect(output.stdout.contains(text), "table lacks \(text)")
        }
        #expect(output.stdout.contains("75% confidence"), "3 runs: the table says how much its intervals cover")
        #expect(try String(contentsOfFile: folder + "/table.txt", encoding: .utf8) == output.stdout)

        let result = try ResultLoader.readCompare(folder + "/compare.json")
        #expect(result.cells.map(\.label) == ["direct=0", "direct=1"])
        #expect(result.cells.map(\.runs.count) == [3, 3])
        #expect(result.info.order.map(\.cell) == [0, 1, 0, 1, 0, 1], "interleaved")
        // The runs really happened in that order: their timestamps alternate between the cells.
        let times = result.info.order.enumerated().map { index, slot in
            result.cells[slot.cell].runs[slot.repetition].timestampMs ?? 0
        }
        #expect(times == times.sorted() && Set(times).count == 6, "\(times)")
        // The matrix value reached every job, as the job options of each run show.
        for cell in result.cells {
            let wanted = cell.settings[0].value
            for run in cell.runs {
                #expect(run.jobs.count == 3)
                #expect(run.jobs.allSatisfy { $0.jobOptions?["direct"] == wanted }, "\(cell.label)")
            }
        }
        // And it changed what the runs measured: buffered reads come from the page cache.
        let summary = { (cell: Int) in
            result.cells[cell].summary?.first { $0.job == "rand-read" }?.metrics.first { $0.metric == "read.iops" }?
                .median ?? 0
        }
        #expect(summary(0) > 2 * summary(1), "buffered \(summary(0)) vs direct \(summary(1)) IOPS")

        let html = try String(contentsOfFile: folder + "/report.html", encoding: .utf8)
        #expect(html.contains("<svg"))
        #expect(
            html.contains("No ZFS accounting in these runs"),
            "a plain file: the page says why there is no direct/fallback chart")
        #expect(FileManager.default.fileExists(atPath: folder + "/job-files/compare-direct.fio"))
    }

    @Test(
        .enabled("needs /usr/bin/chromium and python3") {
            FileManager.default.isExecutableFile(atPath: chromiumPath) ? await pythonHas(["zlib"]) : false
        })
    func compareReportRendersInHeadlessChromium() async throws {
        let (_, folder, _) = try await compareDirectRun.value
        let stats = try await renderAndMeasure(page: folder + "/report.html", in: folder)
        #expect(stats.nonBackground > stats.width * stats.height / 50, "\(stats)")
        #expect(stats.colours > 50, "\(stats)")
        #expect(
            stats.count(of: (0x4e, 0x79, 0xa7)) > 500 && stats.count(of: (0xf2, 0x8e, 0x2b)) > 100,
            "both cells' bars: \(stats)")
    }

    @Test func compareRefusesABadMatrixValueBeforeRunningAnything() async throws {
        let scratch = try TemporaryDirectory("compare-bad-matrix", under: TemporaryDirectory.memory)
        let folder = scratch.file("out")
        let output = try await diobench([
            "compare", "Jobs/compare-direct.fio", "--matrix", "direct=0,maybe", "--output-dir", folder,
        ])
        #expect(output.status == 2)
        #expect(output.stderr.contains("--matrix direct=maybe: option 'direct'"), "stderr: \(output.stderr)")
        #expect(!FileManager.default.fileExists(atPath: folder))
        let unknown = try await diobench([
            "compare", "Jobs/compare-direct.fio", "--matrix", "drect=0,1", "--output-dir", folder,
        ])
        #expect(unknown.status == 2)
        #expect(unknown.stderr.contains("did you mean 'direct'?"), "stderr: \(unknown.stderr)")
    }

    /// SIGINT in the middle: the runs so far are written, the cut-short run is left out of the statistics,
    /// and the exit status is 128 + SIGINT.
    @Test func anInterruptedCompareKeepsWhatItHasAndLeavesThePartialRunOut() async throws {
        let scratch = try TemporaryDirectory("compare-interrupt", under: TemporaryDirectory.memory)
        let dir = scratch.path
        let job = try writeJob(
            quickReadJob.replacingOccurrences(of: "runtime=500ms", with: "runtime=2s"), named: "long.fio", in: dir)
        let (p, _) = try await runProgram(
            diobenchBinary, ["compare", job, "--matrix", "bs=4k,8k", "--repeat", "3", "--output-dir", dir + "/out"],
            directory: dir
        ) { child in
            try await Task.sleep(for: .milliseconds(3200))  // into the second run
            try? child.send(SIGINT)
        }
        #expect(p.status == 128 + SIGINT)
        let result = try ResultLoader.readCompare(dir + "/out/compare.json")
        #expect(result.info.interrupted == true)
        let runs = result.cells.flatMap(\.runs)
        #expect(runs.count >= 1 && runs.count < 6)
        let partial = runs.filter { $0.diobench?.partial == true }
        #expect(partial.count == 1, "the run the signal cut short")
        let counted = result.cells.compactMap { $0.summary?.first?.runs }.reduce(0, +)
        #expect(counted == runs.count - 1, "the partial run is not in the statistics")
        let table = try String(contentsOfFile: dir + "/out/table.txt", encoding: .utf8)
        #expect(table.contains("interrupted, and is left out"))
        #expect(table.contains("Interrupted: some cells have fewer runs."))
    }

    // MARK: diff

    @Test func diffOfARunAgainstItselfExitsZero() async throws {
        let scratch = try TemporaryDirectory("compare-self-diff", under: TemporaryDirectory.memory)
        let dir = scratch.path
        let job = try writeJob(quickReadJob, named: "quick.fio", in: dir)
        let run = try await diobench(["run", job, "--save", "--results-dir", dir + "/runs", "--output-format=json"])
        #expect(run.status == 0, "\(run.stderr)")
        let folders = try FileManager.default.contentsOfDirectory(atPath: dir + "/runs")
        let folder = dir + "/runs/" + (try #require(folders.first))
        let diff = try await diobench(["diff", folder, folder])
        #expect(diff.status == 0, "\(diff.stdout)\(diff.stderr)")
        #expect(diff.stdout.contains("no statistics possible"), "one run per side")
        #expect(diff.stdout.contains("Result: no regression"))
        #expect(!diff.stdout.contains("REGRESSION"))
        // The result.json inside works as well as the folder.
        #expect(try await diobench(["diff", folder + "/result.json", folder]).status == 0)
    }

    @Test func diffOfARateCappedCandidateExitsOneAndNamesTheMetric() async throws {
        let scratch = try TemporaryDirectory("compare-slowed", under: TemporaryDirectory.memory)
        let dir = scratch.path
        let job = try writeJob(quickReadJob, named: "quick.fio", in: dir)
        let base = try await diobench(["compare", job, "--repeat", "3", "--output-dir", dir + "/base"])
        #expect(base.status == 0, "\(base.stderr)")
        // The same job held to 500 IOPS, three times.
        let slow = try await diobench([
            "compare", job, "--matrix", "rate_iops=500", "--repeat", "3", "--output-dir", dir + "/slow",
        ])
        #expect(slow.status == 0, "\(slow.stderr)")
        let diff = try await diobench(["diff", dir + "/base", dir + "/slow"])
        #expect(diff.status == 1, "\(diff.stdout)\(diff.stderr)")
        #expect(diff.stdout.contains("Result: "), "\(diff.stdout)")
        #expect(diff.stdout.contains("job 'rr' [rate_iops=500] read IOPS (read.iops): −"), "\(diff.stdout)")
        #expect(diff.stdout.contains("read bandwidth (read.bw)"))
        let iopsLine = try #require(diff.stdout.split(separator: "\n").first { $0.contains("  read IOPS") })
        #expect(
            iopsLine.contains("REGRESSION") && iopsLine.contains(" 0.05 "),
            "3 runs each side, all slower: p = 1/20; \(iopsLine)")

        // The other way round the cap is an improvement in throughput, and no throughput regressed. (Not every
        // metric: the uncapped runs keep the CPUs busy, so on a loaded machine their tail latency can be worse
        // than the capped runs', which is true, not a false alarm.)
        let reverse = try await diobench(["diff", dir + "/slow", dir + "/base", "--metrics", "iops,bw"])
        #expect(reverse.status == 0, "\(reverse.stdout)")
        #expect(reverse.stdout.contains("improvement"))

        // JSON: the same verdicts, machine-readable; the regression still sets the exit status.
        let json = try await diobench(["diff", dir + "/base", dir + "/slow", "--output-format", "json"])
        #expect(json.status == 1)
        let object = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any]
        let rows = try #require(object?["rows"] as? [[String: Any]])
        let iops = try #require(rows.first { $0["metric"] as? String == "read.iops" })
        #expect(iops["verdict"] as? String == "regression")
        #expect((iops["change_percent"] as? Double ?? 0) < -50)
        #expect(json.stderr.contains("regression: job 'rr' read.iops"))
    }

    @Test func diffOfSingleRunsStillCatchesTheCapAgainstTheThreshold() async throws {
        let scratch = try TemporaryDirectory("compare-slowed-single", under: TemporaryDirectory.memory)
        let dir = scratch.path
        let fast = try writeJob(quickReadJob, named: "fast.fio", in: dir)
        let slow = try writeJob(
            quickReadJob.replacingOccurrences(of: "time_based", with: "time_based\nrate_iops=500"), named: "slow.fio",
            in: dir)
        #expect(try await diobench(["run", fast, "--output-format=json", "--output", dir + "/fast.json"]).status == 0)
        #expect(try await diobench(["run", slow, "--output-format=json", "--output", dir + "/slow.json"]).status == 0)
        let diff = try await diobench(["diff", dir + "/fast.json", dir + "/slow.json", "--threshold", "10%"])
        #expect(diff.status == 1, "\(diff.stdout)")
        #expect(diff.stdout.contains("no statistics possible"))
        #expect(diff.stdout.contains("read IOPS (read.iops)"))
        #expect(diff.stdout.contains("threshold ±10%"))
        let bad = try await diobench(["diff", dir + "/fast.json", dir + "/slow.json", "--threshold", "ten"])
        #expect(bad.status != 0 && bad.status != 1, "a bad threshold is a usage error, not a verdict")
    }

    // MARK: fio's JSON

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: fioPath), "needs fio at /usr/bin/fio"))
    func readsFioJSONProducedByTheInstalledFio() async throws {
        let scratch = try TemporaryDirectory("compare-fio-json", under: TemporaryDirectory.memory)
        let dir = scratch.path
        let job = try writeJob(
            quickReadJob.replacingOccurrences(of: "[rr]", with: "[rr]\nfilename=fio.bin"), named: "fio.fio", in: dir)
        let fio = try await runProgram(
            fioPath, ["--output-format=json", "--output=" + dir + "/fio.json", job], directory: dir)
        #expect(fio.status == 0, "\(fio.stderr)")
        let side = try ResultLoader.load(dir + "/fio.json", baselinesDirectory: dir)
        #expect(side.runs.count == 1)
        #expect(side.runs[0].run.fioVersion.hasPrefix("fio-3"))
        #expect(side.environments.isEmpty, "fio records no environment")
        let group = try #require(SampleTable(side.runs).group(cell: "", job: "rr"))
        for metric in ["read.iops", "read.bw", "read.clat_p50", "read.clat_p99", "read.clat_p99.9", "cpu_per_io"] {
            #expect((group.values[metric]?.first ?? 0) > 0, "\(metric) from fio's JSON")
        }
        // fio's own figures, as read: IOPS × block size is the bandwidth.
        let iops = try #require(group.values["read.iops"]?.first), bw = try #require(group.values["read.bw"]?.first)
        #expect(abs(iops * 4096 - bw) / bw < 0.01)

        // Either side of a diff, and a baseline.
        let same = try await diobench(["diff", dir + "/fio.json", dir + "/fio.json"])
        #expect(same.status == 0, "\(same.stdout + same.stderr)")
        let ours = try await diobench(["run", job, "--output-format=json", "--output", dir + "/ours.json"])
        #expect(ours.status == 0)
        // fio's run and ours are compared as any two runs: a verdict (0 or 1, as the figures fall on a loaded
        // machine), never a usage error.
        let mixed = try await diobench(["diff", dir + "/fio.json", dir + "/ours.json", "--threshold", "1000%"])
        #expect(mixed.status == 0 || mixed.status == 1, "\(mixed.stdout + mixed.stderr)")
        #expect(mixed.stdout.contains("only one side records its environment"))
        let saved = try await diobench([
            "baseline", "save", "fio-ref", dir + "/fio.json", "--baselines-dir", dir + "/baselines",
        ])
        #expect(saved.status == 0, "\(saved.stderr)")
        #expect(FileManager.default.fileExists(atPath: dir + "/baselines/fio-ref/samples/01/result.json"))
    }

    // MARK: baselines

    @Test func baselineSaveStoresRunsJobAndEnvironmentAndDiffFindsItByName() async throws {
        let scratch = try TemporaryDirectory("compare-baseline", under: TemporaryDirectory.memory)
        let dir = scratch.path
        let job = try writeJob(quickReadJob, named: "quick.fio", in: dir)
        for _ in 0..<2 {
            #expect(
                try await diobench(["run", job, "--save", "--results-dir", dir + "/runs", "--output-format=json"])
                    .status == 0)
        }
        let runs = try FileManager.default.contentsOfDirectory(atPath: dir + "/runs").sorted().map {
            dir + "/runs/" + $0
        }
        #expect(runs.count == 2)
        let save = try await diobench([
            "baseline", "save", "quick", runs[0], runs[1], "--baselines-dir", dir + "/baselines",
        ])
        #expect(save.status == 0, "\(save.stderr)")
        #expect(save.stdout.contains("saved baseline 'quick'"))
        #expect(save.stdout.contains("2 runs"))
        let folder = dir + "/baselines/quick"
        let fm = FileManager.default
        #expect(fm.fileExists(atPath: folder + "/samples/01/result.json"))
        #expect(fm.fileExists(atPath: folder + "/samples/02/jobs.fio"))
        #expect(fm.fileExists(atPath: folder + "/job-files/quick.fio"))
        let manifest = try #require(BaselineStore.manifest(folder))
        #expect(manifest.samples.map(\.runs) == [1, 1])
        var u = utsname()
        uname(&u)
        let release = withUnsafeBytes(of: u.release) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        #expect(manifest.environment?.kernel == release)
        #expect(manifest.environment?.machine != nil)

        let diff = try await diobench([
            "diff", "quick", runs[1], "--baselines-dir", dir + "/baselines", "--threshold", "1000%",
        ])
        #expect(diff.status == 0, "\(diff.stdout + diff.stderr)")
        #expect(diff.stdout.contains("baseline 'quick' (2 runs)"))
        let list = try await diobench(["baseline", "list", "--baselines-dir", dir + "/baselines"])
        #expect(list.stdout.hasPrefix("quick\t2 runs"))

        let again = try await diobench(["baseline", "save", "quick", runs[0], "--baselines-dir", dir + "/baselines"])
        #expect(again.status == 2)
        #expect(again.stderr.contains("--replace"))
        let missing = try await diobench(["diff", "nosuch", runs[0], "--baselines-dir", dir + "/baselines"])
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("baselines: quick"))
    }

    /// The baseline kept in git stays readable, by name from the package root, and agrees with itself.
    @Test func theQuickstartBaselineInTheRepositoryReads() async throws {
        let manifest = try #require(BaselineStore.manifest(packageRoot + "/Results/baselines/quickstart"))
        #expect(manifest.samples.reduce(0) { $0 + $1.runs } >= 3)
        #expect(manifest.environment?.kernel != nil)
        #expect(manifest.jobFiles == ["quickstart.fio"])
        let diff = try await diobench(["diff", "quickstart", "Results/baselines/quickstart"])
        #expect(diff.status == 0, "\(diff.stdout)\(diff.stderr)")
        for job in ["seq-write", "seq-read", "rand-read-cached", "rand-read-direct", "rand-read-uring"] {
            #expect(diff.stdout.contains("job '\(job)' ("), "\(job)")
        }
        #expect(!diff.stdout.contains("REGRESSION"))
    }

    // MARK: live progress

    /// On a terminal the status line shows (jobs, percent, rates, IOPS, ETA); it goes to stderr, so the JSON
    /// stays pure; with a pipe or --no-progress it is off.
    @Test(
        .enabled(
            if: FileManager.default.isExecutableFile(atPath: "/usr/bin/script"), "needs script(1) for a pseudo-terminal"
        ))
    func progressShowsOnATerminalOnly() async throws {
        let scratch = try TemporaryDirectory("compare-progress", under: TemporaryDirectory.memory)
        let dir = scratch.path
        let job = try writeJob(
            quickReadJob.replacingOccurrences(of: "runtime=500ms", with: "runtime=2500ms"), named: "p.fio", in: dir)
        func underTerminal(_ args: [String]) async throws -> String {
            let command = ([diobenchBinary] + args).map { "'\($0)'" }.joined(separator: " ")
            let out = try await runProgram("/usr/bin/script", ["-qec", command, "/dev/null"], directory: dir)
            #expect(out.status == 0, "\(out.stdout)")
            return out.stdout
        }
        let terminal = try await underTerminal(["run", job, "--output-format=json", "--output", dir + "/tty.json"])
        #expect(terminal.contains("Jobs: 1 (f=1): ["), "\(terminal)")
        #expect(terminal.contains(" IOPS]"))
        #expect(terminal.contains("[eta "))
        let tty = try RunResult.decodeFioOutput(Data(contentsOf: URL(fileURLWithPath: dir + "/tty.json")))
        #expect(tty.jobs.count == 1)

        let quiet = try await underTerminal([
            "run", job, "--no-progress", "--output-format=json", "--output", dir + "/quiet.json",
        ])
        #expect(!quiet.contains("Jobs:"))

        let piped = try await diobench(["run", job, "--output-format=json"], directory: dir)
        #expect(!piped.stderr.contains("Jobs:"))
        #expect(piped.stdout.hasPrefix("{"))
        #expect(try RunResult.decodeFioOutput(Data(piped.stdout.utf8)).jobs.count == 1)

        // compare adds a line per run, on the terminal only.
        let compare = try await underTerminal([
            "compare", job, "--matrix", "bs=4k,8k", "--repeat", "1", "--output-dir", dir + "/cmp",
            "--output-format", "json",
        ])
        #expect(compare.contains("compare: run 1/2: bs=4k, repetition 1 of 1"))
        #expect(compare.contains("compare: run 2/2: bs=8k"))
        #expect(compare.contains("Jobs: 1 (f=1)"))
        let pipedCompare = try await diobench(
            [
                "compare", job, "--matrix", "bs=4k,8k", "--repeat", "1", "--output-dir", dir + "/cmp2",
                "--output-format", "json",
            ], directory: dir)
        #expect(!pipedCompare.stderr.contains("compare: run"))
        #expect(try ResultLoader.readCompare(dir + "/cmp2/compare.json").cells.count == 2)
        #expect(pipedCompare.stdout.hasPrefix("{"))
    }
}
