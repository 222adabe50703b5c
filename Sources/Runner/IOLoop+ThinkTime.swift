import Engines
import Stats

#if canImport(Glibc)
import Glibc
#endif

extension IOLoop {
    /// fio's handle_thinktime (backend.c), after each issued I/O: once `thinktime_blocks` more I/Os have
    /// completed (or been issued), or `thinktime_iotime` of I/O has passed, wait for the I/O in flight, spin
    /// `thinktime_spin`, then sleep the rest of `thinktime`. False when the worker stops meanwhile.
    mutating func thinkIfDue() -> Bool {
        let think = config.thinkTime
        if think.blocksType == .issue { issuedTotal &+= 1 }
        var due = false
        var now: UInt64 = 0
        if think.ioTimeNs > 0 {
            now = monotonicNanoseconds()
            if now &- thinkNs >= think.ioTimeNs &+ think.thinkNs {
                due = true
            } else if config.thinkOnIOTimeOnly {
                return true
            }
        }
        let count = think.blocksType == .issue ? issuedTotal : w.stats.read.ios &+ w.stats.write.ios
        // The statistics restart after ramp_time: start counting again with them.
        if count < thinkBlocks { thinkBlocks = 0 }
        if count >= thinkBlocks &+ think.blocks { due = true }
        guard due else { return true }
        guard quiesce() else { return false }
        let start = monotonicNanoseconds()
        if think.spinNs > 0 {
            while monotonicNanoseconds() &- start < think.spinNs {}
        }
        if think.thinkNs > think.spinNs {
            // What was done so far is seen while the worker sleeps (the status line, the crash watch).
            w.stats.publishProgress(at: start)
            // In slices, so a stop (signal, exitall, steadystate) is seen within 50 ms.
            let end = start &+ think.thinkNs
            while !control.shouldStop {
                let now = monotonicNanoseconds()
                if now >= end { break }
                sleepUntil(monotonicNs: min(end, now &+ 50_000_000))
            }
        }
        thinkBlocks = count
        if think.ioTimeNs > 0 { thinkNs = now }
        return true
    }
}
