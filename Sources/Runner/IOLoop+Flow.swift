import Engines
import Stats
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

extension IOLoop {
    /// flow: before each I/O, whether this worker is ahead of its weight's share of its flow. If so it
    /// waits: with flow_sleep, for its I/O in flight and then the sleep (fio's order); else the caller
    /// reaps or spins. Otherwise the I/O counts in the flow. Out of line: only flow jobs call it.
    @inline(never)
    mutating func flowHoldsBack() -> Bool {
        let group = w.flow.unsafelyUnwrapped
        if group.holdsBack(own: w.flowIssued, weight: config.flowWeight) {
            if config.flowSleepNs > 0 {
                _ = quiesce()
                sleepUntil(monotonicNs: monotonicNanoseconds() &+ config.flowSleepNs)
            }
            return true
        }
        group.issued.add(1, ordering: .relaxed)
        w.flowIssued &+= 1
        return false
    }
}
