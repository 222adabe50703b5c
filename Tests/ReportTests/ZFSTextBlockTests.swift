import Foundation
import Stats
import Testing
@testable import Report

/// The `zfs` lines of the normal report: what ZFS counted, what the job asked, what the rules expected,
/// the verdict, what was set for the job, and the guard's warning. Values as the lab's 2.3.9 VM gave
/// them for the O_DIRECT read job of zfs-direct-settings.fio under direct=standard.
@Suite("ZFS accounting in the text report")
struct ZFSTextBlockTests {
    func accounting() -> ZFSAccounting {
        var iostats = ZFSIOStatsDelta()
        iostats.directReadCount = 63
        iostats.directReadBytes = 63 << 17
        var z = ZFSAccounting(pool: "dbdirect", iostats: iostats)
        z.zfsVersion = "2.3.9-0+deb13u1"
        z.rules = "2.3"
        z.dataset = "dbdirect/standard"
        z.direct = "standard"
        z.recordsize = 131072
        z.requestedDirect = ZFSIOCounts(reads: 64, writes: 0)
        z.expectedDirect = ZFSIOCounts(reads: 64, writes: 0)
        z.countedDirect = ZFSIOCounts(reads: 63, writes: 0)
        z.inferredFallbacks = ZFSIOCounts(reads: 1, writes: 0)
        let read = ZFSDirectionVerdict(
            predictedPath: "direct", alignment: "recordAligned", rule: "aligned O_DIRECT bypasses the ARC",
            ruleSource: "lab rows 16-20",
            outcome: "as expected; some reads found their block cached in memory and were copied from it")
        let write = ZFSDirectionVerdict(
            predictedPath: "direct", alignment: "recordAligned", rule: "aligned O_DIRECT bypasses the ARC",
            ruleSource: "lab rows 16-20", outcome: "no I/O")
        z.verdict = ZFSVerdict(read: read, write: write, asExpected: true)
        z.propertiesSet = ["direct=standard (was always, local)"]
        z.guardWarning =
            "io_uring fixed buffers with Direct I/O on OpenZFS 2.3.0 may take the code path that crashes loop devices"
        return z
    }

    @Test("the block names the dataset and version, then counts, expectations, verdict, settings and the guard")
    func lines() {
        var ext = JobExtension()
        ext.zfs = accounting()
        let lines = DiobenchTextBlock.render(ext).split(separator: "\n").map(String.init)
        #expect(
            lines.first
                == "  zfs          : pool=dbdirect, dataset=dbdirect/standard, direct=standard, recordsize=128KiB, zfs 2.3.9-0+deb13u1 (2.3 rules)"
        )
        #expect(lines.contains("     direct    : reads=63 (8064KiB), writes=0 (0B)"))
        #expect(lines.contains("     set       : direct=standard (was always, local), restored after the job"))
        #expect(lines.contains("     counted   : direct reads=63, writes=0 (I/Os; the rules expect 64 and 0)"))
        // A direction without I/O has no verdict of its own.
        #expect(
            lines.contains(
                "     verdict   : reads as expected; some reads found their block cached in memory and were copied from it (direct: aligned O_DIRECT bypasses the ARC)"
            ))
        #expect(lines.contains("     fallback  : reads=1, writes=0 (inferred: asked minus counted)"))
        #expect(lines.contains { $0.hasPrefix("     guard     : io_uring fixed buffers") })
    }

    @Test("the new keys are in the job's JSON and read back")
    func json() throws {
        let z = accounting()
        let data = try JSONEncoder().encode(z)
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        for key in [
            "expected_direct", "counted_direct", "verdict", "properties_set", "guard_warning", "iostats_delta",
            "inferred_fallbacks",
        ] {
            #expect(object[key] != nil, "\(key)")
        }
        #expect((object["verdict"] as? [String: Any])?["as_expected"] as? Bool == true)
        #expect(try JSONDecoder().decode(ZFSAccounting.self, from: data) == z)
    }
}
