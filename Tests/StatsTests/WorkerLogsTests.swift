import Testing
import Vocabulary

@testable import Stats

/// The pieces of fio's log files (issue 15): the end-to-end comparison with fio is in RunnerTests/FioLogFileTests.
@Suite("Worker logs")
struct WorkerLogsTests {
    /// fio's bins (stat.h): one per value below 128 ns, then 64 per power of two, the last catching the rest.
    @Test(
        arguments: [
            (0, 0), (1, 1), (127, 127), (128, 128), (129, 128), (130, 129), (255, 191), (256, 192), (511, 255),
            (512, 256), (1_000_000, 954), (UInt64.max, 1855),
        ] as [(UInt64, Int)])
    func fioLatencyBins(ns: UInt64, bin: Int) {
        #expect(FioLatencyBins.index(ns) == bin)
    }

    @Test func chunksKeepOrderAcrossGrowth() {
        let chunks = LogSampleChunks(initialCapacity: 10)
        for i in 0..<300_000 {
            chunks.append(LogSample(timeMs: UInt64(i), value: UInt64(i) * 3, direction: 1, length: 4096, offset: 0))
        }
        #expect(chunks.count == 300_000)
        var next: UInt64 = 0
        chunks.forEach { sample in
            if sample.timeMs != next || sample.value != next * 3 { Issue.record("sample \(next): \(sample)") }
            next += 1
        }
        chunks.removeAll()
        chunks.append(LogSample(timeMs: 7, value: 1, direction: 0, length: 0, offset: 0))
        #expect(chunks.count == 1)
    }

    /// fio's add_log_sample: a window closes at the first value at least log_avg_msec after it began, with the
    /// mean rounded to nearest (or the maximum); the next window begins at the last multiple of the interval.
    @Test(arguments: [false, true])
    func averagingWindows(maximum: Bool) {
        let log = SampleLog(averageMs: 100, logsMaximum: maximum, initialCapacity: 64)
        log.add(timeMs: 10, value: 5, direction: 1, length: 4096, offset: 0)
        log.add(timeMs: 50, value: 16, direction: 1, length: 4096, offset: 0)
        log.add(timeMs: 60, value: 7, direction: 0, length: 4096, offset: 0)
        log.add(timeMs: 120, value: 100, direction: 1, length: 4096, offset: 0)
        log.add(timeMs: 150, value: 10, direction: 1, length: 4096, offset: 0)
        log.closeWindows(atMs: 170)
        var lines: [LogSample] = []
        log.samples.forEach { lines.append($0) }
        let expected = [
            LogSample(timeMs: 120, value: maximum ? 100 : 40, direction: 1, length: 0, offset: 0),
            LogSample(timeMs: 170, value: 7, direction: 0, length: 0, offset: 0),
            LogSample(timeMs: 170, value: 10, direction: 1, length: 0, offset: 0),
        ]
        #expect(lines == expected)
    }

    @Test func perIOValues() {
        var settings = WorkerLogSettings()
        settings.latency = true
        settings.completionLatency = true
        settings.bandwidth = true
        settings.iops = true
        let logs = WorkerLogs(settings)
        logs.start(atNs: 1_000_000_000)
        logs.completed(
            .write, length: 8192, offset: 4096, issueNs: 1_004_000_000, submitNs: 1_004_500_000,
            completeNs: 1_005_000_000)
        func only(_ log: SampleLog?) -> LogSample? {
            var all: [LogSample] = []
            log?.samples.forEach { all.append($0) }
            return all.count == 1 ? all[0] : nil
        }
        #expect(only(logs.latency) == LogSample(timeMs: 5, value: 1_000_000, direction: 1, length: 8192, offset: 4096))
        #expect(only(logs.completionLatency)?.value == 500_000)
        // fio's add_bw_sample: bytes × 10^6 / clat ns.
        #expect(only(logs.bandwidth)?.value == 8192 * 1_000_000 / 500_000)
        #expect(only(logs.iops)?.value == 1)
    }

    /// log_avg_msec for bw and iops: one line per direction that moved data, per interval, in KiB/s and I/Os/s.
    @Test func bandwidthIntervals() {
        var settings = WorkerLogSettings()
        settings.bandwidth = true
        settings.iops = true
        settings.averageMs = 100
        let logs = WorkerLogs(settings)
        logs.start(atNs: 0)
        for i in 1...10 {
            logs.completed(
                .read, length: 4096, offset: 0, issueNs: 0, submitNs: 0, completeNs: UInt64(i) * 10_000_000)
        }
        var bw: [LogSample] = [], iops: [LogSample] = []
        logs.bandwidth?.samples.forEach { bw.append($0) }
        logs.iops?.samples.forEach { iops.append($0) }
        #expect(bw == [LogSample(timeMs: 100, value: 400, direction: 0, length: 0, offset: 0)])
        #expect(iops == [LogSample(timeMs: 100, value: 100, direction: 0, length: 0, offset: 0)])
    }

    @Test func histogramLines() {
        let log = LatencyHistogramLog(intervalMs: 100, coarseness: 1, countsLatencies: true)
        log.add(timeMs: 5, latencyNs: 100, direction: 0, length: 4096)
        log.add(timeMs: 50, latencyNs: 1_000_000, direction: 0, length: 4096)
        log.add(timeMs: 90, latencyNs: 2000, direction: 1, length: 512)
        log.add(timeMs: 110, latencyNs: 101, direction: 0, length: 8192)
        #expect(log.lines.count == 1)
        let line = log.lines[0]
        #expect(line.timeMs == 110 && line.direction == 0 && line.length == 8192)
        #expect(line.counts.count == 928 && line.counts.reduce(0, +) == 3)
        #expect(line.counts[50] == 2 && line.counts[954 / 2] == 1)
    }

    @Test func text() throws {
        var written: [UInt8] = []
        var text = LogFileText { written += $0 }
        let log = SampleLog(averageMs: 0, logsMaximum: false, initialCapacity: 64)
        log.add(timeMs: 12, value: 345_678, direction: 1, length: 4096, offset: 8192)
        log.add(timeMs: 0, value: 0, direction: 0, length: 512, offset: 0)
        try text.write(log, offsetColumn: false)
        try text.write(log, offsetColumn: true)
        try text.finish()
        #expect(
            String(decoding: written, as: UTF8.self)
                == "12, 345678, 1, 4096, 0\n0, 0, 0, 512, 0\n12, 345678, 1, 4096, 8192, 0\n0, 0, 0, 512, 0, 0\n")
    }
}
