internal import Foundation
import Glibc

/// A fresh directory for one test, made with mkdtemp and named `diobench-<label>-XXXXXX`, removed with
/// everything in it when the value goes away. By default it is made on the work disk (under the package's
/// `.build`), not in tmpfs: tests use O_DIRECT and need a real file system. A test that needs a particular file
/// system passes the place: `/dev/shm` for tmpfs, `/tmp` for what /tmp is.
///
/// Keep the value alive for as long as the directory is used: when it goes away, so does the directory.
public final class TemporaryDirectory: Sendable {
    /// Where directories go unless a test asks for another place (made when missing).
    public static let workDisk = packageRoot + "/.build/test-scratch"

    /// tmpfs, for tests that compare counts, bytes or system calls with fio's rather than a disk's behaviour.
    /// fio's page-cache drops (which diobench repeats) make every read after a layout go to the storage:
    /// on the work disk the differential suites made about 300,000 disk I/Os, and on CI's slower disk the fast
    /// suite took 52 minutes instead of 5. In tmpfs the same drops cost no I/O. O_DIRECT works there (Linux 6.6+).
    public static let memory = "/dev/shm"

    public let path: String

    /// Makes `base/diobench-<label>-XXXXXX`; `base` must exist, except the work-disk default, which is made.
    public init(_ label: String, under base: String = TemporaryDirectory.workDisk) throws {
        if base == Self.workDisk {
            try FileManager.default.createDirectory(atPath: base, withIntermediateDirectories: true)
        }
        var template = Array("\(base)/diobench-\(label)-XXXXXX".utf8CString)
        let made = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
        guard made != nil else {
            throw TemporaryDirectoryError(
                description: "mkdtemp under \(base) failed: \(String(cString: strerror(errno)))")
        }
        path = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
    }

    /// The path of `name` in the directory (nothing is created).
    public func file(_ name: String) -> String { path + "/" + name }

    /// Writes `text` (UTF-8) to `name` in the directory and returns the file's path.
    @discardableResult
    public func write(_ name: String, _ text: String) throws -> String {
        let file = file(name)
        try text.write(toFile: file, atomically: true, encoding: .utf8)
        return file
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }
}

struct TemporaryDirectoryError: Error, CustomStringConvertible {
    var description: String
}
