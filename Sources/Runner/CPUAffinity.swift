#if canImport(Glibc)
import Glibc
#endif
import Targets
import SystemCalls

/// cpus_allowed for one worker thread: sched_setaffinity(2) on the calling thread, as fio does for a job.
/// An io_uring ring made afterwards is made on the pinned thread; its io-wq threads follow the kernel's
/// own rules (fio sets nothing more either).
enum CPUAffinity {
    private typealias SetAffinity = @convention(c) (pid_t, Int, UnsafeRawPointer) -> Int32
    /// glibc declares sched_setaffinity only under _GNU_SOURCE, which Swift's Glibc module does not set,
    /// so it is looked up by name (pid 0: the calling thread).
    private static let setAffinity: SetAffinity? = dlsym(nil, "sched_setaffinity").map {
        unsafeBitCast($0, to: SetAffinity.self)
    }

    /// Pins the calling thread to `cpus`; nil on success, else what went wrong and what to do.
    static func pinCallingThread(to cpus: [Int]) -> String? {
        let bitsPerWord = UInt.bitWidth
        var mask = [UInt](repeating: 0, count: (cpus.max() ?? 0) / bitsPerWord + 1)
        for cpu in cpus { mask[cpu / bitsPerWord] |= 1 << UInt(cpu % bitsPerWord) }
        guard let setAffinity = setAffinity else { return "cpus_allowed: this C library has no sched_setaffinity" }
        let rc = mask.withUnsafeBufferPointer { words in
            // The kernel reads the mask as an array of unsigned longs of the size given, as cpu_set_t is.
            setAffinity(0, words.count * MemoryLayout<UInt>.size, UnsafeRawPointer(words.baseAddress!))
        }
        guard rc != 0 else { return nil }
        let code = errno
        let list = cpus.map(String.init).joined(separator: ",")
        if code == EINVAL {
            return
                "cpus_allowed=\(list): none of these CPUs is online or allowed to this process (its cpuset); pick CPUs from `taskset -pc $$`"
        }
        return "cpus_allowed=\(list): sched_setaffinity failed: \(ErrnoNames.describe(code))"
    }
}
