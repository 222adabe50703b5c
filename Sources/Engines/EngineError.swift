import Glibc

/// Why an engine could not be set up. `message` says what failed and what to do about it;
/// `errno` is the raw cause (0 when the failure is not a syscall's).
public struct EngineError: Error, CustomStringConvertible, Sendable, Equatable {
    public var message: String
    public var errno: Int32

    public init(_ message: String, errno: Int32 = 0) {
        self.message = message
        self.errno = errno
    }

    public var description: String { message }
}

/// The path behind an fd, for messages ("/tmp/x (fd 7)"); "fd 7" when /proc can't tell.
func describeFD(_ fd: Int32) -> String {
    guard let path = readLink("/proc/self/fd/\(fd)") else { return "fd \(fd)" }
    return "\(path) (fd \(fd))"
}

/// Where the symbolic link at `path` points; nil when it can't be read.
func readLink(_ path: String) -> String? {
    var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
    let n = readlink(path, &buffer, Int(PATH_MAX))
    guard n > 0 else { return nil }
    return String(decoding: buffer[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
}
