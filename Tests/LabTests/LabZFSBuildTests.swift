import DiobenchTestSupport
import Foundation
import Lab
import Testing

/// Issue 16: OpenZFS built from source. Lab/ci-lab.sh builds `zfs-2.3.0` (the release with the loop-device
/// crash, issue 16956) and `zfs-2.3.0+fix` (with the upstream fix, PR 17006) from ../shared/zfs-lab/sources;
/// these cases boot them and run the seed job (Jobs/seed-loop-direct-always.fio) on each.
@Suite(
    "lab: ZFS built from source (2.3.0 and 2.3.0+fix)",
    .enabled(if: LabSuiteRun.enabled, LabSuiteRun.disabledReason),
    .enabled(if: LabSourceBuilds.built, LabSourceBuilds.missingReason))
struct LabZFSBuildTests {
    @Test("both images were built from the 2.3.0 tarball; the guest loads 2.3.0, and srcversion tells them apart")
    func images() throws {
        let paths = try LabPaths.locate()
        let plain = try LabVariants.find(paths, LabSourceBuilds.crashing)
        let fixed = try LabVariants.find(paths, LabSourceBuilds.fixed)
        #expect(plain.guestVersion?.hasPrefix("2.3.0") == true, "guest reported \(plain.guestVersion ?? "nothing")")
        #expect(fixed.guestVersion?.hasPrefix("2.3.0") == true, "guest reported \(fixed.guestVersion ?? "nothing")")
        #expect(plain.sourceIdentity == fixed.sourceIdentity, "one tarball")
        #expect(plain.patches.isEmpty && fixed.patches.count == 1)
        #expect(plain.key != fixed.key)
        let (a, b) = (try #require(plain.guestSrcversion), try #require(fixed.guestSrcversion))
        #expect(a != b, "the fix changes the module, so its srcversion")
        #expect(plain.guestSrcversion == plain.moduleSrcversion, "the guest loaded the module that was built")
    }

    @Test("on 2.3.0 the known-crash guard refuses the seed job, reading the module's real version")
    func guardRefuses() async throws {
        let run = try await LabSourceBuilds.labRun(image: LabSourceBuilds.crashing, extra: [])
        #expect(run.status != 0)
        #expect(run.output.contains("refusing"), "\(run.output.suffix(3000))")
        #expect(run.output.contains("OpenZFS 2.3.0"), "the version the guard read: \(run.output.suffix(3000))")
        #expect(!run.output.contains("BUG: kernel NULL pointer dereference"), "refused before any loop device read")
    }

    @Test("on 2.3.0+fix the seed job, overridden as on 2.3.0, runs clean and its loop reads go direct")
    func fixRunsClean() async throws {
        let run = try await LabSourceBuilds.labRun(
            image: LabSourceBuilds.fixed, extra: ["--zfs_allow_known_crash=1", "--output-format=json"])
        #expect(run.status == 0, "\(run.output.suffix(3000))")
        #expect(!run.output.contains("BUG:") && !run.output.contains("Oops"))
        let result = try #require(run.savedResult, "no saved run: \(run.output.suffix(2000))")
        let job = try #require(result["jobs"].array.first { $0["jobname"].string == "seed-loop-read" })
        #expect(job["read"]["total_ios"].int == 64)
        let zfs = job["diobench"]["zfs"]
        #expect(zfs["zfs_version"].string?.hasPrefix("2.3.0") == true, "\(zfs["zfs_version"].string ?? "no version")")
        #expect(zfs["guard_warning"].string?.contains("running anyway") == true, "the override is reported")
        let directReads = try #require(zfs["iostats_delta"]["direct_read_count"].int)
        #expect(directReads >= 512 - 64, "direct_read_count \(directReads)")
        #expect(job["diobench"]["kernel_events"].exists == false)
    }
}

/// The source-built images the lab suite expects, and one `diobench lab run` of the seed job on one.
enum LabSourceBuilds {
    static let crashing = "zfs-2.3.0"
    static let fixed = "zfs-2.3.0+fix"

    static let built: Bool = {
        guard let paths = try? LabPaths.locate() else { return false }
        return (try? LabVariants.find(paths, crashing)) != nil && (try? LabVariants.find(paths, fixed)) != nil
    }()

    static let missingReason: Comment =
        "needs the images zfs-2.3.0 and zfs-2.3.0+fix, which Lab/ci-lab.sh builds from ../shared/zfs-lab/sources (not found or not built here)"

    struct Run {
        var status: Int32
        var output: String
        /// The result.json of the run it saved, if any.
        var savedResult: JSONValue?
    }

    /// `diobench lab run --image IMAGE Jobs/seed-loop-direct-always.fio EXTRA…`, its output and saved result.
    static func labRun(image: String, extra: [String]) async throws -> Run {
        let paths = try LabPaths.locate()
        let results = paths.guestScratchPath + "/lab-source-builds/\(image)-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: results, withIntermediateDirectories: true)
        let arguments = [
            diobenchBinary, "lab", "run", "--package-dir", paths.packageRoot, "--image", image,
            "--results-dir", results, "--timeout", "900", "--console-log", results + ".console.log",
            paths.packageRoot + "/Jobs/seed-loop-direct-always.fio",
        ]
        // Minutes of QEMU, one VM at a time: on a thread of its own, not one of the test pool's.
        let captured = try await onDedicatedThread {
            try LabSuiteRun.oneVMAtATime.withLock { try LabProcess.capture(arguments + extra) }
        }
        print("lab source builds: \(image) \(extra.joined(separator: " ")): status \(captured.status)")
        let runs = (try? FileManager.default.contentsOfDirectory(atPath: results)) ?? []
        let saved = runs.sorted().first.flatMap { run -> JSONValue? in
            guard let data = FileManager.default.contents(atPath: results + "/" + run + "/result.json") else {
                return nil
            }
            return JSONValue(raw: try? JSONSerialization.jsonObject(with: data))
        }
        return Run(status: captured.status, output: captured.output, savedResult: saved)
    }
}

/// What a user sees when their tree does not build: the compiler's own error lines and the log's path.
@Suite("lab: a ZFS source that does not build", .enabled(if: LabSuiteRun.enabled, LabSuiteRun.disabledReason))
struct LabZFSBuildErrorTests {
    @Test("the build's error lines and the log path are shown, exit non-zero, and nothing is listed as built")
    func buildError() async throws {
        let paths = try LabPaths.locate()
        let tree = try TemporaryDirectory("broken-zfs")
        // A tree whose first build step fails as a compiler would: the script runs autogen.sh first.
        try tree.write("autogen.sh", "echo 'module/zfs/arc.c:42:1: error: expected ; before } token' >&2\nexit 1\n")
        let name = "broken-\(UUID().uuidString.prefix(8))"
        let arguments = [
            diobenchBinary, "lab", "build", "--package-dir", paths.packageRoot, "--zfs-source", tree.path,
            "--name", name,
        ]
        let out = try await onDedicatedThread { try LabProcess.capture(arguments) }
        defer { try? FileManager.default.removeItem(atPath: LabVariants.root(paths) + "/.building-" + name) }
        #expect(out.status != 0)
        #expect(out.output.contains("arc.c:42:1: error: expected ; before } token"), "\(out.output.suffix(2000))")
        #expect(out.output.contains("/.building-\(name)/build.log"), "the log's path: \(out.output.suffix(1000))")
        #expect(!LabVariants.all(paths).contains { $0.name == name })
    }
}
