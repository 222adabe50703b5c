import Foundation

/// The diobench that runs in the guest: a release build with the Swift standard library linked in
/// (`--static-swift-stdlib`), in its own scratch path so the debug build is left alone. liburing,
/// libstdc++ and glibc stay dynamic; the image carries them (checked against its root tree).
public enum GuestBinary {
    public static func buildCommand(_ paths: LabPaths) -> [String] {
        [
            "swift", "build", "-c", "release", "--static-swift-stdlib", "--scratch-path", paths.guestScratchPath,
            "--package-path", paths.packageRoot, "--product", "diobench",
        ]
    }

    /// Builds (incrementally) and returns the binary's path and the build's wall time.
    public static func build(_ paths: LabPaths, log: (String) -> Void) throws -> (path: String, seconds: Double) {
        let command = buildCommand(paths)
        log("building the guest binary: \(command.joined(separator: " "))")
        let start = Date()
        let status = try LabProcess.stream(command)
        guard status == 0 else { throw LabError.commandFailed(command: "swift build (guest binary)", status: status) }
        let binPath = try LabProcess.capture(command + ["--show-bin-path"])
        let dir = binPath.output.split(separator: "\n").last.map(String.init) ?? paths.guestScratchPath + "/release"
        return (dir + "/diobench", Date().timeIntervalSince(start))
    }

    /// Libraries the binary loads (from ldd) that the image lacks, and glibc symbol versions newer
    /// than the image's. Throws with what to do; returns the dynamic libraries (for the report).
    @discardableResult
    public static func check(_ binary: String, image: String) throws -> [String] {
        let ldd = try LabProcess.capture(["ldd", binary])
        guard ldd.status == 0 else { throw LabError.commandFailed(command: "ldd \(binary)", status: ldd.status) }
        let libraries = neededLibraries(lddOutput: ldd.output)
        let root = image + "/rootfs"
        if FileManager.default.fileExists(atPath: root) {
            let dirs = [
                "/usr/lib/x86_64-linux-gnu", "/lib/x86_64-linux-gnu", "/usr/lib", "/lib", "/lib64", "/usr/lib64",
            ]
            let missing = libraries.filter { lib in
                !dirs.contains { FileManager.default.fileExists(atPath: root + $0 + "/" + lib) }
            }
            if !missing.isEmpty { throw LabError.guestLibraryMissing(binary: binary, libraries: missing, image: image) }
        }
        if let guest = LabImage.glibcVersion(image), let needs = try? newestGlibcSymbol(binary),
            versionLess(guest, needs.replacingOccurrences(of: "GLIBC_", with: ""))
        {
            throw LabError.guestGlibcTooOld(binary: binary, needs: needs, guest: guest)
        }
        return libraries
    }

    /// `libfoo.so.N` names from ldd's `libfoo.so.N => /path (0x…)` and `/lib64/ld-linux….so.2 (0x…)` lines.
    static func neededLibraries(lddOutput: String) -> [String] {
        lddOutput.split(separator: "\n").compactMap { line in
            let t = line.trimmingCharacters(in: .whitespaces)
            guard !t.hasPrefix("linux-vdso"), let first = t.split(separator: " ").first else { return nil }
            return (String(first) as NSString).lastPathComponent
        }
    }

    static func newestGlibcSymbol(_ binary: String) throws -> String? {
        guard LabProcess.which("objdump") != nil else { return nil }
        let out = try LabProcess.capture(["objdump", "-T", binary]).output
        var versions = Set<String>()
        for token in out.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "(" || $0 == ")" })
        where token.hasPrefix("GLIBC_2.") { versions.insert(String(token)) }
        return versions.max {
            versionLess(
                $0.replacingOccurrences(of: "GLIBC_", with: ""), $1.replacingOccurrences(of: "GLIBC_", with: ""))
        }
    }

    static func versionLess(_ a: String, _ b: String) -> Bool {
        let x = a.split(separator: ".").map { Int($0) ?? 0 }, y = b.split(separator: ".").map { Int($0) ?? 0 }
        for i in 0..<max(x.count, y.count) {
            let p = i < x.count ? x[i] : 0, q = i < y.count ? y[i] : 0
            if p != q { return p < q }
        }
        return false
    }
}
