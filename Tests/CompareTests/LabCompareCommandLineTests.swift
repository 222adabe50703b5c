import DiobenchTestSupport
import Foundation
import Testing

/// `lab compare` and a `lab_image` axis refuse what cannot work before building or booting anything.
@Suite struct LabCompareCommandLineTests {
    func refused(_ arguments: [String], saying message: String) async throws {
        let scratch = try TemporaryDirectory("lab-compare-refused")
        let folder = scratch.file("out")
        let output = try await diobench(arguments + ["--output-dir", folder])
        #expect(output.status != 0)
        #expect(output.stderr.contains(message), "stderr: \(output.stderr)")
        #expect(!FileManager.default.fileExists(atPath: folder), "nothing was written")
        #expect(!output.stderr.contains("booting") && !output.stderr.contains("building the guest binary"))
    }

    @Test func imageAndAnImageAxisTogetherAreRefused() async throws {
        try await refused(
            ["lab", "compare", "Jobs/compare-direct.fio", "--image", "base", "--matrix", "lab_image=default,base"],
            saying: "--image base and --matrix lab_image=…: give the images one way")
    }

    @Test func standardInputIsRefusedInTheLab() async throws {
        try await refused(["lab", "compare", "-"], saying: "lab compare copies its job files into the VM")
    }

    @Test func noBootsPerImageIsRefused() async throws {
        try await refused(
            ["compare", "Jobs/compare-direct.fio", "--matrix", "lab_image=default,base", "--boots-per-image", "0"],
            saying: "--boots-per-image must be at least 1")
    }

    @Test func aBadValueOfAnotherAxisFailsBeforeAnyBoot() async throws {
        try await refused(
            [
                "lab", "compare", "Jobs/compare-direct.fio", "--matrix", "lab_image=default,base", "--matrix",
                "direct=0,maybe",
            ],
            saying: "--matrix direct=maybe: option 'direct'")
    }

    @Test func diffCellsNeedsTwoLabels() async throws {
        let output = try await diobench(["diff", "Results/baselines/quickstart", "--cells", "lab_image=a"])
        #expect(output.status != 0)
        #expect(output.stderr.contains("--cells lab_image=a: expected two cell labels"), "stderr: \(output.stderr)")
    }
}
