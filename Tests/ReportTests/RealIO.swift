import Foundation
import Stats
#if canImport(Glibc)
import Glibc
import Vocabulary
#endif

/// Real psync I/O measured with our stats, for tests that compare our output with fio's for the
/// same job. Not an engine: just pread/pwrite in a loop with monotonic timestamps.
enum RealIO {
    static func nowNs() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
    }

    /// fio's `rw=rw` (sequential, 50 % reads) with `bs` over a file of `size` bytes, psync.
    /// Returns the worker's stats after `finish`.
    static func mixedSequential(path: String, size: Int, bs: Int, fsyncEvery: Int = 0) throws -> WorkerStats {
        let fd = open(path, O_RDWR | O_CREAT, 0o644)
        guard fd >= 0 else { throw POSIXError(.init(rawValue: errno) ?? .EIO) }
        defer { close(fd) }
        guard ftruncate(fd, off_t(size)) == 0 else { throw POSIXError(.EIO) }
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: bs, alignment: 4096)
        defer { buffer.deallocate() }
        memset(buffer, 0x5a, bs)

        var stats = WorkerStats(WorkerStatsConfig())
        stats.start(atNs: nowNs())
        var writes = 0
        for i in 0..<(size / bs) {
            let offset = UInt64(i * bs)
            let direction: IODirection = i % 2 == 0 ? .write : .read
            stats.depth.recordDepth(1)
            stats.depth.recordSubmit(1)
            let issue = nowNs()
            let n = direction == .write ? pwrite(fd, buffer, bs, off_t(offset)) : pread(fd, buffer, bs, off_t(offset))
            let done = nowNs()
            stats.depth.recordComplete(1)
            stats.record(
                direction, requested: bs, result: n < 0 ? -Int(errno) : n, offset: offset, fileIndex: 0,
                issueNs: issue, submitNs: issue, completeNs: done)
            if direction == .write { writes += 1 }
            if fsyncEvery > 0, direction == .write, writes % fsyncEvery == 0 {
                let s = nowNs()
                let r = fsync(fd)
                stats.recordSync(result: r == 0 ? 0 : -Int(errno), fileIndex: 0, issueNs: s, completeNs: nowNs())
            }
        }
        stats.finish(atNs: nowNs())
        return stats
    }
}
