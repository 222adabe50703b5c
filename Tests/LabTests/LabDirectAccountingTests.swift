import Foundation
import Testing

/// Direct/ARC accounting against real OpenZFS 2.3.9: issue 4's check and issue 5's "done when" cases.
@Suite("lab: direct and ARC counts on real ZFS", .enabled(if: LabSuiteRun.enabled, LabSuiteRun.disabledReason))
struct LabDirectAccountingTests {
    static let settingsJobs: [String] = ["disabled", "standard", "always"].flatMap { s in
        [
            "write-odirect", "read-odirect", "write-buffered", "read-buffered", "read-misaligned", "uring-randread",
            "uring-randwrite",
        ]
        .map { "\(s)-\($0)" }
    }

    func zfs(_ job: JSONValue) -> JSONValue { job["diobench"]["zfs"] }
    func iostat(_ job: JSONValue, _ name: String) -> Int64? { zfs(job)["iostats_delta"][name].int }

    @Test(
        "issue 4: O_DIRECT 128k reads raise direct_read_count by the job's I/O count on standard, by zero on disabled")
    func issue4() async throws {
        let run = try await CaseEvidence("issue4")
        #expect(run.status == 0, "\(run.read("stderr.txt"))")
        let standard = try run.job("standard-read")
        let ios = try #require(standard["read"]["total_ios"].int)
        #expect(ios == 128)
        #expect(iostat(standard, "direct_read_count") == ios)
        #expect(zfs(standard)["direct"].string == "standard")
        let disabled = try run.job("disabled-read")
        #expect(disabled["read"]["total_ios"].int == 128)
        #expect(iostat(disabled, "direct_read_count") == 0)
        #expect(zfs(disabled)["direct"].string == "disabled")
        // --save left a run folder as `diobench run --save` does, with the kstat deltas in result.json.
        let saved = try FileManager.default.contentsOfDirectory(atPath: run.directory + "/saved")
        #expect(saved.count == 1)
        let savedJob = try run.job("standard-read", in: "saved/\(saved[0])/result.json")
        #expect(iostat(savedJob, "direct_read_count") == ios)
    }

    @Test("every job of zfs-direct-settings.fio counts as the 2.3 rules predict", arguments: settingsJobs)
    func rulesHold(job name: String) async throws {
        let job = try await CaseEvidence("direct-settings").job(name)
        let verdict = zfs(job)["verdict"]
        #expect(
            verdict["as_expected"].bool == true,
            "reads: \(verdict["read"]["outcome"].string ?? "?"), writes: \(verdict["write"]["outcome"].string ?? "?"); deltas \(zfs(job)["iostats_delta"].raw ?? "none")"
        )
        #expect(zfs(job)["zfs_version"].string?.hasPrefix("2.3.") == true)
        #expect(zfs(job)["rules"].string == "2.3")
        #expect(zfs(job)["pollution_warning"].exists == false, "\(zfs(job)["pollution_warning"].string ?? "")")
    }

    @Test("standard with O_DIRECT: writes direct except the first, which grows the new file; reads direct")
    func standard() async throws {
        let run = try await CaseEvidence("direct-settings")
        let write = try run.job("standard-write-odirect")
        #expect(write["write"]["total_ios"].int == 64)
        #expect(iostat(write, "direct_write_count") == 63)
        #expect((iostat(write, "arc_write_count") ?? 0) >= 1)
        #expect(zfs(write)["expected_direct"]["writes"].int == 63)
        // Reads: direct, except blocks still cached in memory, which a Direct I/O read copies (no zio, no
        // count): here the block the first write put through the ARC, and in the io_uring job those the
        // buffered jobs before it left in the dbuf cache. Such reads count neither as direct nor as misses.
        for name in ["standard-read-odirect", "standard-uring-randread"] {
            let read = try run.job(name)
            let direct = try #require(iostat(read, "direct_read_count"))
            let cached = try #require(zfs(read)["inferred_fallbacks"]["reads"].int)
            #expect(direct + cached == 64, "\(name)")
            #expect((iostat(read, "arc_read_bytes") ?? 0) < 131072, "\(name): no data block missed the ARC")
            let outcome = zfs(read)["verdict"]["read"]["outcome"].string
            #expect(
                outcome
                    == (cached == 0
                        ? "as expected"
                        : "as expected; some reads found their block cached in memory and were copied from it"))
        }
        #expect(
            iostat(try run.job("standard-read-odirect"), "direct_read_count") ?? 0 >= 63,
            "only the grown block is cached")
        let buffered = try run.job("standard-write-buffered")
        #expect(iostat(buffered, "direct_write_count") == 0)
        #expect((iostat(buffered, "arc_write_count") ?? 0) >= 64)
    }

    @Test("disabled: no direct I/O in any job, O_DIRECT or not")
    func disabled() async throws {
        let run = try await CaseEvidence("direct-settings")
        for name in Self.settingsJobs where name.hasPrefix("disabled-") {
            let job = try run.job(name)
            #expect(iostat(job, "direct_read_count") == 0, "\(name)")
            #expect(iostat(job, "direct_write_count") == 0, "\(name)")
        }
        let write = try run.job("disabled-write-odirect")
        #expect((iostat(write, "arc_write_count") ?? 0) >= 64)
    }

    @Test("always without O_DIRECT: aligned buffered writes and reads are direct")
    func always() async throws {
        let run = try await CaseEvidence("direct-settings")
        let write = try run.job("always-write-buffered")
        #expect(write["write"]["total_ios"].int == 64)
        #expect(iostat(write, "direct_write_count") == 64)
        let read = try run.job("always-read-buffered")
        #expect(iostat(read, "direct_read_count") == 64)
        #expect(zfs(read)["requested_direct"]["reads"].int == 64, "always asks aligned buffered I/O to be direct")
    }

    @Test("misaligned O_DIRECT on standard: every read fails with EINVAL, counted with errno and an example offset")
    func misalignedStandard() async throws {
        let run = try await CaseEvidence("direct-settings")
        #expect(run.status == 1, "the EINVALs make the run's exit status 1")
        let job = try run.job("standard-read-misaligned")
        #expect(job["total_err"].int == 256)
        let errors = job["diobench"]["io_errors"]
        #expect(errors["by_errno"][0]["name"].string == "EINVAL")
        #expect(errors["by_errno"][0]["count"].int == 256)
        #expect(errors["samples"][0]["offset"].int == 512)
        #expect(zfs(job)["rejected"]["reads"].int == 256)
        #expect(iostat(job, "direct_read_count") == 0)
    }

    @Test("misaligned O_DIRECT on always: no error, the reads silently go through the ARC and count as fallbacks")
    func misalignedAlways() async throws {
        let job = try await CaseEvidence("direct-settings").job("always-read-misaligned")
        #expect(job["read"]["total_ios"].int == 256)
        #expect(job["diobench"]["io_errors"].exists == false)
        #expect(iostat(job, "direct_read_count") == 0)
        #expect(zfs(job)["inferred_fallbacks"]["reads"].int == 256)
    }

    @Test("statx on ZFS: page-aligned buffers and recordsize offsets where direct is allowed")
    func statxAlignment() async throws {
        let run = try await CaseEvidence("direct-settings")
        for name in ["standard-read-odirect", "always-read-odirect"] {
            let target = try run.job(name)["diobench"]["targets"][0]
            #expect(target["fs_type"].string == "zfs")
            #expect(target["dio_mem_align"].int == 4096, "\(name)")
            #expect(target["dio_offset_align"].int == 131072, "\(name)")
        }
        let disabled = try run.job("disabled-read-odirect")["diobench"]["targets"][0]
        #expect(
            disabled["dio_mem_align"].exists == false,
            "direct=disabled reports no Direct I/O alignment: \(disabled.raw ?? "")")
    }

    @Test("the scratch pool and its datasets are gone after the run, file vdevs included")
    func scratchPoolGone() async throws {
        let run = try await CaseEvidence("direct-settings")
        #expect(try run.lines("pools-after.txt") == ["lab"])
        #expect(try run.lines("var-tmp-after.txt").allSatisfy { !$0.hasPrefix("diobench-scratch") })
        #expect(try run.text("stderr.txt").contains("scratch pool dbdirect"))
    }
}
