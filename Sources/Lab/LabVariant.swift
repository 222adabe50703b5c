import Foundation

/// A lab image variant: the base image with its ZFS (modules and userland) built from an OpenZFS source
/// tree or tarball, optionally patched, by Lab/build-zfs-variant.sh. Variants live in
/// `<image dir>/variants/<name>/` beside the base image, which stays Debian's zfs; `--image NAME` boots one.
public struct LabVariant: Sendable, Codable, Equatable {
    public struct Patch: Sendable, Codable, Equatable {
        public var path: String
        public var sha256: String
    }

    public var name: String
    /// The tree or tarball as the user named it (absolute).
    public var source: String
    /// What identifies the source's content (see `LabVariantSource.identity`).
    public var sourceIdentity: String
    public var patches: [Patch]
    /// The cache key: a hash of the source identity and the patches' hashes, in order.
    public var key: String
    public var builtAt: String
    public var buildSeconds: Int?
    public var imageSeconds: Int?
    public var kernel: String?
    /// `modinfo -F version` / `-F srcversion` of the built zfs.ko. Two builds of one release report the same
    /// version (2.3.0-1 with and without a fix); srcversion tells them apart.
    public var moduleVersion: String?
    public var moduleSrcversion: String?
    /// `/sys/module/zfs/version` and `srcversion` as the booted guest reported them (the build's check boot).
    public var guestVersion: String?
    public var guestSrcversion: String?
    /// Built on top of this variant's tree (same source, patches on top), when it was.
    public var builtOnTopOf: String?
    /// Only the kernel modules were rebuilt (the patches touch nothing else); userland is `builtOnTopOf`'s.
    public var kernelOnly: Bool?

    /// The key for a source identity and patch hashes: the first 16 hex digits of their SHA-256.
    public static func key(sourceIdentity: String, patchHashes: [String]) throws -> String {
        let text = ([sourceIdentity] + patchHashes).joined(separator: "\n")
        return String(try LabVariantSource.sha256(ofText: text).prefix(16))
    }
}

/// Where variants are and which one a name means.
public enum LabVariants {
    public static func root(_ paths: LabPaths) -> String { paths.imageDirectory + "/variants" }

    public static func directory(_ paths: LabPaths, name: String) -> String { root(paths) + "/" + name }

    static let recordName = "variant.json"

    /// Every built variant (those with a record and an image), by name.
    public static func all(_ paths: LabPaths) -> [LabVariant] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: root(paths))) ?? []
        return names.sorted().compactMap { name in
            let dir = directory(paths, name: name)
            guard LabImage.isBuilt(dir), let variant = read(dir) else { return nil }
            return variant
        }
    }

    public static func read(_ directory: String) -> LabVariant? {
        guard let data = FileManager.default.contents(atPath: directory + "/" + recordName) else { return nil }
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return try? decoder.decode(LabVariant.self, from: data)
    }

    public static func write(_ variant: LabVariant, to directory: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        try encoder.encode(variant).write(to: URL(fileURLWithPath: directory + "/" + recordName))
    }

    /// The variant `name` names: its name, or its key (a prefix of 6 or more digits is enough).
    public static func find(_ paths: LabPaths, _ name: String) throws -> LabVariant {
        let variants = all(paths)
        if let exact = variants.first(where: { $0.name == name }) { return exact }
        let byKey = variants.filter { name.count >= 6 && $0.key.hasPrefix(name) }
        if byKey.count == 1 { return byKey[0] }
        throw LabError.unknownImage(name: name, known: variants.map(\.name))
    }
}

/// Reading a source: its identity (for the cache key) and hashes, through the system's tools.
public enum LabVariantSource {
    /// A tarball: the SHA-256 of its bytes. A git tree: HEAD's commit, plus the hash of the uncommitted
    /// changes and untracked files when there are any. Any other tree: one hash over every file's path and
    /// content. Two sources with the same identity build the same variant.
    public static func identity(of source: String) throws -> String {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: source, isDirectory: &isDirectory) else {
            throw LabError.sourceMissing(path: source)
        }
        guard isDirectory.boolValue else { return "tarball sha256 " + (try sha256(ofFile: source)) }
        if FileManager.default.fileExists(atPath: source + "/.git") {
            let head = try shell("git -C \"$1\" rev-parse HEAD", source)
            let dirty = try shell(
                "cd \"$1\" && { git diff HEAD --binary; git ls-files -o --exclude-standard -z | xargs -0r sha256sum; } | sha256sum | cut -c1-64",
                source)
            let clean = try shell("cd \"$1\" && git status --porcelain | head -1", source)
            return "git " + head + (clean.isEmpty ? "" : " dirty " + dirty)
        }
        let tree = try shell(
            "cd \"$1\" && find . -type f ! -path './.git/*' -print0 | LC_ALL=C sort -z | xargs -0r sha256sum | sha256sum | cut -c1-64",
            source)
        return "tree sha256 " + tree
    }

    public static func sha256(ofFile path: String) throws -> String {
        try shell("sha256sum < \"$1\" | cut -c1-64", path)
    }

    static func sha256(ofText text: String) throws -> String {
        let file = NSTemporaryDirectory() + "/diobench-key-\(getpid())-\(UUID().uuidString)"
        try text.write(toFile: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: file) }
        return try sha256(ofFile: file)
    }

    /// `script` run by sh with `argument` as $1; its trimmed output, or an error naming it.
    private static func shell(_ script: String, _ argument: String) throws -> String {
        let out = try LabProcess.capture(["/bin/sh", "-c", script, "sh", argument])
        guard out.status == 0 else {
            throw LabError.commandFailed(command: "sh -c '\(script)' on \(argument)", status: out.status)
        }
        return out.output.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
