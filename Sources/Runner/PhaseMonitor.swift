import Foundation
import JobFile
import Stats
import Vocabulary

/// Watches a phase's running jobs from one thread of its own, as fio's helper thread does: steady-state
/// detection (`ss`, `ss_dur`, `ss_ramp`) and the rate floors (`rate_min`, `rate_iops_min`, `rate_cycle`). It
/// reads the workers' progress slots (published every 10 ms for monitored jobs), so the I/O loop carries no
/// code for either option; it ends workers through their own `RunControl` views.
final class PhaseMonitor: @unchecked Sendable {
    /// One `jobs[]` entry under steady-state detection.
    final class SteadyUnit {
        let workers: [WorkerThread]
        let slots: [ProgressSlot]
        let controls: [RunControl]
        var tracker: SteadyStateTracker
        init(workers: [WorkerThread], slots: [ProgressSlot], controls: [RunControl], tracker: SteadyStateTracker) {
            self.workers = workers
            self.slots = slots
            self.controls = controls
            self.tracker = tracker
        }
    }

    /// One worker under a rate floor, per direction: the totals at the last check.
    final class FloorUnit {
        let job: PreparedJob
        let slot: ProgressSlot
        let control: RunControl
        let floor: RateFloor
        var last: [IODirection: (bytes: UInt64, ios: UInt64, ns: UInt64)] = [:]
        /// A worker fails once; it is not judged again while it drains.
        var failed = false
        init(job: PreparedJob, slot: ProgressSlot, control: RunControl, floor: RateFloor) {
            self.job = job
            self.slot = slot
            self.control = control
            self.floor = floor
        }
    }

    private let steady: [SteadyUnit]
    private let floors: [FloorUnit]
    private let startNs: UInt64
    private let stopFlag = NSCondition()
    private var stopping = false
    private var finished = false
    /// Rate floors missed: the job and fio's message, applied by the session after `stop()`.
    private(set) var missedFloors: [(job: PreparedJob, message: String)] = []

    init(steady: [SteadyUnit], floors: [FloorUnit], startNs: UInt64) {
        self.steady = steady
        self.floors = floors
        self.startNs = startNs
    }

    var isNeeded: Bool { !steady.isEmpty || !floors.isEmpty }

    func start() {
        let thread = Thread { [self] in
            run()
            stopFlag.lock()
            finished = true
            stopFlag.broadcast()
            stopFlag.unlock()
        }
        thread.name = "diobench-monitor"
        thread.start()
    }

    /// Ends the thread and waits for it; the results are then the session's to read.
    func stop() {
        stopFlag.lock()
        stopping = true
        stopFlag.broadcast()
        while !finished { stopFlag.wait() }
        stopFlag.unlock()
    }

    /// The steady-state block of the entry whose first worker is `worker`.
    func report(firstWorker worker: WorkerThread) -> SteadyStateReport? {
        steady.first { $0.workers.first === worker }?.tracker.report
    }

    private func run() {
        var nextSampleNs = startNs + 1_000_000_000
        while true {
            stopFlag.lock()
            if !stopping { stopFlag.wait(until: Date(timeIntervalSinceNow: 0.02)) }
            let done = stopping
            stopFlag.unlock()
            if done { return }
            let now = monotonicNanoseconds()
            for unit in floors { check(unit, now: now) }
            // One sample a second, as fio's helper thread takes them; a late wake-up is not caught up.
            if now >= nextSampleNs {
                nextSampleNs = max(nextSampleNs + 1_000_000_000, now)
                for unit in steady { sample(unit, now: now) }
            }
        }
    }

    private func sample(_ unit: SteadyUnit, now: UInt64) {
        guard !unit.tracker.attained, unit.slots.contains(where: { $0.snapshot().phase.isRunning }) else { return }
        var bytes: UInt64 = 0
        var ios: UInt64 = 0
        for slot in unit.slots {
            let s = slot.snapshot()
            bytes += s.bytes.read + s.bytes.write + s.bytes.trim
            ios += s.ios.read + s.ios.write + s.ios.trim
        }
        if unit.tracker.sample(bytes: bytes, ios: ios, nowNs: now, startNs: startNs) {
            for control in unit.controls { control.endJob() }
        }
    }

    /// fio's check_min_rate: after 2 s of settling, once a direction has moved data, its rate over each
    /// `rate_cycle` must reach the floor; the first miss fails the worker.
    private func check(_ unit: FloorUnit, now: UInt64) {
        let s = unit.slot.snapshot()
        guard !unit.failed, s.phase == .running, now &- startNs >= 2_000_000_000 else { return }
        for direction in [IODirection.read, .write] {
            let minBytes = unit.floor.bytes[direction]
            let minIOs = unit.floor.ios[direction]
            let bytes = direction == .read ? s.bytes.read : s.bytes.write
            let ios = direction == .read ? s.ios.read : s.ios.write
            guard minBytes > 0 || minIOs > 0, bytes > 0 else { continue }
            guard let last = unit.last[direction] else {
                unit.last[direction] = (bytes, ios, now)
                continue
            }
            let spentMs = (now &- last.ns) / 1_000_000
            guard spentMs >= unit.floor.cycleMs, spentMs > 0 else { continue }
            let name = unit.job.spec.name
            if minBytes > 0 {
                let rate = (bytes &- last.bytes) * 1000 / spentMs
                if rate < minBytes {
                    return miss(unit, "\(name): rate_min=\(minBytes)B/s not met, got \(rate)B/s")
                }
            } else {
                let rate = (ios &- last.ios) * 1000 / spentMs
                if rate < minIOs {
                    return miss(unit, "\(name): rate_iops_min=\(minIOs) not met, got \(rate) IOPS")
                }
            }
            unit.last[direction] = (bytes, ios, now)
        }
    }

    private func miss(_ unit: FloorUnit, _ message: String) {
        unit.failed = true
        unit.control.endJob()
        missedFloors.append((unit.job, message))
    }
}

extension ProgressSlot.Phase {
    var isRunning: Bool { self == .running || self == .rampUp }
}
