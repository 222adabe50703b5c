import Foundation
import Stats
import Testing
@testable import Report

/// What the guest's `diobench compare --matrix zfs_direct=standard,always --repeat N` writes in one boot:
/// each cell's runs at `speed` (times a small jitter per repetition), in compare's interleaved order.
func guestCompare(speed: Double, repetitions: Int) -> CompareResult {
    let values = ["standard", "always"]
    let jitter = [0.97, 1.0, 1.04, 0.99, 1.02, 0.98]
    let cells = values.enumerated().map { i, value in
        CompareCell(
            label: "zfs_direct=\(value)", settings: [MatrixSetting(option: "zfs_direct", value: value)],
            runs: (0..<repetitions).map { r in
                syntheticRun(speed: speed * (1 + 0.5 * Double(i)) * jitter[r % jitter.count], zfsDirect: value)
            })
    }
    let info = CompareInfo(
        version: "test", jobFiles: ["/mnt/share/jobs/x.fio"],
        matrix: [MatrixAxis(option: "zfs_direct", values: values)], repetitions: repetitions,
        order: CompareMatrix.schedule(cells: 2, repeat: repetitions),
        environment: cells[0].runs.first?.diobench?.environment)
    return CompareResult(info: info, cells: cells)
}

/// The matrix of a two-image lab compare: the images first, then the guest's axis.
let labAxes = [
    MatrixAxis(option: "lab_image", values: ["zfs-2.3.0", "zfs-2.3.0+fix"]),
    MatrixAxis(option: "zfs_direct", values: ["standard", "always"]),
]

func labInfo(_ boots: [CompareLabBoot], accelerator: String = "tcg") -> CompareInfo {
    var info = CompareInfo(
        version: "test", jobFiles: ["x.fio"], matrix: labAxes, repetitions: 3, order: [],
        started: "2026-12-07T16:00:00Z")
    info.lab = CompareLabInfo(
        emulated: accelerator != "kvm", accelerator: accelerator,
        images: [
            CompareLabImage(name: "zfs-2.3.0", zfsVersion: "2.3.0-1", srcversion: "AAA111", kernel: "6.12.117"),
            CompareLabImage(name: "zfs-2.3.0+fix", zfsVersion: "2.3.0-1", srcversion: "BBB222", kernel: "6.12.117"),
        ],
        boots: boots)
    return info
}

let oops = """
    [   41.203117] BUG: kernel NULL pointer dereference, address: 0000000000000008
    [   41.203500] #PF: supervisor read access in kernel mode
    [   41.204000] RIP: 0010:down_read_killable+0x1c/0x60
    [   41.204100] Call Trace:
    [   41.204200]  pin_user_pages_unlocked+0x4d/0x70
    [   41.204300]  zfs_uio_get_dio_pages_alloc+0x9a/0x1c0 [zfs]
    """

@Suite struct LabCompareTests {
    @Test func bootsAlternateTheImagesAndShareTheRepetitionsOut() {
        let plan = CompareLabPlan.boots(images: ["A", "B"], repeat: 5, bootsPerImage: 2)
        #expect(plan.map(\.image) == ["A", "B", "B", "A"])
        #expect(plan.map(\.repetitions) == [3, 3, 2, 2])
        // Three boots each: A B, B A, A B; 6 repetitions, 2 a boot.
        let three = CompareLabPlan.boots(images: ["A", "B"], repeat: 6, bootsPerImage: 3)
        #expect(three.map(\.image) == ["A", "B", "B", "A", "A", "B"])
        #expect(three.allSatisfy { $0.repetitions == 2 })
        // Never more boots than repetitions, never a boot with none.
        #expect(CompareLabPlan.boots(images: ["A", "B"], repeat: 1, bootsPerImage: 4).map(\.repetitions) == [1, 1])
        #expect(CompareLabPlan.defaultBootsPerImage(repeat: 1) == 1)
        #expect(CompareLabPlan.defaultBootsPerImage(repeat: 6) == 2)
        // One image (lab compare --image): its boots in a row.
        #expect(CompareLabPlan.boots(images: ["default"], repeat: 4, bootsPerImage: 2).map(\.repetitions) == [2, 2])
    }

    @Test func splittingTheMatrixLeavesTheGuestItsOwnAxes() {
        let (guest, images) = CompareLabPlan.split(labAxes)
        #expect(guest == [labAxes[1]])
        #expect(images == ["zfs-2.3.0", "zfs-2.3.0+fix"])
        #expect(CompareLabPlan.split([labAxes[1]]).images == nil)
    }

    /// Four boots (old 2 reps, fix 2, fix 1, old 1) become one cell per image × zfs_direct with all 3 runs.
    func mergedFourBoots(fixSpeed: Double) throws -> CompareResult {
        let plan = CompareLabPlan.boots(images: ["zfs-2.3.0", "zfs-2.3.0+fix"], repeat: 3, bootsPerImage: 2)
        let boots = plan.map { CompareLabBoot(image: $0.image, repetitions: $0.repetitions, status: 0, seconds: 60) }
        let results = plan.map { boot in
            CompareLabPlan.BootResult(
                image: boot.image,
                result: guestCompare(speed: boot.image == "zfs-2.3.0" ? 1 : fixSpeed, repetitions: boot.repetitions))
        }
        return try CompareLabPlan.merge(axes: labAxes, boots: results, info: labInfo(boots))
    }

    @Test func bootsMergeIntoOneCellPerImageAndSetting() throws {
        let merged = try mergedFourBoots(fixSpeed: 1)
        #expect(
            merged.cells.map(\.label) == [
                "lab_image=zfs-2.3.0 zfs_direct=standard", "lab_image=zfs-2.3.0 zfs_direct=always",
                "lab_image=zfs-2.3.0+fix zfs_direct=standard", "lab_image=zfs-2.3.0+fix zfs_direct=always",
            ])
        #expect(merged.cells.map(\.runs.count) == [3, 3, 3, 3])
        #expect(merged.cells.map(\.boots) == [2, 2, 2, 2])
        #expect(merged.info.matrix == labAxes)
        // The order runs were made in: boot 1 (old, 2 rounds of its 2 cells), boot 2 (fix), boot 3 (fix), boot 4 (old).
        #expect(merged.info.order.count == 12)
        #expect(merged.info.order.prefix(4).map(\.cell) == [0, 1, 0, 1])
        #expect(merged.info.order[4..<8].map(\.cell) == [2, 3, 2, 3])
        #expect(merged.info.order.suffix(2) == [RunSlot(cell: 0, repetition: 2), RunSlot(cell: 1, repetition: 2)])
        #expect(merged.cells.allSatisfy { $0.summary?.first?.runs == 3 })
        #expect(merged.info.environment != nil)

        let table = CompareTable.render(merged)
        #expect(table.contains("timings are EMULATED"), "\(table)")
        #expect(table.contains("image zfs-2.3.0+fix: zfs 2.3.0-1 (srcversion BBB222), kernel 6.12.117; 2 boots"))
        #expect(table.contains("3 runs per cell"))
        #expect(!table.contains("CRASHED"))
    }

    @Test func theJSONKeepsTheLabFactsAndDiffJudgesOneImageAgainstTheOther() throws {
        // The fixed build reads 30 % slower in every run: the diff between the images' cells says so.
        let merged = try mergedFourBoots(fixSpeed: 0.7)
        let json = try merged.json()
        let object = try #require(
            try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        let info = try #require(object["diobench compare"] as? [String: Any])
        let lab = try #require(info["lab"] as? [String: Any])
        #expect(lab["emulated"] as? Bool == true)
        #expect(lab["accelerator"] as? String == "tcg")
        #expect((lab["boots"] as? [Any])?.count == 4)
        #expect(((lab["images"] as? [[String: Any]])?.first?["srcversion"]) as? String == "AAA111")

        var back = try #require(try CompareResult.decodeIfCompare(Data(json.utf8)))
        #expect(back.info.lab == merged.info.lab)
        // The fixed build's runs say which ZFS they ran on: the diff shows each side's.
        for c in 2...3 {
            for r in back.cells[c].runs.indices {
                back.cells[c].runs[r].diobench?.environment?.zfsVersion = "2.3.0-fix"
            }
        }
        #expect(back.cells.map(\.boots) == merged.cells.map(\.boots))
        let side = ResultSide(description: "compare.json", runs: back.labeledRuns, leaves: [])
        let diff = try DiffReport.diff(
            baseline: side, candidate: side,
            cells: ("lab_image=zfs-2.3.0 zfs_direct=always", "lab_image=zfs-2.3.0+fix zfs_direct=always"))
        #expect(diff.regressions.contains { $0.metric == "read.iops" })
        #expect(diff.baselineEnvironment?.zfsVersion == "2.3.9-1")
        #expect(diff.candidateEnvironment?.zfsVersion == "2.3.0-fix")
        let text = DiffReport.text(diff)
        #expect(
            text.contains(
                "[lab_image=zfs-2.3.0 zfs_direct=always] vs cell 'lab_image=zfs-2.3.0+fix zfs_direct=always'"),
            "\(text)")
        // The images named alone: every zfs_direct cell of one against its twin of the other.
        let both = try DiffReport.diff(
            baseline: side, candidate: side, cells: ("lab_image=zfs-2.3.0", "lab_image=zfs-2.3.0+fix"))
        #expect(
            Set(both.rows.map { "\($0.baselineCell) > \($0.candidateCell)" }) == [
                "lab_image=zfs-2.3.0 zfs_direct=standard > lab_image=zfs-2.3.0+fix zfs_direct=standard",
                "lab_image=zfs-2.3.0 zfs_direct=always > lab_image=zfs-2.3.0+fix zfs_direct=always",
            ])
        #expect(Set(both.regressions.map(\.baselineCell)).count == 2)
        // A setting no cell has: the cells are listed.
        #expect(throws: CompareInputError.self) {
            try DiffReport.diff(baseline: side, candidate: side, cells: ("lab_image=zfs-2.2", "lab_image=zfs-2.3.0"))
        }
        // The same image against itself: no change.
        let same = try DiffReport.diff(
            baseline: side, candidate: side,
            cells: ("lab_image=zfs-2.3.0 zfs_direct=standard", "lab_image=zfs-2.3.0 zfs_direct=standard"))
        #expect(same.regressions.isEmpty)
    }

    /// Boot 2 (the first of 2.3.0) crashes: its cells are CRASHED, its second boot is skipped, the other image's
    /// cells keep all their runs.
    func crashedCompare() throws -> CompareResult {
        let crash = try #require(CrashSummary.read(image: "zfs-2.3.0", crashFile: nil, console: oops))
        let boots = [
            CompareLabBoot(image: "zfs-2.3.0+fix", repetitions: 2, status: 0, seconds: 60),
            CompareLabBoot(image: "zfs-2.3.0", repetitions: 2, status: 125, seconds: 50, crashed: true),
            CompareLabBoot(image: "zfs-2.3.0", repetitions: 1, skipped: true),
            CompareLabBoot(image: "zfs-2.3.0+fix", repetitions: 1, status: 0, seconds: 40),
        ]
        let results = [
            CompareLabPlan.BootResult(image: "zfs-2.3.0+fix", result: guestCompare(speed: 1, repetitions: 2)),
            CompareLabPlan.BootResult(image: "zfs-2.3.0", result: nil, crash: crash),
            CompareLabPlan.BootResult(image: "zfs-2.3.0+fix", result: guestCompare(speed: 1, repetitions: 1)),
        ]
        return try CompareLabPlan.merge(axes: labAxes, boots: results, info: labInfo(boots))
    }

    @Test func aCrashedImageShowsAsCrashedInTheTable() throws {
        let merged = try crashedCompare()
        #expect(merged.cells.map { $0.crash != nil } == [true, true, false, false])
        #expect(merged.cells.map(\.runs.count) == [0, 0, 3, 3])
        #expect(merged.cells.map(\.boots) == [1, 1, 2, 2])
        let table = CompareTable.render(merged)
        let first = "BUG: kernel NULL pointer dereference, address: 0000000000000008"
        // The crashed cells' columns say CRASHED, each with the crash's first line below the job.
        let rows = table.split(separator: "\n")
        let iops = try #require(rows.first { $0.hasPrefix("read IOPS") })
        #expect(iops.components(separatedBy: "CRASHED").count - 1 == 2, "\(table)")
        #expect(table.contains("lab_image=zfs-2.3.0 zfs_direct=standard: CRASHED (\(first))"), "\(table)")
        #expect(table.contains("CRASHED: image zfs-2.3.0: \(first)"))
        #expect(table.contains("job 'rand-read' (3 runs per cell, 2 crashed cells without; median [interval])"))
        #expect(
            table.contains(
                "image zfs-2.3.0: zfs 2.3.0-1 (srcversion AAA111), kernel 6.12.117; 1 boot, 1 skipped after a crash"))
    }

    @Test func aCrashIsAnObjectInTheJSONAndAMarkerInTheHTML() throws {
        let merged = try crashedCompare()
        let json = try merged.json()
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        let cells = try #require(object["cells"] as? [[String: Any]])
        let crash = try #require(cells[0]["crash"] as? [String: Any])
        #expect(crash["image"] as? String == "zfs-2.3.0")
        #expect(crash["first_line"] as? String == "BUG: kernel NULL pointer dereference, address: 0000000000000008")
        #expect((crash["detail"] as? String)?.contains("zfs_uio_get_dio_pages_alloc") == true)
        #expect(cells[2]["crash"] == nil)
        let back = try #require(try CompareResult.decodeIfCompare(Data(json.utf8)))
        #expect(back.cells[1].crash == merged.cells[1].crash)

        let html = HTMLReport.render(merged)
        #expect(html.contains("<span class=\"crashed\">CRASHED: BUG: kernel NULL pointer dereference"))
        #expect(html.contains("<td class=\"crashed\""))
        #expect(html.contains("<pre class=\"crash\">"))
        #expect(html.contains("zfs_uio_get_dio_pages_alloc"))
        #expect(html.contains("timings are EMULATED"))
        #expect(html.contains("1 (1 skipped after a crash)"))
    }

    @Test func everyImageCrashedStillSaysWhich() throws {
        let crash = CrashSummary(image: "default", firstLine: "Kernel panic - not syncing: Fatal exception")
        var info = labInfo([CompareLabBoot(image: "default", repetitions: 1, status: 125, crashed: true)])
        info.lab?.images = [CompareLabImage(name: "default", zfsVersion: "2.3.9-1")]
        let axes = [labAxes[1]]
        info.matrix = axes
        let merged = try CompareLabPlan.merge(
            axes: axes, boots: [.init(image: "default", result: nil, crash: crash)], info: info)
        #expect(merged.cells.allSatisfy { $0.crash == crash && $0.boots == 1 })
        let table = CompareTable.render(merged)
        #expect(table.contains("CRASHED: image default: Kernel panic - not syncing: Fatal exception"), "\(table)")
    }

    @Test func theCrashReadsTheGuestsReportFirstThenTheConsole() throws {
        let file =
            "job: loop-read\nBUG: kernel NULL pointer dereference, address: 0000000000000008\nRIP: down_read_killable\n"
        let fromFile = try #require(CrashSummary.read(image: "a", crashFile: file, console: "Kernel panic - x"))
        #expect(fromFile.job == "loop-read")
        #expect(fromFile.firstLine == "BUG: kernel NULL pointer dereference, address: 0000000000000008")
        #expect(fromFile.detail?.contains("RIP: down_read_killable") == true)
        let fromConsole = try #require(CrashSummary.read(image: "a", crashFile: nil, console: "boot\n" + oops))
        #expect(fromConsole.firstLine == "BUG: kernel NULL pointer dereference, address: 0000000000000008")
        #expect(fromConsole.detail?.hasPrefix("[   41.203117] BUG:") == true)
        #expect(CrashSummary.read(image: "a", crashFile: nil, console: "all fine\nreboot: Power down\n") == nil)
        // The serial console's CR LF line ends: the first line is one line.
        let serial = try #require(
            CrashSummary.read(image: "a", crashFile: nil, console: oops.replacingOccurrences(of: "\n", with: "\r\n")))
        #expect(serial.firstLine == "BUG: kernel NULL pointer dereference, address: 0000000000000008")
        #expect(serial.detail?.split(separator: "\n").count == 6)
        // A crash file in another shape: its first line.
        #expect(
            CrashSummary.read(image: "a", crashFile: "\nguest hung in D state\n", console: nil)?.firstLine
                == "guest hung in D state")
    }

    @Test func howABootEndedFromItsStatusCrashFileAndConsole() {
        func end(_ status: Int32, file: String? = nil, console: String? = nil) -> CrashSummary.BootEnd {
            CrashSummary.bootEnd(image: "a", status: status, crashFile: file, console: console, timeoutSeconds: 900)
        }
        #expect(end(0, console: oops) == .finished(status: 0))
        #expect(end(1) == .finished(status: 1))
        #expect(end(130) == .interrupted)
        #expect(end(2) == .failed(status: 2))
        #expect(end(3) == .failed(status: 3))
        // The guest's crash file wins over a clean status; an oops on the console explains a dead VM.
        guard case .crashed(let fromFile) = end(0, file: "job: r\nBUG: x\n") else {
            Issue.record("a crash file is a crash")
            return
        }
        #expect(fromFile.firstLine == "BUG: x" && fromFile.job == "r")
        guard case .crashed(let died) = end(125, console: oops) else {
            Issue.record("status 125 with an oops is a crash")
            return
        }
        #expect(died.firstLine.hasPrefix("BUG: kernel NULL pointer dereference"))
        #expect(end(3, console: oops) != .failed(status: 3))
        #expect(
            end(124)
                == .crashed(
                    CrashSummary(
                        image: "a", firstLine: "the VM timed out after 900 s with no kernel report on the console")
                ))
        #expect(
            end(137)
                == .crashed(
                    CrashSummary(
                        image: "a", firstLine: "the VM ended with status 137 and no kernel report on the console")))
    }

    @Test func aGuestCellTheMatrixDoesNotHaveIsRefused() {
        var odd = guestCompare(speed: 1, repetitions: 1)
        odd.cells[0].settings = [MatrixSetting(option: "zfs_direct", value: "disabled")]
        odd.cells[0].label = "zfs_direct=disabled"
        #expect(throws: CompareInputError.self) {
            try CompareLabPlan.merge(
                axes: labAxes, boots: [.init(image: "zfs-2.3.0", result: odd)], info: labInfo([]))
        }
    }

    @Test func underKVMTheTimingsAreNotCalledEmulated() throws {
        var merged = try mergedFourBoots(fixSpeed: 1)
        merged.info.lab?.emulated = false
        merged.info.lab?.accelerator = "kvm"
        #expect(!CompareTable.render(merged).contains("EMULATED"))
        #expect(CompareTable.render(merged).contains("lab VM (kvm)"))
    }
}
