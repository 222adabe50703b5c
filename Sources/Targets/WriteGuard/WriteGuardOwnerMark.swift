// "diobench's own" files: the runner marks every file it creates or lays out with the extended
// attribute user.diobench, and the guard lets writes to marked files through on later runs.
//
// Why an xattr: it travels with the inode (survives renames and reboots, goes away with the file),
// costs no side file, and works on ext4, xfs, btrfs, ZFS (xattr=on|sa) and tmpfs (Linux 6.6+).
// Where user xattrs are unsupported, marking fails and the file counts as diobench's own only in the
// run that created it (the undo journal's record); later runs need allow_data_overwrite=1.
import Glibc

public enum WriteGuardOwnerMark {
    public static let attributeName = "user.diobench"
    public static let attributeValue = "laid out by diobench"

    /// Sets the attribute. Returns 0 on success or the errno (ENOTSUP/EOPNOTSUPP: no user xattrs here).
    @discardableResult
    public static func mark(path: String) -> Int32 {
        setAttribute(path: path, value: attributeValue)
    }

    static func setAttribute(path: String, value text: String) -> Int32 {
        guard let call = XattrCalls.setxattr else { return ENOSYS }
        let value = Array(text.utf8)
        let rc = value.withUnsafeBytes { call(path, attributeName, $0.baseAddress, $0.count, 0) }
        return rc == 0 ? 0 : errno
    }

    /// True when the file carries the attribute with diobench's value.
    public static func isMarked(path: String) -> Bool {
        guard let call = XattrCalls.getxattr else { return false }
        var buffer = [UInt8](repeating: 0, count: 64)
        let n = buffer.withUnsafeMutableBytes { call(path, attributeName, $0.baseAddress, $0.count) }
        guard n > 0 else { return false }
        return String(decoding: buffer[0..<n], as: UTF8.self) == attributeValue
    }
}

/// Glibc's Swift module does not import <sys/xattr.h>; the calls are looked up once in the C library.
private enum XattrCalls {
    typealias SetFunction =
        @convention(c) (UnsafePointer<CChar>, UnsafePointer<CChar>, UnsafeRawPointer?, Int, Int32) -> Int32
    typealias GetFunction =
        @convention(c) (UnsafePointer<CChar>, UnsafePointer<CChar>, UnsafeMutableRawPointer?, Int) -> Int

    static let setxattr: SetFunction? =
        dlsym(dlopen(nil, RTLD_NOW), "setxattr").map { unsafeBitCast($0, to: SetFunction.self) }
    static let getxattr: GetFunction? =
        dlsym(dlopen(nil, RTLD_NOW), "getxattr").map { unsafeBitCast($0, to: GetFunction.self) }
}
