import Foundation

/// Where the lab's pieces are: the diobench package (its `Lab/` scripts, the guest build's scratch
/// path) and the image cache.
public struct LabPaths: Sendable, Equatable {
    /// The diobench source tree (the directory holding Package.swift and Lab/).
    public var packageRoot: String
    /// The image built by Lab/build-image.sh (vmlinuz, initrd.img, rootfs.img, rootfs/).
    public var imageDirectory: String
    /// The variant to boot (`--image NAME`, built by `lab build --zfs-source`); nil: the base image.
    public var image: String?

    public init(packageRoot: String, imageDirectory: String) {
        self.packageRoot = packageRoot
        self.imageDirectory = imageDirectory
    }

    public var labDirectory: String { packageRoot + "/Lab" }
    /// What the VM boots: the variant's folder, or the base image.
    public var bootImageDirectory: String { image.map { LabVariants.directory(self, name: $0) } ?? imageDirectory }
    public var buildVariantScript: String { labDirectory + "/build-zfs-variant.sh" }
    public var buildImageScript: String { labDirectory + "/build-image.sh" }
    public var runInVMScript: String { labDirectory + "/run-in-vm.sh" }
    public var guestDirectory: String { labDirectory + "/guest" }
    /// `swift build --scratch-path` of the guest binary, apart from the debug build in .build.
    public var guestScratchPath: String { packageRoot + "/.build-lab" }

    /// `$DIOBENCH_LAB_IMAGE_DIR`, else `~/.cache/diobench/lab`.
    public static func defaultImageDirectory(environment: [String: String] = ProcessInfo.processInfo.environment)
        -> String
    {
        if let dir = environment["DIOBENCH_LAB_IMAGE_DIR"], !dir.isEmpty { return dir }
        let home = environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory()
        return home + "/.cache/diobench/lab"
    }

    /// Finds the package: the given directory, `$DIOBENCH_PACKAGE_DIR`, the current directory or one
    /// above it, the directory the running binary was built in (`.build/<config>/diobench`), or
    /// the tree this file was compiled from.
    public static func locate(
        packageRoot explicit: String? = nil, imageDirectory: String? = nil,
        environment: [String: String] = ProcessInfo.processInfo.environment,
        executable: String = CommandLine.arguments.first ?? "",
        compiledAt: String = #filePath
    ) throws -> LabPaths {
        let image = imageDirectory ?? defaultImageDirectory(environment: environment)
        if let explicit {
            guard isPackageRoot(explicit) else { throw LabError.notAPackage(explicit) }
            return LabPaths(packageRoot: absolute(explicit), imageDirectory: absolute(image))
        }
        var candidates: [String] = []
        if let dir = environment["DIOBENCH_PACKAGE_DIR"], !dir.isEmpty { candidates.append(dir) }
        candidates += ancestors(of: FileManager.default.currentDirectoryPath)
        let exe = URL(fileURLWithPath: executable).resolvingSymlinksInPath().path
        candidates += ancestors(of: (exe as NSString).deletingLastPathComponent)
        candidates += ancestors(of: (compiledAt as NSString).deletingLastPathComponent)
        guard let root = candidates.first(where: isPackageRoot) else {
            throw LabError.packageNotFound(searched: candidates)
        }
        return LabPaths(packageRoot: absolute(root), imageDirectory: absolute(image))
    }

    static func isPackageRoot(_ dir: String) -> Bool {
        let fm = FileManager.default
        guard fm.fileExists(atPath: dir + "/Lab/run-in-vm.sh"),
            let manifest = fm.contents(atPath: dir + "/Package.swift")
        else { return false }
        return String(decoding: manifest, as: UTF8.self).contains("name: \"diobench\"")
    }

    static func ancestors(of path: String) -> [String] {
        var out: [String] = []
        var p = absolute(path)
        while true {
            out.append(p)
            let parent = (p as NSString).deletingLastPathComponent
            if parent == p || parent.isEmpty { break }
            p = parent
        }
        return out
    }

    static func absolute(_ path: String) -> String {
        let p = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
        return (p as NSString).standardizingPath
    }
}
