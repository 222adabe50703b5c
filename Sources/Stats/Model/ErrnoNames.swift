#if canImport(Glibc)
import Glibc
#endif

/// Symbolic names of Linux errno values, for reports ("EINVAL" reads better than 22).
public enum ErrnoNames {
    static let table: [Int32: String] = [
        1: "EPERM", 2: "ENOENT", 3: "ESRCH", 4: "EINTR", 5: "EIO", 6: "ENXIO", 7: "E2BIG", 8: "ENOEXEC",
        9: "EBADF", 10: "ECHILD", 11: "EAGAIN", 12: "ENOMEM", 13: "EACCES", 14: "EFAULT", 15: "ENOTBLK",
        16: "EBUSY", 17: "EEXIST", 18: "EXDEV", 19: "ENODEV", 20: "ENOTDIR", 21: "EISDIR", 22: "EINVAL",
        23: "ENFILE", 24: "EMFILE", 25: "ENOTTY", 26: "ETXTBSY", 27: "EFBIG", 28: "ENOSPC", 29: "ESPIPE",
        30: "EROFS", 31: "EMLINK", 32: "EPIPE", 33: "EDOM", 34: "ERANGE", 35: "EDEADLK", 36: "ENAMETOOLONG",
        37: "ENOLCK", 38: "ENOSYS", 39: "ENOTEMPTY", 40: "ELOOP", 52: "EBADE", 61: "ENODATA", 62: "ETIME",
        74: "EBADMSG", 75: "EOVERFLOW", 95: "EOPNOTSUPP", 110: "ETIMEDOUT", 121: "EREMOTEIO", 122: "EDQUOT",
        125: "ECANCELED",
    ]

    /// "EINVAL" for 22; "E<n>" for values not in the table.
    public static func name(_ errno: Int32) -> String { table[errno] ?? "E\(errno)" }

    /// strerror(3) text, e.g. "Invalid argument".
    public static func message(_ errno: Int32) -> String {
        guard let p = strerror(errno) else { return name(errno) }
        return String(cString: p)
    }

    /// Name and strerror(3) text, as error messages show an errno: "EINVAL (Invalid argument)".
    public static func describe(_ errno: Int32) -> String { "\(name(errno)) (\(message(errno)))" }
}
