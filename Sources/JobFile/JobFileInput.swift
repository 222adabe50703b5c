import SystemCalls
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Where job-file text comes from: a path, or `-` for standard input as in fio (`fio - <<EOF`).
/// Files are read with read(2) to their end, so `/dev/stdin` and `<(…)` work on the command line as
/// well as regular files; includes must be regular files, and a size cap stops `/dev/zero`.
public enum JobFileInput {
    /// The command-line name for standard input.
    public static let standardInputArgument = "-"
    /// Standard input's name in messages, results and saved copies.
    public static let standardInputName = "<stdin>"
    /// No job file is this big; a bigger input is something else (a device, /dev/zero).
    static let maximumBytes = 16 << 20

    /// How `path` is named in messages and results: `<stdin>` for `-`, else itself.
    public static func sourceName(of path: String) -> String {
        path == standardInputArgument ? standardInputName : path
    }

    /// Standard input, read once for the process: `compare` parses the job file once per cell.
    public static func standardInputText() throws(JobFileError) -> String {
        try standardInput.get()
    }

    private static let standardInput: Result<String, JobFileError> = {
        let location = JobFileLocation(file: standardInputName, line: 0)
        if isatty(STDIN_FILENO) == 1 {
            return .failure(
                JobFileError(
                    kind: .unreadable, location: location,
                    message: "'-' reads the job file from standard input, which is a terminal",
                    valid: "pipe a job file in (`diobench run - < job.fio`) or name the file"))
        }
        return Result { () throws(JobFileError) in
            try text(fd: STDIN_FILENO, location: location, described: "standard input")
        }
    }()

    /// The text of the file at `path`.
    static func text(of path: String, location: JobFileLocation, isInclude: Bool) throws(JobFileError) -> String {
        let what = isInclude ? "included file '\(path)'" : "job file '\(path)'"
        func failure(
            _ reason: String, valid: String? = isInclude ? "include paths are relative to the including file" : nil
        ) -> JobFileError {
            JobFileError(
                kind: isInclude ? .include : .unreadable, location: location, message: "\(what) \(reason)", valid: valid
            )
        }
        // An include is opened without blocking and checked on the open file: a pipe or device there could
        // block or never end. On the command line any file is the user's choice (a FIFO's open waits for
        // its writer, as it should).
        let fd = open(path, O_RDONLY | O_CLOEXEC | (isInclude ? O_NONBLOCK : 0))
        guard fd >= 0 else {
            throw failure(errno == ENOENT ? "does not exist" : "can't be read: \(String(cString: strerror(errno)))")
        }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw failure("can't be read: \(String(cString: strerror(errno)))") }
        if info.st_mode & S_IFMT == S_IFDIR {
            throw failure("is a directory", valid: "name a job file, not a directory")
        }
        if isInclude && info.st_mode & S_IFMT != S_IFREG {
            throw failure("is not a regular file", valid: "include a job file, a text file of options")
        }
        return try text(fd: fd, location: location, described: what)
    }

    private static func text(fd: Int32, location: JobFileLocation, described: String) throws(JobFileError) -> String {
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 << 10)
        while true {
            let n = retryingInterrupted { chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) } }
            if n == 0 { break }
            if n < 0 {
                throw JobFileError(
                    kind: .unreadable, location: location,
                    message: "\(described) can't be read: \(String(cString: strerror(errno)))")
            }
            bytes += chunk[0..<n]
            if bytes.count > maximumBytes {
                throw JobFileError(
                    kind: .unreadable, location: location,
                    message: "\(described) is larger than \(maximumBytes >> 20) MiB, too big for a job file",
                    valid: "a job file is a text file of sections and options")
            }
        }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw JobFileError(
                kind: .unreadable, location: location, message: "\(described) can't be read as UTF-8 text")
        }
        return text
    }
}
