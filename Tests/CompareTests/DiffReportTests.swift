import Stats
import Testing
@testable import Report

/// How `diff` pairs the two sides' runs, on synthetic compare results (3 cells × 3 runs).
@Suite struct DiffReportTests {
    func side(_ result: CompareResult, _ name: String) -> ResultSide {
        ResultSide(description: name, runs: result.labeledRuns, leaves: [])
    }

    @Test func twoComparesWithTheSameCellsAreComparedCellByCell() throws {
        let base = syntheticCompare(zfs: true)
        let diff = try DiffReport.diff(baseline: side(base, "a"), candidate: side(base, "b"))
        #expect(
            Set(diff.rows.map(\.baselineCell)) == ["zfs_direct=disabled", "zfs_direct=standard", "zfs_direct=always"])
        #expect(diff.rows.allSatisfy { $0.baselineCell == $0.candidateCell })
        #expect(diff.regressions.isEmpty)
        #expect(diff.rows.allSatisfy { $0.verdict == .noChange })
        #expect(diff.rows.contains { $0.metric == "zfs.fallback" })
    }

    @Test func aSlowerCellIsNamedInTheRegression() throws {
        let base = syntheticCompare(zfs: false)
        var slow = base
        // The 'always' cell loses 30 % of its IOPS in every run.
        for r in slow.cells[2].runs.indices { slow.cells[2].runs[r].jobs[0].read.iops *= 0.7 }
        let diff = try DiffReport.diff(baseline: side(base, "a"), candidate: side(slow, "b"))
        #expect(diff.regressions.map(\.metric) == ["read.iops"])
        #expect(diff.regressions.first?.candidateCell == "zfs_direct=always")
        let text = DiffReport.text(diff)
        #expect(text.contains("job 'rand-read' [zfs_direct=always] read IOPS (read.iops): −30.0%"), "\(text)")
    }

    @Test func cellPicksOneCellAgainstPlainRuns() throws {
        let compare = syntheticCompare(zfs: false)
        let plain = ResultSide(
            description: "plain", runs: compare.cells[1].runs.map { LabeledRun(cell: "", run: $0) }, leaves: [])
        #expect(throws: CompareInputError.self) { try DiffReport.diff(baseline: side(compare, "c"), candidate: plain) }
        let diff = try DiffReport.diff(baseline: side(compare, "c"), candidate: plain, cell: "zfs_direct=standard")
        #expect(diff.rows.allSatisfy { $0.baselineCell == "zfs_direct=standard" && $0.candidateCell == "" })
        #expect(diff.regressions.isEmpty, "the same runs")
        #expect(
            diff.notes.contains {
                $0.contains("comparing cell 'zfs_direct=standard' of the baseline with the plain runs")
            })
        #expect {
            try DiffReport.diff(baseline: side(compare, "c"), candidate: plain, cell: "zfs_direct=sometimes")
        } throws: { error in
            (error as? CompareInputError)?.message.contains("'zfs_direct=always'") == true
        }
    }

    @Test func jobsOnOneSideOnlyAndEnvironmentChangesAreNoted() throws {
        let base = syntheticCompare(zfs: false)
        var other = base
        for c in other.cells.indices {
            for r in other.cells[c].runs.indices {
                other.cells[c].runs[r].jobs[0].jobname = "renamed"
                other.cells[c].runs[r].diobench?.environment?.kernel = "6.2.0-other"
            }
        }
        let diff = try DiffReport.diff(baseline: side(base, "a"), candidate: side(other, "b"))
        #expect(diff.rows.isEmpty)
        #expect(diff.notes.contains { $0.contains("job 'rand-read' [zfs_direct=disabled] is only in the baseline") })
        #expect(diff.notes.contains { $0.contains("job 'renamed' [zfs_direct=disabled] is only in the candidate") })
        #expect(diff.notes.contains("kernel differs: baseline 6.1.0-test, candidate 6.2.0-other"))
        #expect(diff.notes.contains { $0.contains("nothing was compared") })
    }

    @Test func failedJobsAreLeftOutOfTheSamples() {
        var result = syntheticCompare(zfs: false)
        result.cells[0].runs[1].jobs[0].error = 5
        let table = SampleTable(result.labeledRuns)
        let group = table.group(cell: "zfs_direct=disabled", job: "rand-read")
        #expect(group?.values["read.iops"]?.count == 2)
        #expect(group?.failedRuns == 1)
    }
}
