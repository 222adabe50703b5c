import DiobenchTestSupport
import Foundation
import Lab
import Testing

/// `diobench lab compare` across two images, one boot each, on one small job, and `diff --cells` between
/// them: the loop a ZFS developer runs to compare a build with a base. The images: `$DIOBENCH_LAB_COMPARE_IMAGES`,
/// else `zfs-2.3.0,zfs-2.3.0+fix` when both variants are built, else `default,base` (the base image twice, an
/// A/A comparison).
@Suite("lab: compare two images", .enabled(if: LabSuiteRun.enabled, LabSuiteRun.disabledReason))
struct LabCompareTests {
    static func images(_ paths: LabPaths) -> [String] {
        if let list = ProcessInfo.processInfo.environment["DIOBENCH_LAB_COMPARE_IMAGES"] {
            return list.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        }
        let builds = ["zfs-2.3.0", "zfs-2.3.0+fix"]
        let built = Set(LabVariants.all(paths).map(\.name))
        return builds.allSatisfy(built.contains) ? builds : ["default", "base"]
    }

    /// 128k O_DIRECT writes of an 8 MiB file on a dataset of pool lab, then a second of random reads of it.
    static let job = """
        [global]
        zfs_dataset=lab/cmp
        filename=cmp.dat
        size=8m
        bs=128k
        ioengine=psync
        direct=1
        stonewall

        [lay-out]
        rw=write

        [randread]
        rw=randread
        runtime=1
        time_based
        """

    @Test("two images, one boot each: one table with both, the lab facts, and a diff verdict between them")
    func compareTwoImages() async throws {
        let paths = try LabPaths.locate()
        let dir = paths.guestScratchPath + "/lab-compare-test"
        try? FileManager.default.removeItem(atPath: dir)
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let jobPath = dir + "/cmp.fio"
        try Self.job.write(toFile: jobPath, atomically: true, encoding: .utf8)
        let out = dir + "/out"
        let images = Self.images(paths)
        try #require(images.count == 2, "DIOBENCH_LAB_COMPARE_IMAGES names two images, e.g. default,base")
        let (a, b) = (images[0], images[1])
        let arguments = [
            diobenchBinary, "lab", "compare", jobPath, "--matrix", "lab_image=\(a),\(b)", "--repeat", "3",
            "--boots-per-image", "1", "--output-dir", out, "--no-progress", "--package-dir", paths.packageRoot,
            "--image-dir", paths.imageDirectory,
        ]
        // Two boots take minutes (and the lock may be held by another lab test): on a thread of its own.
        let start = Date()
        let status = try await onDedicatedThread {
            try LabSuiteRun.oneVMAtATime.withLock { try LabProcess.stream(arguments) }
        }
        print("lab compare: \(a) vs \(b), one boot each: \(Int(Date().timeIntervalSince(start))) s, status \(status)")
        #expect(status == 0)

        let table = try String(contentsOfFile: out + "/table.txt", encoding: .utf8)
        print(table)
        #expect(table.contains("job 'randread' (3 runs per cell"), "\(table)")
        #expect(table.contains("lab_image=\(a)") && table.contains("lab_image=\(b)"))
        #expect(table.contains("Ran in the lab VM"))
        #expect(table.contains("image \(a): zfs ") && table.contains("; 1 boot"))
        #expect(!table.contains("CRASHED"))
        #expect(FileManager.default.fileExists(atPath: out + "/report.html"))

        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out + "/compare.json")))
        let info = try #require((json as? [String: Any])?["diobench compare"] as? [String: Any])
        let lab = try #require(info["lab"] as? [String: Any])
        #expect((lab["images"] as? [[String: Any]])?.compactMap { $0["name"] as? String } == [a, b])
        #expect((lab["boots"] as? [[String: Any]])?.count == 2)
        #expect(lab["emulated"] as? Bool == (lab["accelerator"] as? String != "kvm"))

        // The verdict between the builds, as a user asks for it.
        let diff = try await diobench([
            "diff", out + "/compare.json", "--cells", "lab_image=\(a),lab_image=\(b)", "--metrics", "iops,bw",
        ])
        print(diff.stdout)
        #expect(diff.status == 0 || diff.status == 1, "\(diff.stderr)")
        #expect(diff.stdout.contains("job 'randread' [lab_image=\(a)] vs cell 'lab_image=\(b)' (3 vs 3 runs)"))
        #expect(diff.stdout.contains("Result:"))
    }
}
