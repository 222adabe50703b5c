import DiobenchTestSupport
import Foundation
import Targets
import Testing
@testable import ZFS

private let zfsLoaded = FileManager.default.fileExists(atPath: "/sys/module/zfs")
private let zfsCommandInstalled = (try? ZFSTools.locate()) != nil

@Suite("finding the dataset of a path")
struct DatasetLocatorTests {
    // Real mountinfo lines in the proc(5) shape, with ZFS mounts (one with a space in its name).
    static let mountinfo = """
        22 1 259:2 / / rw,relatime shared:1 - ext4 /dev/nvme0n1p2 rw
        45 22 0:47 / /tank rw,noatime shared:27 - zfs tank rw,xattr,noacl,casesensitive
        46 45 0:48 / /tank/vm\\040data rw,noatime shared:28 - zfs tank/vm\\040data rw,xattr,noacl,casesensitive
        47 45 0:49 / /tank/standard rw,noatime shared:29 master:3 - zfs tank/standard rw,xattr,noacl
        48 22 0:48 /images /srv/images rw,noatime shared:28 - zfs tank/vm\\040data rw,xattr,noacl
        """

    @Test("parses mountinfo lines, optional fields and octal escapes")
    func parse() {
        let entries = FileSystemInfo.mounts(mountinfo: Self.mountinfo)
        #expect(entries.count == 5)
        #expect(entries[1].fsType == "zfs" && entries[1].source == "tank" && entries[1].deviceNumber?.minor == 47)
        #expect(entries[2].mountPoint == "/tank/vm data")
        #expect(entries[2].source == "tank/vm data")
        #expect(entries[3].source == "tank/standard")
        #expect(entries[4].root == "/images")
        #expect(MountEntry.unescape("a\\011b\\134c\\012") == "a\tb\\c\n")
        #expect(MountEntry.unescape("not\\09") == "not\\09")
    }

    @Test(
        "matches by device number first, then by the longest mount point",
        arguments: [
            // major, minor, path → dataset
            (UInt32(0), UInt32(48), "/srv/images/disk.img", "tank/vm data"),  // bind mount: by device
            (0, 49, "/tank/standard/f", "tank/standard"),
            (0, 99, "/tank/vm data/f", "tank/vm data"),  // unknown device: by prefix
            (0, 99, "/tank/standardx/f", "tank"),  // prefix is per path component
        ])
    func match(major: UInt32, minor: UInt32, path: String, dataset: String) {
        let entry = ZFSDatasetLocator.match(
            entries: FileSystemInfo.mounts(mountinfo: Self.mountinfo),
            device: DeviceNumber(major: major, minor: minor), path: path)
        #expect(entry?.source == dataset)
    }

    @Test("the live /proc/self/mountinfo parses completely")
    func live() throws {
        let text = try String(contentsOfFile: "/proc/self/mountinfo", encoding: .utf8)
        let lines = text.split(separator: "\n")
        let entries = FileSystemInfo.mounts(mountinfo: text)
        #expect(entries.count == lines.count)
        #expect(entries.contains { $0.mountPoint == "/" })
    }

    @Test("statfs reports the file system type: procfs is 0x9fa0")
    func magic() throws {
        #expect(try ZFSDatasetLocator.filesystemMagic("/proc") == 0x9fa0)
        #expect(throws: ZFSError.self) { try ZFSDatasetLocator.filesystemMagic("/no/such/path") }
    }

    @Test(
        "a path off ZFS is refused with its file system type",
        .enabled(
            if: (try? ZFSDatasetLocator.filesystemMagic(NSTemporaryDirectory())) != ZFSDatasetLocator.zfsMagic,
            "the temporary directory is on ZFS here"))
    func notZFS() {
        let path = NSTemporaryDirectory() + "/diobench-not-yet-created/file"
        #expect {
            _ = try ZFSDatasetLocator.dataset(containing: path)
        } throws: { error in
            guard case ZFSError.notOnZFS(let p, _) = error else { return false }
            return p == path && "\(error)".contains("0x2fc12fc1")
        }
    }
}

@Suite("ZFS module and tools")
struct ZFSEnvironmentTests {
    @Test("reads version and Direct I/O parameters from a sysfs tree")
    func moduleInfo() throws {
        let scratch = try TemporaryDirectory("zfs-sysfs")
        let dir = scratch.path
        try FileManager.default.createDirectory(atPath: dir + "/parameters", withIntermediateDirectories: true)
        try "2.4.0-rc1\n".write(toFile: dir + "/version", atomically: true, encoding: .utf8)
        try "1\n".write(toFile: dir + "/parameters/zfs_dio_enabled", atomically: true, encoding: .utf8)
        try "0\n".write(toFile: dir + "/parameters/zfs_dio_strict", atomically: true, encoding: .utf8)
        try "67108864\n".write(toFile: dir + "/parameters/zfetch_max_distance", atomically: true, encoding: .utf8)
        let info = try ZFSModuleInfo.read(sysfsPath: dir)
        #expect(info.version == ZFSVersion(major: 2, minor: 4, patch: 0, releaseCandidate: 1))
        #expect(info.dioEnabled == true && info.dioStrict == false && info.prefetchMaxDistance == 64 << 20)
        #expect(ZFSRuleset.of(info) == .v2_4)

        // 2.3 has no zfs_dio_strict.
        try FileManager.default.removeItem(atPath: dir + "/parameters/zfs_dio_strict")
        try "2.3.9-0+deb13u1\n".write(toFile: dir + "/version", atomically: true, encoding: .utf8)
        let old = try ZFSModuleInfo.read(sysfsPath: dir)
        #expect(old.dioStrict == nil && ZFSRuleset.of(old) == .v2_3)
    }

    @Test("without the zfs module: a clear error", .enabled(if: !zfsLoaded, "ZFS is loaded here"))
    func notLoaded() {
        #expect(throws: ZFSError.moduleNotLoaded(sysfsPath: "/sys/module/zfs")) { try ZFSModuleInfo.read() }
        #expect("\(ZFSError.moduleNotLoaded(sysfsPath: "/sys/module/zfs"))".contains("modprobe zfs"))
    }

    @Test(
        "without the zfs command: a clear error naming it and where it was looked for",
        .enabled(if: !zfsCommandInstalled, "zfs is installed here"))
    func commandMissing() {
        #expect {
            _ = try ZFSTools.locate(environment: ["PATH": "/usr/bin:/bin"])
        } throws: { error in
            guard case ZFSError.commandMissing(let name, let searched) = error else { return false }
            return name == "zfs" && searched.contains("/usr/sbin") && "\(error)".contains("zfsutils")
        }
    }

    @Test("running a command: stdout returned, failure carries the command line, status and stderr")
    func runProcess() async throws {
        // ZFSTools.run waits for its child in the product's blocking way: on a thread of its own.
        let tools = ZFSTools(zfsPath: "/bin/sh", zpoolPath: "/bin/sh")
        #expect(
            try await onDedicatedThread { try tools.run(["zfs", "-c", "printf 'direct\\tstandard\\tdefault\\n'"]) }
                == "direct\tstandard\tdefault\n")
        await #expect {
            try await onDedicatedThread {
                try tools.run(["zpool", "-c", "echo 'cannot open nosuch: no such pool' >&2; exit 1"])
            }
        } throws: { error in
            error as? ZFSError
                == .commandFailed(
                    command: ["zpool", "-c", "echo 'cannot open nosuch: no such pool' >&2; exit 1"],
                    status: 1, stderr: "cannot open nosuch: no such pool\n")
        }
        let missing = ZFSTools(zfsPath: "/nonexistent/zfs", zpoolPath: "/nonexistent/zpool")
        await #expect(throws: ZFSError.self) { try await onDedicatedThread { try missing.run(["zfs", "list"]) } }
    }

    @Test("a scratch vdev is a sparse file of the given size")
    func sparseFile() throws {
        let path = NSTemporaryDirectory() + "/diobench-vdev-\(getpid()).img"
        defer { unlink(path) }
        try ScratchPoolPlan.createSparseFile(path, size: 1 << 30)
        var st = stat()
        #expect(stat(path, &st) == 0)
        #expect(st.st_size == 1 << 30)
        #expect(st.st_blocks * 512 < 1 << 20)
        // Never overwrites an existing file.
        #expect(throws: ZFSError.self) { try ScratchPoolPlan.createSparseFile(path, size: 1 << 30) }
    }
}
