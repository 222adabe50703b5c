import Foundation
import Testing
@testable import Stats

/// `diobench.verify` in the results: what is written, that it reads back, and how workers merge.
@Suite struct VerifyReportTests {
    func report(failed kinds: [String], file: String = "/dev/loop0") -> VerifyReport {
        var r = VerifyReport(method: "crc32c", mode: "write", jobID: 7, seed: 0x89)
        r.blocksChecked = 100
        r.bytesChecked = 409_600
        r.blocksFailed = UInt64(kinds.count)
        for kind in kinds {
            r.byKind[kind] += 1
            r.failures.append(
                VerifyFailureReport(
                    file: file, offset: 4096, length: 4096, kind: kind,
                    expected: "a", found: "b", message: "m"))
        }
        return r
    }

    @Test func kindsWithoutFailuresAreLeftOut() throws {
        let json = String(
            decoding: try JSONEncoder().encode(report(failed: ["torn", "misdirected", "torn"]).byKind), as: UTF8.self)
        #expect(json.contains("\"torn\":2"))
        #expect(json.contains("\"misdirected\":1"))
        #expect(!json.contains("stale"))
        #expect(!json.contains("not-written"))
    }

    @Test func roundTripsThroughJSON() throws {
        var original = report(failed: ["short-read", "not-written"])
        original.blocksOverwritten = 3
        original.stoppedAtFirstFailure = true
        original.failures[0].firstBadOffset = 4100
        original.failures[0].writtenFor = 8192
        let decoded = try JSONDecoder().decode(VerifyReport.self, from: JSONEncoder().encode(original))
        #expect(decoded == original)
    }

    @Test func workersMerge() {
        var merged = report(failed: ["torn"])
        var other = report(failed: ["torn", "stale"], file: "/dev/loop1")
        other.failuresNotListed = 5
        merged.merge(other)
        #expect(merged.blocksChecked == 200)
        #expect(merged.blocksFailed == 3)
        #expect(merged.byKind.torn == 2 && merged.byKind.stale == 1)
        #expect(merged.failures.map(\.file) == ["/dev/loop0", "/dev/loop1", "/dev/loop1"])
        #expect(merged.failuresNotListed == 5)
    }
}
