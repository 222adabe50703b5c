import Foundation
import Testing
import Stats

/// Cost of the per-I/O `record` calls. Timing on a shared 2-core machine is noisy and a debug
/// build says nothing, so it runs only when asked, in release:
///
///     DIOBENCH_BENCH=1 swift test -c release -Xswiftc -enable-testing --filter RecordCostBenchmark
///
/// Measured here (x86_64, Swift 6.3.1, release): `Histogram.record` of hdrhistogram-swift about
/// 5 ns (it calls `swift_isUniquelyReferenced` through `withUnsafeMutableBufferPointer` on every
/// record), `LatencyHistogram.record` the same, `WorkerStats.record` with slat+clat+lat about 17 ns:
/// under 2 % of the 1 µs an I/O has at 1 M IOPS on one thread. The ceilings below are 5× that.
@Suite(
    "record cost", .serialized,
    .enabled(
        if: ProcessInfo.processInfo.environment["DIOBENCH_BENCH"] == "1",
        "set DIOBENCH_BENCH=1 and build in release to measure"))
struct RecordCostBenchmark {
    static func nowNs() -> UInt64 { DispatchTime.now().uptimeNanoseconds }

    static let values: [UInt64] = {
        var x: UInt64 = 0x9E37_79B9_7F4A_7C15
        return (0..<(1 << 20)).map { _ in
            x ^= x << 13; x ^= x >> 7; x ^= x << 17
            return 15_000 + x % 10_000 + ((x >> 40) % 64 == 0 ? x % 5_000_000 : 0)
        }
    }()

    @Test func latencyHistogramRecord() {
        var h = LatencyHistogram()
        let start = Self.nowNs()
        for round in 0..<8 { for v in Self.values { h.record(v &+ UInt64(round)) } }
        let perRecord = Double(Self.nowNs() - start) / Double(Self.values.count * 8)
        print("LatencyHistogram.record: \(perRecord) ns")
        #expect(h.count == UInt64(Self.values.count * 8))
        #expect(perRecord < 25)
    }

    @Test func workerStatsRecord() {
        var w = WorkerStats(WorkerStatsConfig(recordsSubmissionLatency: true))
        var t: UInt64 = 1_000_000_000
        w.start(atNs: t)
        let start = Self.nowNs()
        for round in 0..<8 {
            for (i, v) in Self.values.enumerated() {
                t &+= 1_000
                w.record(
                    .read, requested: 4096, result: 4096, offset: UInt64(i) << 12, fileIndex: 0,
                    issueNs: t, submitNs: t &+ 300, completeNs: t &+ 300 &+ v &+ UInt64(round))
            }
        }
        let perRecord = Double(Self.nowNs() - start) / Double(Self.values.count * 8)
        print("WorkerStats.record (slat, clat, lat): \(perRecord) ns")
        #expect(w.read.ios == UInt64(Self.values.count * 8))
        #expect(perRecord < 85)
    }
}
