// One way to name an errno, for every module's messages and reports.
#if canImport(Glibc)
import Glibc
#endif

/// Symbolic names of Linux errno values ("EINVAL" reads better than 22), and the one way messages show an
/// errno: "EINVAL (Invalid argument)".
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

    /// "EINVAL" for 22: glibc's own name (strerrorname_np, glibc 2.32+) where it has one, else the table's,
    /// else "E<n>".
    public static func name(_ errno: Int32) -> String {
        if let lookup = glibcStrerrorname, let name = lookup(errno) { return String(cString: name) }
        return table[errno] ?? "E\(errno)"
    }

    /// strerror(3) text, e.g. "Invalid argument".
    public static func message(_ errno: Int32) -> String {
        guard let p = strerror(errno) else { return name(errno) }
        return String(cString: p)
    }

    /// Name and strerror(3) text, as error messages show an errno: "EINVAL (Invalid argument)".
    public static func describe(_ errno: Int32) -> String { "\(name(errno)) (\(message(errno)))" }
}

/// glibc's strerrorname_np, hidden from Swift behind _GNU_SOURCE.
private let glibcStrerrorname: (@convention(c) (Int32) -> UnsafePointer<CChar>?)? = {
    guard let symbol = dlsym(nil, "strerrorname_np") else { return nil }
    return unsafeBitCast(symbol, to: (@convention(c) (Int32) -> UnsafePointer<CChar>?).self)
}()
