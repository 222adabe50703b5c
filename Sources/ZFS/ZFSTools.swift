import Foundation

/// The `zfs` and `zpool` executables, and a way to run them. Commands are built elsewhere as
/// argument arrays whose first element is `zfs` or `zpool`; `run` maps that to the located path.
public struct ZFSTools: Sendable, Equatable {
    public var zfsPath: String
    public var zpoolPath: String

    public init(zfsPath: String, zpoolPath: String) {
        self.zfsPath = zfsPath
        self.zpoolPath = zpoolPath
    }

    /// Directories searched after `$PATH` (root's sbin directories are often not on a user's PATH).
    public static let fallbackDirectories = ["/usr/sbin", "/sbin", "/usr/local/sbin", "/usr/bin", "/bin"]

    /// Finds both commands, or throws `commandMissing` naming the one that is not installed.
    public static func locate(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> ZFSTools {
        var dirs = (environment["PATH"] ?? "").split(separator: ":").map(String.init).filter { !$0.isEmpty }
        dirs += fallbackDirectories.filter { !dirs.contains($0) }
        func find(_ name: String) throws -> String {
            for dir in dirs where FileManager.default.isExecutableFile(atPath: dir + "/" + name) {
                return dir + "/" + name
            }
            throw ZFSError.commandMissing(name: name, searched: dirs)
        }
        return ZFSTools(zfsPath: try find("zfs"), zpoolPath: try find("zpool"))
    }

    /// Runs `command` (`["zfs", …]` or `["zpool", …]`) and returns its standard output; a non-zero
    /// exit throws `commandFailed` with the command line and its standard error.
    @discardableResult
    public func run(_ command: [String]) throws -> String {
        guard let tool = command.first else { return "" }
        let path: String
        switch tool {
        case "zfs": path = zfsPath
        case "zpool": path = zpoolPath
        default: path = tool
        }
        return try Self.runProcess(executable: path, arguments: Array(command.dropFirst()), display: command)
    }

    /// Runs one program to completion, capturing both output streams.
    static func runProcess(executable: String, arguments: [String], display: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        // Parsing depends on the C locale's number and date formats.
        var env = ProcessInfo.processInfo.environment
        env["LC_ALL"] = "C"
        process.environment = env
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            throw ZFSError.commandMissing(name: executable, searched: [executable])
        }
        // Drain stderr on another thread so neither pipe can fill up and block the child.
        let errBox = DataBox()
        let group = DispatchGroup()
        group.enter()
        DispatchQueue.global().async {
            errBox.data = err.fileHandleForReading.readDataToEndOfFile()
            group.leave()
        }
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        process.waitUntilExit()
        let stdout = String(decoding: outData, as: UTF8.self)
        guard process.terminationReason == .exit, process.terminationStatus == 0 else {
            throw ZFSError.commandFailed(
                command: display, status: process.terminationStatus,
                stderr: String(decoding: errBox.data, as: UTF8.self))
        }
        return stdout
    }
}

private final class DataBox: @unchecked Sendable {
    var data = Data()
}
