import Engines
import Stats

#if canImport(Glibc)
import Glibc
#endif

extension IOLoop {
    /// latency_target, after each completed I/O: one step of the depth search (out of line: only jobs with a
    /// target call it). False when the I/O fails the job, as fio's lat_fatal does ("max latency exceeded").
    @inline(never)
    mutating func searchDepth(_ unit: UnsafeMutablePointer<IOUnit>, at now: UInt64) -> Bool {
        let latency = now &- unit.pointee.issueNs
        switch depthSearch.completed(latencyNs: latency, atNs: now, judging: recording) {
        case .none:
            return true
        case .restartStats:
            w.stats.start(atNs: now)
            return true
        case .done:
            running = false
            return true
        case .fail:
            end(
                .ioFailed(
                    IOFailure(
                        errno: ETIMEDOUT, direction: unit.pointee.op == .read ? .read : .write,
                        fileIndex: unit.pointee.fileIndex, offset: unit.pointee.offset, length: unit.pointee.length,
                        bufferAddress: UInt(bitPattern: unit.pointee.buffer))))
            return false
        }
    }
}
