import Foundation
import Targets
import Testing
@testable import ZFS

/// The ZFS module's readers on what the live VM produced (they were unit-tested on fixtures only).
@Suite("lab: the ZFS module's parsers on live output", .enabled(if: LabSuiteRun.enabled, LabSuiteRun.disabledReason))
struct LabLiveModuleTests {
    @Test("iostats and objset kstats parse to the values the shell reads")
    func kstats() async throws {
        let live = try await CaseEvidence("live")
        let snapshot = try ZFSPoolKstats.snapshot(directory: live.directory + "/kstat", pool: "lab")
        var compared = 0
        for line in try live.lines("iostats-awk.txt") {
            let f = line.split(separator: " ")
            guard f.count == 2, let value = UInt64(f[1]) else { continue }
            #expect(snapshot.iostats.counters[String(f[0])] == value, "\(f[0])")
            compared += 1
        }
        #expect(compared >= 8)
        #expect(
            snapshot.iostats.counters["direct_read_count"] ?? 0 > 0, "the suite's jobs did direct reads on pool lab")
        #expect(Set(snapshot.objsets.keys) == Set(try live.lines("objset-datasets.txt")))
        #expect(snapshot.objsets["lab/found"]?.counters["writes"] ?? 0 >= 64)
    }

    @Test("the module version, from sysfs and `zfs version`, and the version the results name")
    func version() async throws {
        let live = try await CaseEvidence("live")
        let sysfs = try ZFSVersion(parsing: try await CaseEvidence("").text("module-version.txt"))
        #expect(sysfs >= ZFSVersion(major: 2, minor: 3, patch: 1), "the lab's Debian package is past the 16956 fix")
        #expect(!KnownCrashGuard.isAffected(sysfs))
        for line in try live.lines("zfs-version.txt") {
            #expect(try ZFSVersion(parsing: line) == sysfs, "\(line)")
        }
        let job = try await CaseEvidence("issue4").job("standard-read")
        #expect(job["diobench"]["zfs"]["zfs_version"].string == sysfs.raw)
    }

    @Test("`zpool events -H` parses: every event counted under its class")
    func events() async throws {
        let live = try await CaseEvidence("live")
        let text = try live.text("zpool-events.txt")
        let counts = ZpoolEventCounts(parsing: text)
        let lines = text.split(separator: "\n").filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
        #expect(counts.byClass.values.reduce(0, +) == lines.count)
        #expect(
            counts.byClass.keys.contains { $0.hasPrefix("sysevent.fs.zfs.") },
            "pool and dataset creation post sysevents")
    }

    @Test("`zfs get -Hp all` parses, with sources")
    func properties() async throws {
        let live = try await CaseEvidence("live")
        let values = try ZFSPropertyParser.parse(try live.text("zfs-get-all.txt"), command: ["zfs", "get"])
        #expect(values["direct"] == ZFSPropertyValue(property: "direct", value: "standard", source: .defaultValue))
        #expect(values["recordsize"]?.value == "131072")
        #expect(values["compression"]?.source == .inherited(from: "lab"))
        #expect(values["mountpoint"]?.value == "/lab/found")
    }

    @Test("mountinfo names the dataset of a ZFS mount, and statfs reports ZFS's magic")
    func mounts() async throws {
        let live = try await CaseEvidence("live")
        let entries = FileSystemInfo.mounts(mountinfo: try live.text("mountinfo.txt"))
        let found = try #require(entries.first { $0.mountPoint == "/lab/found" })
        #expect(found.fsType == "zfs" && found.source == "lab/found")
        #expect(
            UInt64(try live.text("statfs-type.txt").trimmingCharacters(in: .whitespacesAndNewlines), radix: 16)
                == ZFSDatasetLocator.zfsMagic)
        let datasets = try live.lines("zfs-list.txt")
        #expect(
            datasets.contains("lab/found") && !datasets.contains { $0.hasPrefix("dbdirect") || $0.hasPrefix("dbseed") })
    }
}
