// fio drops a file's page cache at the start of every pass, not only the first: with `loops` it closes and
// reopens the job's files (backend.c, clear_io_state; ioengines.c, td_io_open_file drops the cache, O_DIRECT
// or not), and a `time_based` buffered job drops it whenever a file wraps (io_u.c, loop_cache_invalidate);
// a sequential `time_based` job over several files reopens each file at its end instead, O_DIRECT or not.
// Without this a buffered job's later passes read the pages its first pass left behind: far faster than fio.
import Targets

/// The worker's files and regions, dropped from the page cache at each new pass. Made only for jobs that
/// need it, so other jobs pay one nil check per pass.
final class PassCacheDrop {
    let fds: [Int32]
    let paths: [String]
    let regions: [(start: UInt64, length: UInt64)]

    init(fds: [Int32], paths: [String], regions: [(start: UInt64, length: UInt64)]) {
        self.fds = fds
        self.paths = paths
        self.regions = regions
    }

    /// Whether a job drops its files' cache at every pass, as fio 3.33 does: `invalidate` (the default),
    /// and either `loops` (files reopened) or a `time_based` job whose pass ends at a wrap: buffered, or
    /// sequential over several files (reopened). A random job with `norandommap` never wraps in fio.
    static func wanted(
        invalidate: Bool, loops: Int, timeBased: Bool, direct: Bool, random: Bool, randomMap: Bool, files: Int
    ) -> Bool {
        guard invalidate else { return false }
        if timeBased {
            if random { return !direct && randomMap }
            return !direct || files > 1
        }
        return loops > 1
    }

    /// posix_fadvise(DONTNEED) over each file's region (BLKFLSBUF for block devices), as at open.
    func drop() {
        for i in fds.indices { drop(file: i) }
    }

    /// The same for one file: fio reopens a file it closed to sync it at the end of a pass.
    func drop(file i: Int) {
        try? FileTarget.invalidateCache(fd: fds[i], path: paths[i], offset: regions[i].start, length: regions[i].length)
    }
}
