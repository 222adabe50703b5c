import Foundation

/// The host directory shared into the guest at /mnt/share: `bin/diobench`, the job files under
/// `jobs/` (with their includes, in the same layout, since includes are relative to the file that
/// includes them) and `results/`, where the guest's `diobench run --save` writes.
public struct LabShare: Sendable {
    public static let guestMount = "/mnt/share"
    public let directory: String

    /// A fresh share under `parent` (default: the temporary directory).
    public init(parent: String = NSTemporaryDirectory()) throws {
        let dir = (parent as NSString).appendingPathComponent(
            "diobench-lab-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        try FileManager.default.createDirectory(atPath: dir + "/bin", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: dir + "/jobs", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: dir + "/results", withIntermediateDirectories: true)
        directory = dir
    }

    public init(existing directory: String) { self.directory = directory }

    public var resultsDirectory: String { directory + "/results" }

    /// Puts the guest binary in (a hard link when possible: it is about 90 MB).
    public func addBinary(_ binary: String) throws {
        let target = directory + "/bin/diobench"
        try? FileManager.default.removeItem(atPath: target)
        if link(binary, target) != 0 { try FileManager.default.copyItem(atPath: binary, toPath: target) }
    }

    /// Copies `files` keeping their layout below their deepest common directory; returns the guest
    /// path of each, in order.
    @discardableResult
    public func addJobFiles(_ files: [String]) throws -> [String] {
        let absolute = files.map(LabPaths.absolute)
        let base = Self.commonDirectory(absolute)
        var guestPaths: [String] = []
        for file in absolute {
            let relative = String(file.dropFirst(base.count)).drop { $0 == "/" }
            let target = directory + "/jobs/" + relative
            try FileManager.default.createDirectory(
                atPath: (target as NSString).deletingLastPathComponent,
                withIntermediateDirectories: true)
            try? FileManager.default.removeItem(atPath: target)
            try FileManager.default.copyItem(atPath: file, toPath: target)
            guestPaths.append(Self.guestMount + "/jobs/" + relative)
        }
        return guestPaths
    }

    /// Puts in the guest binary and every file the jobs read (job files, then includes); returns the guest
    /// path of each job file as given on the command line (a name it cannot find is passed on unchanged).
    public func addRun(binary: String, jobFiles: [String], filesRead: [String]) throws -> [String] {
        try addBinary(binary)
        let guestFiles = try addJobFiles(filesRead)
        let absolute = filesRead.map(LabPaths.absolute)
        return jobFiles.map { job in absolute.firstIndex(of: LabPaths.absolute(job)).map { guestFiles[$0] } ?? job }
    }

    /// Copies a whole directory into the share (e.g. a test suite's job files).
    public func addDirectory(_ source: String, as name: String) throws {
        let target = directory + "/" + name
        try? FileManager.default.removeItem(atPath: target)
        try FileManager.default.copyItem(atPath: source, toPath: target)
    }

    public func remove() {
        try? FileManager.default.removeItem(atPath: directory)
    }

    static func commonDirectory(_ paths: [String]) -> String {
        let dirs = paths.map { ($0 as NSString).deletingLastPathComponent.split(separator: "/").map(String.init) }
        guard var common = dirs.first else { return "/" }
        for d in dirs.dropFirst() {
            common = Array(zip(common, d).prefix { $0 == $1 }.map(\.0))
        }
        return "/" + common.joined(separator: "/")
    }
}

#if canImport(Glibc)
import Glibc
#endif
