import Foundation
import Testing
@testable import ZFS

@Suite("SPL kstat parser")
struct KstatParserTests {
    @Test("parses a captured iostats file: header, every row, counters")
    func iostats() throws {
        let text = try LabFixtures.text("16-standard-psync-write-128k-direct1/before/iostats")
        let file = try KstatParser.parse(text, source: "iostats")
        #expect(
            file.header
                == KstatHeader(
                    kid: 577, type: 1, flags: "0x01", ndata: 26, dataSize: 7072,
                    crtime: 356_479_252_216, snaptime: 406_651_461_130))
        #expect(UInt64(file.rows.count) == file.header.ndata)
        #expect(file.rows.first?.name == "trim_extents_written")
        #expect(file["arc_read_count"] == .unsigned(130))
        #expect(file.counters["arc_write_bytes"] == 4_343_648)
        #expect(file.counters["direct_write_count"] == 0)
    }

    @Test("parses a captured objset file with its dataset_name string")
    func objset() throws {
        let text = try LabFixtures.text("16-standard-psync-write-128k-direct1/after/objset-0x59")
        let file = try KstatParser.parse(text, source: "objset-0x59")
        #expect(file["dataset_name"] == .text("tank/standard"))
        #expect(file.counters["writes"] == 256)
        #expect(file.counters["nwritten"] == 33_554_432)
        #expect(file.counters["dataset_name"] == nil)
    }

    @Test("keeps spaces inside names and string values; long names fall back to tokens")
    func spaces() throws {
        let text = """
            12 1 0x01 4 192 100 200
            name                            type data
            1 ns                            4    0
            1024 ns                         4    74
            dataset_name                    7    tank/my data
            a_name_longer_than_its_thirty_two_columns 4 99

            """
        let file = try KstatParser.parse(text, source: "t")
        #expect(
            file.rows.map(\.name) == ["1 ns", "1024 ns", "dataset_name", "a_name_longer_than_its_thirty_two_columns"])
        #expect(file["1024 ns"] == .unsigned(74))
        #expect(file["dataset_name"] == .text("tank/my data"))
        #expect(file["a_name_longer_than_its_thirty_two_columns"] == .unsigned(99))
    }

    @Test("signed types keep their sign")
    func signed() throws {
        let text =
            "1 1 0x01 1 16 1 2\nname                            type data\nbalance                         3    -42\n"
        #expect(try KstatParser.parse(text, source: "t")["balance"] == .signed(-42))
        #expect(KstatValue.signed(-42).counter == nil)
    }

    @Test(
        "malformed input names the file and line",
        arguments: [
            ("", 1, "empty file"),
            ("577 1 0x01\nname type data\n", 1, "kid type flags"),
            ("1 1 0x01 1 16 1 2\nwhat is this\n", 2, "column line"),
            (
                "1 1 0x01 1 16 1 2\nname                            type data\nx                               9    1\n",
                3, "type 0...7"
            ),
            (
                "1 1 0x01 1 16 1 2\nname                            type data\nx                               4    notanumber\n",
                3, "type 0...7"
            ),
        ])
    func malformed(text: String, line: Int, reason: String) {
        #expect {
            _ = try KstatParser.parse(text, source: "/proc/spl/kstat/zfs/tank/iostats")
        } throws: { error in
            guard let e = error as? KstatParseError else { return false }
            return e.line == line && e.description.hasPrefix("/proc/spl/kstat/zfs/tank/iostats:\(line):")
                && e.reason.contains(reason)
        }
    }
}

@Suite("pool kstat snapshots and deltas")
struct KstatDeltaTests {
    @Test("a snapshot keys every objset by its dataset name")
    func snapshot() throws {
        let s = try LabFixtures.snapshot(step: "16-standard-psync-write-128k-direct1", "after")
        #expect(s.pool == "tank")
        #expect(Set(s.objsets.keys) == ["tank", "tank/disabled", "tank/standard", "tank/always"])
        #expect(s.objsets["tank/standard"]?.objsetID == "0x59")
        #expect(s.iostats.counters["direct_write_count"] == 256)
    }

    @Test("deltas of the captured kstat files reproduce fio-SUMMARY.txt", arguments: LabFixtures.capturedSteps)
    func reproducesSummary(step: String) throws {
        let rows = try SummaryRow.parseAll(LabFixtures.text("fio-SUMMARY.txt"))
        let row = try #require(rows.first { $0.step == step })
        let delta = ZFSKstatDelta(
            before: try LabFixtures.snapshot(step: step, "before"),
            after: try LabFixtures.snapshot(step: step, "after"))
        #expect(delta.directReadCount == row["d_rd"])
        #expect(delta.directReadBytes == row["d_rdB"])
        #expect(delta.directWriteCount == row["d_wr"])
        #expect(delta.directWriteBytes == row["d_wrB"])
        #expect(delta.arcReadCount == row["a_rd"])
        #expect(delta.arcReadBytes == row["a_rdB"])
        #expect(delta.arcWriteCount == row["a_wr"])
        #expect(delta.arcWriteBytes == row["a_wrB"])
        #expect(delta.objsets.values.reduce(0) { $0 + $1.reads } == row["os_rd"])
        #expect(delta.objsets.values.reduce(0) { $0 + $1.writes } == row["os_wr"])
        #expect(!delta.countersRestarted)
        // Only the job's dataset did reads or writes.
        let job = LabJob(step: step)
        #expect(delta.objsets.keys.allSatisfy { $0 == job.dataset })
    }

    @Test("a re-created iostats kstat (new crtime) makes the after values the delta")
    func restart() {
        func snap(_ crtime: UInt64, _ directReads: UInt64) -> ZFSPoolKstats {
            ZFSPoolKstats(
                pool: "tank", iostats: ZFSIostats(counters: ["direct_read_count": directReads], crtime: crtime),
                objsets: [:])
        }
        let same = ZFSKstatDelta(before: snap(1, 100), after: snap(1, 150))
        #expect(same.directReadCount == 50 && !same.countersRestarted)
        let reimported = ZFSKstatDelta(before: snap(1, 100), after: snap(2, 30))
        #expect(reimported.directReadCount == 30 && reimported.countersRestarted)
        let wentBack = ZFSKstatDelta(before: snap(1, 100), after: snap(1, 30))
        #expect(wentBack.directReadCount == 30 && wentBack.countersRestarted)
    }

    @Test("a missing pool directory says what to check")
    func missingPool() {
        #expect {
            _ = try ZFSPoolKstats.snapshot(pool: "nosuchpool", kstatRoot: LabFixtures.root)
        } throws: { error in
            "\(error)".contains("nosuchpool/iostats") && "\(error)".contains("imported")
        }
    }
}
