import Foundation
import Testing

/// Issue 15: the job files of OpenZFS's performance suite (Debian's zfs-test package), unchanged, with the
/// variables the suite sets, under fio and diobench on datasets made as the suite makes them.
@Suite(
    "lab: OpenZFS's performance suite under fio and diobench",
    .enabled(if: LabSuiteRun.enabled, LabSuiteRun.disabledReason))
struct LabPerfSuiteTests {
    static let timedJobs = [
        "random_reads", "sequential_reads", "random_writes", "sequential_writes", "random_readwrite",
        "random_readwrite_fixed", "sequential_readwrite",
    ]

    func evidence() async throws -> CaseEvidence {
        let run = try await CaseEvidence("perf-suite")
        try #require(!FileManager.default.fileExists(atPath: run.directory + "/missing"), "\(run.read("missing"))")
        return run
    }

    /// `mkfiles-<tool>.txt`: name -> (size, sha256, gzip -1 size).
    func files(_ run: CaseEvidence, _ tool: String) throws -> [String: (size: Int, sha: String, gzip: Int)] {
        var out: [String: (Int, String, Int)] = [:]
        for line in try run.lines("mkfiles-\(tool).txt") {
            let f = line.split(separator: " ").map(String.init)
            if f.count == 4, let size = Int(f[1]), let gzip = Int(f[3]) { out[f[0]] = (size, f[2], gzip) }
        }
        return out
    }

    @Test("the suite's eight job files are there, as the package installs them")
    func jobsInstalled() async throws {
        let jobs = try await evidence().lines("jobs.txt")
        #expect(Set(jobs) == Set((Self.timedJobs + ["mkfiles"]).map { $0 + ".fio" }), "\(jobs)")
    }

    @Test("mkfiles: both tools lay out the same files, byte for byte (sha256 of each file)")
    func mkfiles() async throws {
        let run = try await evidence()
        for tool in ["fio", "diobench"] {
            #expect(
                run.read("mkfiles-d0-\(tool).status").hasPrefix("0"),
                "\(tool): \(run.read("mkfiles-d0-\(tool).stderr"))")
        }
        let theirs = try files(run, "fio"), ours = try files(run, "diobench")
        #expect(theirs.keys.sorted() == ["file0", "file1"] && ours.keys.sorted() == theirs.keys.sorted())
        for (name, fio) in theirs {
            let mine = try #require(ours[name])
            #expect(mine.size == fio.size && fio.size == 16 << 20, "\(name): \(mine.size) vs fio's \(fio.size)")
            // diobench fills buffers with fio's generator and seeds (randseed, thread number): the same bytes.
            #expect(fio.sha.count == 64 && mine.sha == fio.sha, "\(name): sha256 \(mine.sha) vs fio's \(fio.sha)")
            #expect(mine.gzip == fio.gzip, "\(name): gzip -1 gives \(mine.gzip) bytes vs fio's \(fio.gzip)")
        }
    }

    @Test(
        "each timed job runs under both tools, buffered and O_DIRECT, with direct and ARC counts", arguments: timedJobs)
    func timedJob(_ job: String) async throws {
        let run = try await evidence()
        for direct in [0, 1] {
            let name = "\(job)-d\(direct)"
            #expect(run.read("\(name)-fio.status").hasPrefix("0"), "fio \(name): \(run.read("\(name)-fio.stderr"))")
            #expect(
                run.read("\(name)-diobench.status").hasPrefix("0"),
                "diobench \(name): \(run.read("\(name)-diobench.stderr"))")
            let fioJobs = try run.json("\(name)-fio.json")["jobs"].array
            let ourJobs = try run.json("\(name)-diobench.json")["jobs"].array
            // group_reporting: one entry for the job's NUMJOBS=2 clones, in both.
            #expect(fioJobs.count == 1 && ourJobs.count == 1, "\(name): \(fioJobs.count) vs \(ourJobs.count) entries")
            guard let ours = ourJobs.first else { continue }
            let ios = (ours["read"]["total_ios"].int ?? 0) + (ours["write"]["total_ios"].int ?? 0)
            #expect(ios > 0, "\(name): diobench did no I/O")
            let deltas = ours["diobench"]["zfs"]["iostats_delta"]
            #expect(
                deltas["direct_read_count"].exists && deltas["arc_read_count"].exists,
                "\(name): \(deltas.raw ?? "none")")
            if direct == 0 {
                // direct=standard (the default) and no O_DIRECT: nothing goes direct.
                #expect(deltas["direct_read_count"].int == 0 && deltas["direct_write_count"].int == 0, "\(name)")
            }
        }
    }
}
