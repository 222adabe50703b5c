import Foundation
import Stats

/// fio's status line, once a second on stderr while a phase runs:
/// `Jobs: 2 (f=2): [45.0%][r=512MiB/s,w=0KiB/s][r=131k,w=0 IOPS][eta 00m:05s]`.
/// It reads the workers' relaxed counters (ProgressBoard); the I/O threads never wait for it.
final class ProgressPrinter: @unchecked Sendable {
    private let board: ProgressBoard
    private let jobs: [PreparedJob]
    private let control: RunControl
    private let done = DispatchSemaphore(value: 0)
    private let stopped = DispatchSemaphore(value: 0)
    private var thread: Thread?
    private let newlineEveryNs: UInt64?

    init(board: ProgressBoard, jobs: [PreparedJob], control: RunControl, newlineEveryNs: UInt64? = nil) {
        self.board = board
        self.jobs = jobs
        self.control = control
        self.newlineEveryNs = newlineEveryNs
    }

    func start() {
        let thread = Thread { [self] in loop() }
        self.thread = thread
        thread.start()
    }

    func stop() {
        done.signal()
        stopped.wait()
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
    }

    private func loop() {
        let start = monotonicNanoseconds()
        var last = board.total()
        var lastNs = start
        var lastNewlineNs = start
        while done.wait(timeout: .now() + 1) == .timedOut {
            let now = monotonicNanoseconds()
            let total = board.total()
            let seconds = Double(now - lastNs) / 1e9
            let line = Self.line(
                snapshots: board.snapshot(), total: total, previous: last, seconds: seconds,
                elapsedNs: now - start, jobs: jobs)
            var text = "\r\u{1B}[K" + line
            if let every = newlineEveryNs, now - lastNewlineNs >= every {
                text += "\n"
                lastNewlineNs = now
            }
            FileHandle.standardError.write(Data(text.utf8))
            last = total
            lastNs = now
        }
        stopped.signal()
    }

    static func line(
        snapshots: [ProgressSnapshot], total: ProgressSnapshot, previous: ProgressSnapshot, seconds: Double,
        elapsedNs: UInt64, jobs: [PreparedJob]
    ) -> String {
        let running = snapshots.filter { $0.phase == .running }.count
        let readRate = Double(total.bytes.read &- previous.bytes.read) / max(seconds, 0.001)
        let writeRate = Double(total.bytes.write &- previous.bytes.write) / max(seconds, 0.001)
        let readIOPS = Double(total.ios.read &- previous.ios.read) / max(seconds, 0.001)
        let writeIOPS = Double(total.ios.write &- previous.ios.write) / max(seconds, 0.001)
        let fraction = progressFraction(total: total, elapsedNs: elapsedNs, jobs: jobs)
        var text = "Jobs: \(running) (f=\(running)): [\(String(format: "%.1f", fraction * 100))%]"
        text += "[r=\(rate(readRate)),w=\(rate(writeRate))]"
        text += "[r=\(count(readIOPS)),w=\(count(writeIOPS)) IOPS]"
        if fraction > 0.001 && fraction < 1 {
            let eta = Double(elapsedNs) / 1e9 * (1 - fraction) / fraction
            text += String(format: "[eta %02dm:%02ds]", Int(eta) / 60, Int(eta) % 60)
        }
        return text
    }

    /// Share done: by time for time-limited jobs, by bytes for size-bound ones (the larger wins).
    static func progressFraction(total: ProgressSnapshot, elapsedNs: UInt64, jobs: [PreparedJob]) -> Double {
        var byTime = 0.0
        var plannedBytes: Double = 0
        for job in jobs {
            if let runtime = job.spec.runtimeNs, runtime > 0 {
                byTime = max(byTime, Double(elapsedNs) / Double(runtime + job.spec.rampTimeNs))
            }
            if !job.spec.timeBased {
                plannedBytes += job.plans.reduce(0) { $0 + Double($1.bytesPerLoop) * Double(job.spec.loops) }
            }
        }
        let done = Double(total.bytes.read + total.bytes.write + total.bytes.trim)
        let byBytes = plannedBytes > 0 ? done / plannedBytes : 0
        return min(max(byTime, byBytes), 1)
    }

    static func rate(_ bytesPerSecond: Double) -> String {
        let units = ["B", "KiB", "MiB", "GiB", "TiB"]
        var value = bytesPerSecond
        var unit = 0
        while value >= 1024 && unit < units.count - 1 { value /= 1024; unit += 1 }
        return String(format: value < 10 && unit > 0 ? "%.1f" : "%.0f", value) + units[unit] + "/s"
    }

    static func count(_ value: Double) -> String {
        value >= 1e6
            ? String(format: "%.1fM", value / 1e6)
            : value >= 1e3 ? String(format: "%.0fk", value / 1e3) : String(format: "%.0f", value)
    }
}
