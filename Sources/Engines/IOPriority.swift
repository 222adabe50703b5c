import CPosixIO
import SystemCalls

#if canImport(Glibc)
import Glibc
#endif

/// Linux I/O priorities (ioprio_set(2)): a class (1 realtime, 2 best effort, 3 idle) and a level 0-7.
public enum IOPriority {
    /// fio's ioprio_value: class << 13 | level, with best effort when no class (0) is given.
    public static func value(class ioClass: UInt64, level: UInt64) -> Int32 {
        Int32(truncatingIfNeeded: ((ioClass == 0 ? 2 : ioClass) << 13) | level)
    }

    /// Sets the calling thread's I/O priority; nil on success, else what went wrong.
    public static func setCallingThread(_ value: Int32) -> String? {
        guard diobench_ioprio_set_self(value) != 0 else { return nil }
        let code = errno
        let hint = code == EPERM ? " (the realtime class needs CAP_SYS_ADMIN or CAP_SYS_NICE)" : ""
        return "ioprio_set(class \(value >> 13), level \(value & 7)) failed: \(ErrnoNames.describe(code))\(hint)"
    }
}
