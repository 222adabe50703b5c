import DiobenchTestSupport
import Foundation
import Testing
@testable import Stats
import Vocabulary

@Suite("WorkerStats")
struct WorkerStatsTests {
    static let t0: UInt64 = 1_000_000_000_000

    /// A synthetic worker: one 4 KiB I/O completing every `everyNs`, clat `clatNs`.
    func simulate(
        _ w: inout WorkerStats, direction: IODirection = .read, count: Int, everyNs: UInt64,
        clatNs: (Int) -> UInt64 = { _ in 20_000 }, slatNs: UInt64 = 0, start: UInt64 = t0
    ) {
        for i in 0..<count {
            let complete = start + UInt64(i + 1) * everyNs
            let clat = clatNs(i)
            let submit = complete - clat
            w.record(
                direction, requested: 4096, result: 4096, offset: UInt64(i) * 4096, fileIndex: 0,
                issueNs: submit - slatNs, submitNs: submit, completeNs: complete)
        }
    }

    @Test func recordsCountsAndLatencies() {
        var w = WorkerStats(WorkerStatsConfig(recordsSubmissionLatency: true))
        w.start(atNs: Self.t0)
        simulate(&w, count: 1000, everyNs: 50_000, clatNs: { UInt64(10_000 + $0) }, slatNs: 700)
        w.finish(atNs: Self.t0 + 1000 * 50_000)
        #expect(w.read.ios == 1000 && w.read.bytes == 4_096_000)
        #expect(w.read.clat.min == 10_000 && w.read.clat.max == 10_999)
        #expect(w.read.slat.count == 1000 && w.read.slat.min == 700)
        #expect(w.read.lat.min == 10_700)
        #expect(w.write.ios == 0 && w.write.elapsedNs == 0)
        #expect(w.read.elapsedNs == 50_000_000 && w.runtimeNs == 50_000_000)
    }

    @Test func synchronousEnginesRecordNoSubmissionLatency() {
        var w = WorkerStats()
        w.start(atNs: Self.t0)
        simulate(&w, count: 10, everyNs: 1000, slatNs: 300)
        #expect(w.read.slat.count == 0 && w.read.clat.count == 10)
    }

    @Test func shortAndFailedIOsAreCountedApart() {
        var w = WorkerStats(WorkerStatsConfig())
        w.start(atNs: Self.t0)
        w.record(
            .write, requested: 4096, result: 512, offset: 0, fileIndex: 0, issueNs: Self.t0, submitNs: Self.t0,
            completeNs: Self.t0 + 10)
        for i in 0..<20 {
            w.record(
                .read, requested: 4096, result: -22, offset: 512 + UInt64(i) * 4096, fileIndex: 1,
                issueNs: Self.t0, submitNs: Self.t0, completeNs: Self.t0 + 100)
        }
        w.record(
            .read, requested: 4096, result: -5, offset: 9, fileIndex: 0, issueNs: Self.t0, submitNs: Self.t0,
            completeNs: Self.t0 + 200)
        #expect(w.write.ios == 1 && w.write.shortIOs == 1 && w.write.bytes == 512)
        #expect(w.read.ios == 0 && w.read.errors == 21 && w.read.clat.count == 0)
        #expect(w.errors.total == 21)
        #expect(w.errors.samples.count == 8)
        #expect(
            w.errors.samples[0]
                == IOErrorSample(errno: 22, direction: .read, offset: 512, length: 4096, fileIndex: 1, atNs: 100))
        #expect(w.errors.countsByErrno == [.init(errno: 22, count: 20), .init(errno: 5, count: 1)])
        #expect(w.errors.firstErrno == 22)
    }

    @Test func errorLogKeepsDistinctErrnosUpToItsCapacity() {
        var log = IOErrorLog(sampleCapacity: 2)
        for e: Int32 in 1...12 {
            log.record(IOErrorSample(errno: e, direction: .write, offset: 0, length: 1, fileIndex: 0, atNs: 0))
        }
        #expect(log.total == 12 && log.samples.count == 2)
        #expect(log.countsByErrno.count == IOErrorLog.distinctErrnoCapacity)
        #expect(log.otherErrnoCount == 4)
    }

    @Test func syncLatencyAndFailures() {
        var w = WorkerStats()
        w.start(atNs: Self.t0)
        w.recordSync(result: 0, fileIndex: 0, issueNs: Self.t0, completeNs: Self.t0 + 5_000)
        w.recordSync(result: -5, fileIndex: 0, issueNs: Self.t0, completeNs: Self.t0 + 6_000)
        #expect(w.sync.count == 1 && w.sync.max == 5_000 && w.syncErrors == 1)
        #expect(w.errors.samples.first?.direction == nil)
    }

    /// 1 I/O of 4 KiB per ms for 3 s: a 500 ms interval holds 500 I/Os = 2000 KiB, i.e.
    /// 4000 KiB/s and 1000 IOPS in each of the 6 samples, as fio would sample it.
    @Test func bandwidthAndIOPSSamplesEvery500ms() {
        var w = WorkerStats(WorkerStatsConfig())
        w.start(atNs: Self.t0)
        simulate(&w, count: 3000, everyNs: 1_000_000)
        w.finish(atNs: Self.t0 + 3_000_000_000)
        #expect(w.read.bandwidthSamples.samples == 6)
        #expect(w.read.bandwidthSamples.min == 4000 && w.read.bandwidthSamples.max == 4000)
        #expect(w.read.iopsSamples.mean == 1000)
        #expect(w.write.bandwidthSamples.samples == 0)
        #expect(w.sampler.series.count == 6)
        #expect(w.sampler.series.allSatisfy { $0.readIOs == 500 && $0.spanNs == 500_000_000 && $0.writeBytes == 0 })
    }

    @Test func aGapWithoutCompletionsBecomesOneLongSample() {
        var w = WorkerStats()
        w.start(atNs: Self.t0)
        // 100 I/Os in the first 100 ms, then one after 2.5 s of silence.
        simulate(&w, count: 100, everyNs: 1_000_000)
        w.record(
            .read, requested: 4096, result: 4096, offset: 0, fileIndex: 0,
            issueNs: Self.t0, submitNs: Self.t0, completeNs: Self.t0 + 2_500_000_000)
        #expect(w.read.bandwidthSamples.samples == 1)
        #expect(w.sampler.series.first?.spanNs == 2_500_000_000)
        #expect(w.sampler.series.first?.readIOs == 101)
    }

    @Test func seriesStopsAtCapacityButStatisticsGoOn() {
        var config = WorkerStatsConfig()
        config.seriesCapacity = 2
        config.sampleIntervalNs = 10_000_000
        var w = WorkerStats(config)
        w.start(atNs: Self.t0)
        simulate(&w, count: 100, everyNs: 1_000_000)
        #expect(w.sampler.series.count == 2)
        #expect(w.sampler.droppedSeriesSamples == 8)
        #expect(w.read.bandwidthSamples.samples == 10)
    }

    @Test func startClearsWhatRampTimeMeasured() {
        var w = WorkerStats()
        w.start(atNs: Self.t0)
        simulate(&w, count: 100, everyNs: 1_000)
        w.record(.read, requested: 1, result: -5, offset: 0, fileIndex: 0, issueNs: 0, submitNs: 0, completeNs: Self.t0)
        w.start(atNs: Self.t0 + 1_000_000)
        #expect(w.read.ios == 0 && w.read.clat.count == 0 && w.errors.total == 0)
    }

    @Test func progressIsPublishedWhileRunningAndAtTheEnd() {
        let board = ProgressBoard(workers: 1)
        var config = WorkerStatsConfig()
        config.progress = board.slots[0]
        config.progressIntervalNs = 10_000_000
        var w = WorkerStats(config)
        w.start(atNs: Self.t0)
        #expect(board.slots[0].snapshot().phase == .running)
        simulate(&w, direction: .write, count: 25, everyNs: 1_000_000)  // 25 ms: published at 10 and 20 ms
        let mid = board.snapshot()[0]
        #expect(mid.ios.write == 20 && mid.bytes.write == 20 * 4096)
        w.finish(atNs: Self.t0 + 25_000_000)
        let end = board.total()
        #expect(end.ios.write == 25 && end.bytes.write == 25 * 4096 && end.ios.read == 0)
        #expect(board.slots[0].snapshot().phase == .finished)
    }

    /// A worker thread publishes while another thread reads: the reader never sees a value go
    /// backwards and ends with the final one (Synchronization.Atomic, relaxed).
    @Test func progressSlotIsReadSafelyFromAnotherThread() async throws {
        let slot = ProgressSlot()
        let n: UInt64 = 200_000
        // The reader spins until the writer is done: on a thread of its own too, not one of the test pool's.
        let monotonic = try await onDedicatedThread {
            let writer = Thread {
                for i in 1...n { slot.publish(bytes: (i * 4096, 0, 0), ios: (i, 0, 0), atNs: i) }
                slot.setPhase(.finished)
            }
            writer.start()
            var last: UInt64 = 0
            var monotonic = true
            while slot.snapshot().phase != .finished {
                let s = slot.snapshot()
                if s.ios.read < last { monotonic = false }
                last = s.ios.read
            }
            return monotonic
        }
        #expect(monotonic)
        #expect(slot.snapshot().ios.read == n && slot.snapshot().bytes.read == n * 4096)
    }

    @Test func mergingWorkersEqualsOneWorkerDoingAllTheIO() {
        var rng = XorShift(seed: 5)
        var all = WorkerStats(WorkerStatsConfig(recordsSubmissionLatency: true))
        var parts = (0..<4).map { _ in WorkerStats(WorkerStatsConfig(recordsSubmissionLatency: true)) }
        all.start(atNs: Self.t0)
        for i in parts.indices { parts[i].start(atNs: Self.t0) }
        for i in 0..<40_000 {
            let d: IODirection = i % 3 == 0 ? .write : .read
            let clat = rng.latency(), complete = Self.t0 + UInt64(i) * 1_000
            let result = i % 997 == 0 ? -22 : (i % 501 == 0 ? 2048 : 4096)
            for target in [-1, i % 4] {
                func apply(_ w: inout WorkerStats) {
                    w.record(
                        d, requested: 4096, result: result, offset: UInt64(i), fileIndex: 0,
                        issueNs: complete - clat - 500, submitNs: complete - clat, completeNs: complete)
                    w.depth.recordDepth(1 + i % 8)
                    w.depth.recordSubmit(1 + i % 3)
                }
                if target < 0 { apply(&all) } else { apply(&parts[target]) }
            }
        }
        let merged = WorkerStats.merged(parts)!
        #expect(merged.members == 4)
        for d in IODirection.allCases {
            let a = all[d], m = merged[d]
            #expect(a.ios == m.ios && a.bytes == m.bytes && a.shortIOs == m.shortIOs && a.errors == m.errors)
            #expect(a.slat == m.slat && a.clat == m.clat && a.lat == m.lat)
        }
        #expect(merged.depth == all.depth)
        #expect(merged.errors.total == all.errors.total)
        #expect(merged.errors.countsByErrno == all.errors.countsByErrno)
    }

    @Test func groupMergeKeepsTheLongestRuntimeAndAddsCPU() {
        var a = WorkerStats(), b = WorkerStats()
        a.read.elapsedNs = 2_000; b.read.elapsedNs = 3_000
        a.runtimeNs = 2_000; b.runtimeNs = 3_000
        a.cpu.userNs = 100; a.cpu.runtimeNs = 2_000
        b.cpu.userNs = 400; b.cpu.runtimeNs = 3_000
        a.merge(b)
        #expect(a.read.elapsedNs == 3_000 && a.runtimeNs == 3_000)
        #expect(a.cpu.userPercent == 10)
    }

    @Test func threadCPUUsageSeesThisThreadsWork() {
        let before = ThreadCPUSnapshot.current()
        var x: UInt64 = 1
        for i in 0..<30_000_000 { x = x &* 6364136223846793005 &+ UInt64(i) }
        let after = ThreadCPUSnapshot.current()
        let usage = after.usage(since: before, runtimeNs: 1)
        #expect(x != 0)
        #expect(usage.userNs + usage.systemNs > 0)
    }
}
