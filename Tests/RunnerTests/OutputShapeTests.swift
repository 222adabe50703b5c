import DiobenchTestSupport
import Foundation
import Testing

/// Issue 2: our JSON carries every key fio's JSON has for the same job (tools that read fio's JSON
/// read ours), stdout holds only the JSON, and `--save` writes the run under Results/runs.
@Suite(.enabled(if: fioAvailable, "fio is not installed (apt-get install fio)"))
struct OutputShapeTests {
    static let job = """
        [global]
        directory=${DIR}
        filename=data
        size=4m
        [seq-write]
        rw=write
        bs=128k
        [mixed]
        stonewall
        rw=randrw
        bs=4k
        ioengine=io_uring
        iodepth=4
        fsync=32
        """

    /// Key paths under jobs[i], e.g. "read.clat_ns.percentile.99.000000".
    func keyPaths(_ value: Any, prefix: String = "") -> Set<String> {
        var out = Set<String>()
        if let object = value as? [String: Any] {
            for (key, child) in object {
                let path = prefix.isEmpty ? key : prefix + "." + key
                out.insert(path)
                out.formUnion(keyPaths(child, prefix: path))
            }
        }
        return out
    }

    func run(_ format: String) async throws -> (fio: [[String: Any]], ours: [[String: Any]], ourStdout: String) {
        let fioDir = try TemporaryDirectory("runner"), ourDir = try TemporaryDirectory("runner")
        let fio = try await runProgram(
            fioPath,
            [
                "--output-format=\(format)",
                try fioDir.write("j.fio", Self.job.replacingOccurrences(of: "${DIR}", with: fioDir.path)),
            ])
        let ours = try await diobench([
            "run", "--output-format=\(format)",
            try ourDir.write("j.fio", Self.job.replacingOccurrences(of: "${DIR}", with: ourDir.path)),
        ])
        try #require(fio.status == 0 && ours.status == 0, "fio: \(fio.stderr) diobench: \(ours.stderr)")
        return (try jsonObject(fio.stdout).jobs, try jsonObject(ours.stdout).jobs, ours.stdout)
    }

    @Test(arguments: ["json", "json+"])
    func jobKeysCoverFios(_ format: String) async throws {
        let (fio, ours, stdout) = try await run(format)
        #expect(stdout.hasPrefix("{"), "stdout must be the JSON alone")
        #expect(ours.count == fio.count)
        // Percentile keys and json+ bin keys are values (latencies), not names: compare their presence, not their set.
        func names(_ job: [String: Any]) -> Set<String> {
            Set(keyPaths(job).filter { !$0.contains(".bins.") && !$0.contains(".percentile.") })
        }
        for (theirs, mine) in zip(fio, ours) {
            let missing = names(theirs).subtracting(names(mine))
                // Keys fio 3.33 writes only for features diobench does not implement.
                .filter { !$0.hasPrefix("job options.") }
            #expect(missing.isEmpty, "keys fio has and we lack: \(missing.sorted())")
            for direction in ["read", "write"] where (theirs.object(direction).number("total_ios")) > 0 {
                let fioPercentiles = Set(theirs.object(direction).object("clat_ns").object("percentile").keys)
                let ourPercentiles = Set(mine.object(direction).object("clat_ns").object("percentile").keys)
                #expect(fioPercentiles == ourPercentiles, "\(direction) clat_ns percentile keys")
                if format == "json+" {
                    #expect(!(mine.object(direction).object("clat_ns").object("bins")).isEmpty, "json+ bins")
                }
            }
        }
    }

    @Test func saveWritesResultAndResolvedJobs() async throws {
        let dir = try TemporaryDirectory("runner")
        let job = try dir.write("j.fio", "[tiny]\ndirectory=\(dir.path)\nsize=256k\nrw=read\n")
        let out = try await diobench([
            "run", "--save", "--results-dir", dir.path + "/Results/runs", "--output-format=json", job,
        ])
        #expect(out.status == 0, "\(out.stderr)")
        let runs = try FileManager.default.contentsOfDirectory(atPath: dir.path + "/Results/runs")
        try #require(runs.count == 1)
        #expect(runs[0].hasSuffix("-tiny"))
        let folder = dir.path + "/Results/runs/" + runs[0]
        let saved = try jsonObject(try String(contentsOfFile: folder + "/result.json", encoding: .utf8))
        #expect(saved.jobs.first?.object("read").number("io_bytes") == 262_144)
        let resolved = try String(contentsOfFile: folder + "/jobs.fio", encoding: .utf8)
        #expect(resolved.contains("[tiny]") && resolved.contains("size"))
    }

    @Test func parseOnlyPrintsResolvedJobsAndRunsNothing() async throws {
        let dir = try TemporaryDirectory("runner")
        let job = try dir.write("j.fio", "[global]\nbs=64k\n[a]\ndirectory=\(dir.path)\nsize=1m\nrw=write\n")
        let out = try await diobench(["run", "--parse-only", job])
        #expect(out.status == 0)
        #expect(out.stdout.contains("[a]"))
        #expect(out.stdout.contains("65536") || out.stdout.contains("64k"))
        #expect(!FileManager.default.fileExists(atPath: dir.path + "/a.0.0"), "--parse-only must not create files")
    }
}
