// Watching the kernel log during a job: open /dev/kmsg, seek to its end (the job's start), and
// later read every record written since, without blocking. Each read(2) of /dev/kmsg returns one
// record, `prio,seq,usec,flags;message` plus optional ` KEY=value` continuation lines
// (Documentation/ABI/testing/dev-kmsg); EAGAIN means no more records, EPIPE means records were
// overwritten in the ring buffer before we read them (the next read continues after the gap).

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import Vocabulary

/// One record of the kernel log.
public struct KernelLogRecord: Sendable, Equatable, Codable {
    /// syslog level 0 (emerg) … 7 (debug).
    public var level: Int
    /// syslog facility: 0 for the kernel, 1 (user) for lines written to /dev/kmsg by programs.
    public var facility: Int
    public var sequence: UInt64
    /// Microseconds since boot.
    public var timestampMicroseconds: UInt64
    /// `-` for a normal record, `c` for a continuation fragment.
    public var flags: String
    /// The message with `\xNN` escapes decoded.
    public var message: String
    /// ` KEY=value` lines after the message (SUBSYSTEM=, DEVICE= …).
    public var properties: [String]

    public init(
        level: Int, facility: Int, sequence: UInt64, timestampMicroseconds: UInt64, flags: String,
        message: String, properties: [String] = []
    ) {
        self.level = level
        self.facility = facility
        self.sequence = sequence
        self.timestampMicroseconds = timestampMicroseconds
        self.flags = flags
        self.message = message
        self.properties = properties
    }

    /// Parses one record as read from /dev/kmsg; nil when it does not have that shape.
    public init?(parsing text: String) {
        guard let semicolon = text.firstIndex(of: ";") else { return nil }
        let prefix = text[..<semicolon].split(separator: ",", omittingEmptySubsequences: false)
        guard prefix.count >= 4, let prio = Int(prefix[0]), let seq = UInt64(prefix[1]),
            let usec = UInt64(prefix[2])
        else { return nil }
        let body = text[text.index(after: semicolon)...]
        var lines = body.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        while lines.last == "" { lines.removeLast() }
        let message = lines.first ?? ""
        self.init(
            level: prio & 7, facility: prio >> 3, sequence: seq, timestampMicroseconds: usec,
            flags: String(prefix[3]), message: Self.unescape(message),
            properties: lines.dropFirst().filter { $0.hasPrefix(" ") }.map { String($0.dropFirst()) })
    }

    /// /dev/kmsg writes non-printable bytes (and backslash) as `\xNN`.
    static func unescape(_ s: String) -> String {
        guard s.contains("\\x") else { return s }
        var out: [UInt8] = []
        let u = Array(s.utf8)
        var i = 0
        func hex(_ c: UInt8) -> UInt8? {
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): return c - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): return c - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): return c - UInt8(ascii: "A") + 10
            default: return nil
            }
        }
        while i < u.count {
            if u[i] == UInt8(ascii: "\\"), i + 3 < u.count, u[i + 1] == UInt8(ascii: "x"),
                let hi = hex(u[i + 2]), let lo = hex(u[i + 3])
            {
                out.append(hi << 4 | lo)
                i += 4
            } else {
                out.append(u[i])
                i += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}

public enum KernelLogClassifier {
    /// The kinds a message belongs to, most specific first; empty for ordinary messages.
    public static func classify(_ message: String) -> [KernelEventKind] {
        var kinds: [KernelEventKind] = []
        if message.contains("NULL pointer dereference") { kinds.append(.nullPointerDereference) }
        if message.contains("general protection fault") { kinds.append(.generalProtectionFault) }
        if message.contains("blocked for more than") && message.contains("task ") { kinds.append(.hungTask) }
        if message.hasPrefix("BUG:") || message.contains("kernel BUG at") { kinds.append(.bug) }
        if message.hasPrefix("Oops:") || message.contains("Internal error: Oops") { kinds.append(.oops) }
        if (message.hasPrefix("VERIFY") && message.contains(" failed")) || message.hasPrefix("PANIC at ")
            || message.hasPrefix("PANIC: ")
        {
            kinds.append(.zfsAssertion)
        }
        if message.contains("has encountered an uncorrectable I/O failure") { kinds.append(.zfsPoolSuspended) }
        if message.hasPrefix("zio pool=") && message.contains(" error=") { kinds.append(.zfsIOError) }
        if message.contains("class=checksum") || message.contains("ereport.fs.zfs.checksum") {
            kinds.append(.zfsChecksum)
        }
        if message.contains("dio_verify_wr") || message.contains("dio_verify_rd") { kinds.append(.zfsDioVerify) }
        return kinds
    }

    public static func events(in records: [KernelLogRecord]) -> [KernelEvent] {
        records.compactMap { r in
            let kinds = classify(r.message)
            guard let kind = kinds.first else { return nil }
            return KernelEvent(
                kind: kind, message: r.message, timestampUs: r.timestampMicroseconds, priority: r.level,
                facility: r.facility)
        }
    }
}

public struct KernelLogError: Error, CustomStringConvertible, Equatable {
    public var operation: String
    public var path: String
    public var errno: Int32
    public var description: String {
        "kernel log watch: \(operation) \(path) failed: \(String(cString: strerror(errno)))"
            + (errno == EACCES || errno == EPERM ? " (reading the kernel log needs root or CAP_SYSLOG)" : "")
    }
}

/// Records written to the kernel log since the watcher started (or since the last read).
public final class KernelLogWatcher {
    public struct Batch: Sendable, Equatable {
        public var records: [KernelLogRecord]
        /// Times the kernel overwrote records before they were read (EPIPE).
        public var overwrittenGaps: Int
        public var events: [KernelEvent] { KernelLogClassifier.events(in: records) }
    }

    private let fd: Int32
    private let path: String
    /// Larger than any record (the kernel's limit is about 8 KiB with its properties).
    private static let bufferSize = 16 * 1024

    /// Opens the log and moves to its end: records written before this call are never returned.
    public init(path: String = "/dev/kmsg") throws {
        self.path = path
        let fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else { throw KernelLogError(operation: "open", path: path, errno: errno) }
        guard lseek(fd, 0, SEEK_END) >= 0 else {
            let e = errno
            close(fd)
            throw KernelLogError(operation: "seek to the end of", path: path, errno: e)
        }
        self.fd = fd
    }

    deinit { close(fd) }

    /// Every record written since the start or the previous call, without waiting for more.
    public func readNew() throws -> Batch {
        var records: [KernelLogRecord] = []
        var gaps = 0
        var buffer = [UInt8](repeating: 0, count: Self.bufferSize)
        while true {
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n > 0 {
                let text = String(decoding: buffer[0..<n], as: UTF8.self)
                if let record = KernelLogRecord(parsing: text) { records.append(record) }
                continue
            }
            if n == 0 { break }
            switch errno {
            case EAGAIN: return Batch(records: records, overwrittenGaps: gaps)
            case EINTR: continue
            case EPIPE: gaps += 1
            default: throw KernelLogError(operation: "read", path: path, errno: errno)
            }
        }
        return Batch(records: records, overwrittenGaps: gaps)
    }
}
