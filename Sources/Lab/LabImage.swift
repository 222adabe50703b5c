import Foundation

/// The VM image: Debian trixie with OpenZFS 2.3 from Debian's packages, built by Lab/build-image.sh
/// into the image directory and reused from there.
public enum LabImage {
    public static let requiredFiles = ["vmlinuz", "initrd.img", "rootfs.img"]

    public static func isBuilt(_ directory: String) -> Bool {
        requiredFiles.allSatisfy { FileManager.default.fileExists(atPath: directory + "/" + $0) }
    }

    /// Builds the image when `paths` has none yet (minutes, once), saying so through `log`.
    public static func buildIfMissing(_ paths: LabPaths, log: (String) -> Void) throws {
        guard !isBuilt(paths.imageDirectory) else { return }
        log("no image in \(paths.imageDirectory) yet: building it first (about 6 minutes, once)")
        try build(paths)
    }

    /// Builds (or, when every stage is cached, only checks) the image. The script prints each stage
    /// as it starts and ends; debootstrap, apt and dkms print their own progress. Needs root.
    /// Returns the wall time in seconds.
    @discardableResult
    public static func build(_ paths: LabPaths, force: Bool = false, installHostTools: Bool = false) throws -> Double {
        guard getuid() == 0 else {
            throw LabError.toolMissing(tool: "root", fix: "sudo diobench lab build (debootstrap and chroot need root)")
        }
        var env: [String: String] = [:]
        if force { env["FORCE"] = "1" }
        if installHostTools { env["INSTALL_HOST_TOOLS"] = "1" }
        let start = Date()
        let status = try LabProcess.stream(
            ["/bin/bash", paths.buildImageScript, paths.imageDirectory], environment: env)
        guard status == 0 else {
            throw LabError.commandFailed(command: "Lab/build-image.sh \(paths.imageDirectory)", status: status)
        }
        return Date().timeIntervalSince(start)
    }

    /// What the image says about itself (build-image.sh writes these files).
    public struct Facts: Sendable, Equatable, Codable {
        public var zfsPackage: String?
        public var kernel: String?
        /// Seconds per stage of the build that made it (debootstrap, packages, dkms, config, image).
        public var buildSeconds: [String: Int]
        /// The variant booted (ZFS built from source), when not the base image.
        public var variant: LabVariant?
    }

    /// The facts of the image `paths` boots: the base image's, with the variant's record when it is one.
    public static func facts(_ paths: LabPaths) -> Facts {
        var facts = facts(paths.imageDirectory)
        if paths.image != nil { facts.variant = LabVariants.read(paths.bootImageDirectory) }
        return facts
    }

    public static func facts(_ directory: String) -> Facts {
        func read(_ name: String) -> String? {
            (try? String(contentsOfFile: directory + "/" + name, encoding: .utf8))?.trimmingCharacters(
                in: .whitespacesAndNewlines)
        }
        var seconds: [String: Int] = [:]
        for line in (read("build-times.txt") ?? "").split(separator: "\n") {
            let f = line.split(separator: " ")
            if f.count >= 2, let s = Int(f[1].dropLast()) { seconds[String(f[0])] = s }
        }
        return Facts(
            zfsPackage: read("zfs-version"), kernel: read("kernel-version"), buildSeconds: seconds, variant: nil)
    }

    /// The glibc version of the image (from its dpkg database), e.g. "2.41".
    static func glibcVersion(_ directory: String) -> String? {
        guard let status = try? String(contentsOfFile: directory + "/rootfs/var/lib/dpkg/status", encoding: .utf8)
        else { return nil }
        var inLibc = false
        for line in status.split(separator: "\n") {
            if line.hasPrefix("Package: ") { inLibc = line == "Package: libc6" }
            if inLibc, line.hasPrefix("Version: ") {
                let version = line.dropFirst("Version: ".count)
                return String(version.prefix { $0 != "-" })
            }
        }
        return nil
    }
}

#if canImport(Glibc)
import Glibc
#endif
