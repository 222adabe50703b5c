// The run's watch for a kernel crash (issue 16, item 3). OpenZFS 2.3.0's oops (issue 16956) does not panic
// the machine: it kills the loop device's worker, and every reader of that device then sleeps in D state
// forever. Such a job can never be joined, so its end has to be decided from outside: this thread reads
// /dev/kmsg while jobs are set up and run, and once a crash report is in the log and the I/O has stood still
// for `graceNs`, it hands the report to the session, which ends the run as crashed.
import Foundation
import Targets
import Vocabulary

final class KernelCrashWatch: @unchecked Sendable {
    /// How long the I/O must stand still after a crash report before the job counts as crashed. I/O that goes
    /// on completing was not stopped by the report (the job ends normally, failed by its kernel event); a live
    /// device completes far more often than this, even under software emulation, and the lab's VM is waiting.
    static let graceNs: UInt64 = 5_000_000_000
    /// How often the log and the I/O counters are read: small beside the grace, cheap for the run.
    static let pollNs: UInt64 = 200_000_000

    private let watcher: KernelLogWatcher
    private let fromPrograms: Bool
    private let lock = NSLock()
    private var collector = KernelOopsCollector()
    private var reportSeenNs: UInt64?
    private var stopped = false

    /// nil when the kernel log cannot be read (not root): then nothing is watched.
    init?(kmsgPath: String, fromPrograms: Bool) {
        guard let watcher = try? KernelLogWatcher(path: kmsgPath) else { return nil }
        self.watcher = watcher
        self.fromPrograms = fromPrograms
    }

    /// Reads what the kernel logged since the last call; returns when a crash report began (nil: none yet).
    /// The session calls it just before a phase's start gate opens, so a report already logged then belongs
    /// to the setup.
    @discardableResult
    func poll() -> UInt64? {
        lock.lock()
        defer { lock.unlock() }
        guard !collector.isComplete, let batch = try? watcher.readNew() else { return reportSeenNs }
        // Programs may write `BUG:` lines to /dev/kmsg too; only the kernel's count (tests turn them on).
        for record in batch.records where fromPrograms || record.facility == 0 {
            let started = collector.isStarted
            collector.add(record.message)
            if !started && collector.isStarted { reportSeenNs = monotonicNanoseconds() }
        }
        return reportSeenNs
    }

    var oops: KernelOops? {
        lock.lock()
        defer { lock.unlock() }
        return collector.oops
    }

    /// Starts the thread. `progress` is any number that changes while the run moves (I/Os completed, jobs
    /// set up or joined); `crashed` gets the report and when it was read, once, on the watch's thread.
    func start(progress: @escaping @Sendable () -> UInt64, crashed: @escaping @Sendable (KernelOops, UInt64) -> Void) {
        let thread = Thread { [self] in
            var lastToken = progress()
            var lastChangeNs = monotonicNanoseconds()
            while !isStopped {
                usleep(UInt32(Self.pollNs / 1000))
                let seen = poll()
                let token = progress()
                let now = monotonicNanoseconds()
                if token != lastToken {
                    lastToken = token
                    lastChangeNs = now
                }
                guard let seen, let oops else { continue }
                if now - max(seen, lastChangeNs) >= Self.graceNs {
                    crashed(oops, seen)
                    return
                }
            }
        }
        thread.name = "diobench-crash-watch"
        thread.start()
    }

    /// A phase ended with every worker joined: a report seen meanwhile stopped nothing (its jobs carry it
    /// as a kernel event); watch for the next one.
    func phaseSurvived() {
        lock.lock()
        defer { lock.unlock() }
        guard reportSeenNs != nil else { return }
        collector = KernelOopsCollector()
        reportSeenNs = nil
    }

    private var isStopped: Bool {
        lock.lock()
        defer { lock.unlock() }
        return stopped
    }

    /// The run is over: the thread ends at its next poll.
    func stop() {
        lock.lock()
        stopped = true
        lock.unlock()
    }
}
