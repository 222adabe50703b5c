import JobFile
import Testing
@testable import Report

@Suite struct MatrixTests {
    @Test func parsesAnAxis() throws {
        let axis = try MatrixAxis(parsing: "zfs_direct=disabled,standard,always")
        #expect(axis.option == "zfs_direct")
        #expect(axis.values == ["disabled", "standard", "always"])
        // fio's per-direction values contain commas: '|' separates them instead.
        #expect(try MatrixAxis(parsing: "bs=4k,8k|64k,64k").values == ["4k,8k", "64k,64k"])
    }

    @Test(arguments: [
        ("direct", "expected OPTION=v1,v2"),
        ("=0,1", "option name is missing"),
        ("direct=0,,1", "empty value"),
        ("direct=", "empty value"),
        ("direct=0,1,0", "listed twice"),
    ])
    func refusesMalformedAxes(text: String, message: String) {
        #expect {
            try MatrixAxis(parsing: text)
        } throws: { error in
            guard let e = error as? CompareInputError else { return false }
            return e.message.contains(message) && e.message.contains(text)
        }
    }

    @Test func cellsAreTheCartesianProductFirstAxisSlowest() throws {
        let cells = try CompareMatrix.cells([
            MatrixAxis(option: "zfs_direct", values: ["disabled", "standard", "always"]),
            MatrixAxis(option: "ioengine", values: ["psync", "io_uring"]),
        ])
        #expect(cells.count == 6)
        #expect(
            cells.map(\.label) == [
                "zfs_direct=disabled ioengine=psync", "zfs_direct=disabled ioengine=io_uring",
                "zfs_direct=standard ioengine=psync", "zfs_direct=standard ioengine=io_uring",
                "zfs_direct=always ioengine=psync", "zfs_direct=always ioengine=io_uring",
            ])
        #expect(cells[3].value(of: "ioengine") == "io_uring")
        #expect(cells[3].value(of: "zfs_direct") == "standard")
        #expect(Set(cells.map(\.label)).count == 6, "every combination once")
    }

    @Test func noMatrixIsOneCellAsWritten() throws {
        let cells = try CompareMatrix.cells([])
        #expect(cells.count == 1)
        #expect(cells[0].settings.isEmpty)
        #expect(cells[0].label == "as written")
    }

    @Test func anOptionTwiceIsRefused() {
        #expect(throws: CompareInputError.self) {
            try CompareMatrix.cells([
                MatrixAxis(option: "direct", values: ["0"]), MatrixAxis(option: "direct", values: ["1"]),
            ])
        }
    }

    @Test func scheduleInterleavesRounds() {
        let order = CompareMatrix.schedule(cells: 3, repeat: 2)
        #expect(order.map(\.cell) == [0, 1, 2, 0, 1, 2])
        #expect(order.map(\.repetition) == [0, 0, 0, 1, 1, 1])
        // Every cell gets exactly `repeat` runs, and no cell runs twice before every other cell ran once more.
        let long = CompareMatrix.schedule(cells: 4, repeat: 5)
        #expect(long.count == 20)
        for round in 0..<5 {
            #expect(Set(long[(round * 4)..<(round * 4 + 4)].map(\.cell)) == [0, 1, 2, 3])
        }
    }
}

/// `JobFileParser`'s overrides: how `--matrix` values reach the jobs.
@Suite struct OverrideTests {
    let text = """
        [global]
        filename=/tmp/x
        size=1m
        rw=randread

        [a]
        direct=0

        [b]
        bs=8k
        """

    func override(_ name: String, _ value: String?) -> JobOptionOverride {
        JobOptionOverride(name: name, value: value, origin: "--matrix \(name)=\(value ?? "")")
    }

    @Test func appliesToEveryJobAfterItsOwnOptions() throws {
        let parsed = try JobFileParser(environment: [:]).parse(
            text: text, fileName: "t.fio", overrides: [override("direct", "1")])
        #expect(parsed.jobs.map(\.name) == ["a", "b"])
        #expect(parsed.jobs.allSatisfy { $0.direct }, "job a wrote direct=0; the override comes after it")
        #expect(parsed.jobs.allSatisfy { $0.writtenOptions.contains { $0.name == "direct" && $0.value == "1" } })
        #expect(parsed.jobs[1].blockSize[.read] == 8192, "the job's other options stay")
        let plain = try JobFileParser(environment: [:]).parse(text: text, fileName: "t.fio")
        #expect(plain.jobs.allSatisfy { !$0.direct })
    }

    @Test func badValuesFailWithTheParsersErrorNamingTheMatrix() {
        #expect {
            try JobFileParser(environment: [:]).parse(
                text: text, fileName: "t.fio", overrides: [override("direct", "maybe")])
        } throws: { error in
            guard let e = error as? JobFileError else { return false }
            return e.kind == .badValue && e.option == "direct"
                && e.description.hasPrefix("--matrix direct=maybe: option 'direct'")
        }
        #expect {
            try JobFileParser(environment: [:]).parse(
                text: text, fileName: "t.fio", overrides: [override("iodepht", "4")])
        } throws: { error in
            guard let e = error as? JobFileError else { return false }
            return e.kind == .unknownOption && e.suggestion == "iodepth" && e.location.file == "--matrix iodepht=4"
        }
    }

    @Test func crossOptionChecksSeeTheOverride() {
        // rate and rate_iops together are refused, whichever of them came from the matrix.
        let withRate = text.replacingOccurrences(of: "[b]\n", with: "[b]\nrate=1m\n")
        #expect {
            try JobFileParser(environment: [:]).parse(
                text: withRate, fileName: "t.fio", overrides: [override("rate_iops", "100")])
        } throws: { error in
            (error as? JobFileError)?.kind == .conflict
        }
    }
}

@Suite struct FormatTests {
    @Test(arguments: [
        (999.0, MetricUnit.iops, "999"), (12_345, .iops, "12.3k"), (2_500_000, .iops, "2.50M"),
        (4096, .count, "4096"), (22_400, .count, "22.4k"), (1_500_000, .count, "1.50M"),
        (1536, .bytesPerSecond, "1.50KiB/s"), (3 * 1_073_741_824, .bytesPerSecond, "3.00GiB/s"),
        (850, .nanoseconds, "850ns"), (21_200, .nanoseconds, "21.2µs"), (4_120_000, .nanoseconds, "4.12ms"),
        (2.5e9, .nanoseconds, "2.50s"),
    ])
    func valuesReadAsTheirUnit(value: Double, unit: MetricUnit, text: String) {
        #expect(CompareFormat.value(value, unit) == text)
    }

    @Test func intervalsShareTheMediansUnit() {
        let m = MetricSummary(
            metric: "read.clat_p50", median: 21_200, lower: 18_800, upper: 33_600, confidence: 0.75, count: 3)
        #expect(CompareFormat.interval(m, .nanoseconds) == "21.2 [18.8–33.6] µs")
        let one = MetricSummary(
            metric: "read.iops", median: 12_300, lower: 12_300, upper: 12_300, confidence: 0, count: 1)
        #expect(CompareFormat.interval(one, .iops) == "12.3k")
        #expect(CompareFormat.percent(-21.34) == "−21.3%")
        #expect(CompareFormat.percent(172.4) == "+172%")
    }
}
