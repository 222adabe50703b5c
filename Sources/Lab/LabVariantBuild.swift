import Foundation

/// `diobench lab build --zfs-source`: a variant image whose ZFS comes from an OpenZFS source, cached by a
/// hash of the source and its patches, and checked by booting it once (the guest's own word on the
/// module version is what `lab images` shows).
public enum LabVariantBuild {
    public struct Request: Sendable {
        public var source: String
        public var patches: [String]
        /// nil: a name made from the source (`zfs-2.3.0`, plus `+PATCH` per patch).
        public var name: String?
        /// Build again even when a variant with the same key exists.
        public var force = false

        public init(source: String, patches: [String] = [], name: String? = nil) {
            self.source = source
            self.patches = patches
            self.name = name
        }
    }

    public struct Outcome: Sendable {
        public var variant: LabVariant
        /// The variant was already built (same source and patches): nothing was done.
        public var cached: Bool
    }

    public static func build(_ paths: LabPaths, _ request: Request, log: (String) -> Void) throws -> Outcome {
        let source = LabPaths.absolute(request.source)
        let patches = request.patches.map(LabPaths.absolute)
        for patch in patches where !FileManager.default.fileExists(atPath: patch) {
            throw LabError.sourceMissing(path: patch)
        }
        let identity = try LabVariantSource.identity(of: source)
        let patchHashes = try patches.map(LabVariantSource.sha256(ofFile:))
        let key = try LabVariant.key(sourceIdentity: identity, patchHashes: patchHashes)
        let name = try request.name.map(checkedName) ?? defaultName(source: source, patches: patches)
        let existing = LabVariants.all(paths)
        if !request.force, var same = existing.first(where: { $0.key == key }) {
            log("\(same.name) is already built from this source and these patches (key \(key)): nothing to build")
            if let wanted = request.name, wanted != same.name {
                // The same build under the name asked for now (the old name goes: one build, one name).
                if let taken = existing.first(where: { $0.name == wanted }) {
                    throw LabError.nameTaken(name: wanted, key: taken.key, source: taken.source)
                }
                try FileManager.default.moveItem(
                    atPath: LabVariants.directory(paths, name: same.name),
                    toPath: LabVariants.directory(paths, name: wanted))
                log("renamed image \(same.name) to \(wanted)")
                same.name = wanted
                try LabVariants.write(same, to: LabVariants.directory(paths, name: wanted))
            }
            return Outcome(variant: same, cached: true)
        }
        if let taken = existing.first(where: { $0.name == name }), taken.key != key, !request.force {
            throw LabError.nameTaken(name: name, key: taken.key, source: taken.source)
        }
        try LabImage.buildIfMissing(paths, log: log)
        guard getuid() == 0 else {
            throw LabError.toolMissing(
                tool: "root", fix: "sudo diobench lab build --zfs-source … (overlay mounts, chroot)")
        }
        // Built aside and moved into place at the end: a failed or interrupted build never looks built.
        let building = LabVariants.root(paths) + "/.building-" + name
        let final = LabVariants.directory(paths, name: name)
        let keyFile = building + "/key"
        let finished =
            (try? String(contentsOfFile: keyFile, encoding: .utf8)) == key
            && LabImage.isBuilt(building) && FileManager.default.fileExists(atPath: building + "/zfs-build.txt")
        if finished {
            // The script finished before (the check boot or the move did not): its image is reused.
            log("image \(name) (key \(key)) was built by an earlier call that stopped after the build: reusing it")
        } else {
            try? FileManager.default.removeItem(atPath: building)
            try FileManager.default.createDirectory(atPath: building, withIntermediateDirectories: true)
            try key.write(toFile: keyFile, atomically: true, encoding: .utf8)
            log(
                "building image \(name) (key \(key)) from \(source)\(patches.isEmpty ? "" : " with \(patches.count) patch(es)")"
            )
            // Patches over a source already built without them: the script may rebuild only the kernel
            // modules, on top of that build's tree (it decides from the files the patches touch).
            var environment: [String: String] = [:]
            if !patches.isEmpty,
                let unpatched = existing.first(where: {
                    $0.sourceIdentity == identity && $0.patches.isEmpty
                        && FileManager.default.fileExists(
                            atPath: LabVariants.directory(paths, name: $0.name) + "/layer/upper")
                })
            {
                environment["ON_TOP_OF"] = LabVariants.directory(paths, name: unpatched.name)
            }
            let status = try LabProcess.stream(
                ["/bin/bash", paths.buildVariantScript, paths.imageDirectory, building, source] + patches,
                environment: environment)
            guard status == 0 else {
                if status == 3 { throw LabError.variantBuildFailed(log: building + "/build.log", status: status) }
                throw LabError.commandFailed(command: "Lab/build-zfs-variant.sh", status: status)
            }
        }
        let built = facts(building + "/zfs-build.txt")
        var variant = LabVariant(
            name: name, source: source, sourceIdentity: identity,
            patches: zip(patches, patchHashes).map { LabVariant.Patch(path: $0, sha256: $1) }, key: key,
            builtAt: ISO8601DateFormatter().string(from: Date()),
            buildSeconds: built["build_seconds"].flatMap { Int($0) },
            imageSeconds: built["image_seconds"].flatMap { Int($0) }, kernel: built["kernel"],
            moduleVersion: built["version"], moduleSrcversion: built["srcversion"], builtOnTopOf: built["on_top_of"],
            kernelOnly: built["config"] == "kernel")
        try LabVariants.write(variant, to: building)
        try? FileManager.default.removeItem(atPath: final)
        try FileManager.default.moveItem(atPath: building, toPath: final)
        // The check boot: the guest loads the module and says which it is.
        var booted = paths
        booted.image = name
        let reported = try guestModule(booted, log: log)
        variant.guestVersion = reported.version
        variant.guestSrcversion = reported.srcversion
        try LabVariants.write(variant, to: final)
        guard reported.srcversion == variant.moduleSrcversion else {
            throw LabError.commandFailed(
                command: "the check boot of \(name): the guest loaded zfs srcversion \(reported.srcversion ?? "none"), "
                    + "not the built \(variant.moduleSrcversion ?? "?")", status: 1)
        }
        return Outcome(variant: variant, cached: false)
    }

    /// Boots the image once (no scratch disk) and reads `/sys/module/zfs/version` and `srcversion`.
    public static func guestModule(_ paths: LabPaths, log: (String) -> Void) throws -> (
        version: String?, srcversion: String?
    ) {
        let share = try LabShare()
        defer { share.remove() }
        var vm = LabVM(paths: paths)
        vm.disks = []
        vm.timeoutSeconds = 600
        log("check boot of image \(paths.image ?? "default"): which zfs module does the guest load?")
        let outcome = try vm.run(script: paths.guestDirectory + "/zfs-module.sh", share: share)
        let found = facts(share.directory + "/zfs-module.txt")
        guard outcome.status == 0, found["version"] != nil else {
            throw LabError.commandFailed(
                command: "the check boot of image \(paths.image ?? "default") (modprobe zfs)", status: outcome.status)
        }
        log("the guest loaded zfs \(found["version"] ?? "?") (srcversion \(found["srcversion"] ?? "?"))")
        return (found["version"], found["srcversion"])
    }

    /// `key=value` lines.
    static func facts(_ path: String) -> [String: String] {
        let text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
        var out: [String: String] = [:]
        for line in text.split(separator: "\n") {
            let kv = line.split(separator: "=", maxSplits: 1)
            if kv.count == 2 { out[String(kv[0])] = String(kv[1]).trimmingCharacters(in: .whitespaces) }
        }
        return out
    }

    /// `zfs-2.3.0` from `zfs-2.3.0.tar.xz` or from a tree's META (`Version: 2.3.0`), plus `+STEM` per patch
    /// (`zfs-2.3.0-pr17006-fix.patch` adds `+pr17006-fix`, the source's own name dropped from the stem).
    static func defaultName(source: String, patches: [String]) throws -> String {
        var base = (source as NSString).lastPathComponent
        for suffix in [".tar.xz", ".tar.gz", ".tar.zst", ".tar.bz2", ".tgz", ".tar"] where base.hasSuffix(suffix) {
            base = String(base.dropLast(suffix.count))
        }
        if let meta = try? String(contentsOfFile: source + "/META", encoding: .utf8),
            let line = meta.split(separator: "\n").first(where: { $0.hasPrefix("Version:") })
        {
            base = "zfs-" + line.dropFirst("Version:".count).trimmingCharacters(in: .whitespaces)
        }
        var name = base
        for patch in patches {
            var stem = ((patch as NSString).lastPathComponent as NSString).deletingPathExtension
            if stem.hasPrefix(base + "-") { stem = String(stem.dropFirst(base.count + 1)) }
            name += "+" + stem
        }
        return try checkedName(name)
    }

    /// A name is a folder name: letters, digits and `._+-`, not starting with a dot.
    static func checkedName(_ name: String) throws -> String {
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._+-")
        guard !name.isEmpty, !name.hasPrefix("."), name != "default", name.allSatisfy(allowed.contains) else {
            throw LabError.badImageName(name)
        }
        return name
    }
}
