import Foundation
import Glibc
import Targets
import Testing

@Suite struct FileSystemInfoTests {
    /// findmnt (util-linux) answers the same question independently.
    /// One line per mount findmnt sees at the path (stacked mounts give several, topmost last).
    static func findmnt(_ path: String) async throws -> [[String]] {
        // --nofsroot: a bind mount's source is its device, as in mountinfo, not "/dev/vda[/dir]".
        let result = try await runCommand([
            "/usr/bin/findmnt", "-n", "--nofsroot", "-o", "ID,TARGET,SOURCE,FSTYPE", "-T", path,
        ])
        return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: "\n").map {
            $0.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
        }
    }

    @Test("statfs type, mount point and source agree with findmnt", arguments: ["/tmp", "/dev/shm", "/proc/self", "/"])
    func agreesWithFindmnt(path: String) async throws {
        let info = try FileSystemInfo.of(path: path)
        let expected = try #require(try await Self.findmnt(path).last)
        try #require(expected.count == 4)
        #expect(info.mount?.mountID == Int(expected[0]))
        #expect(info.mountPoint == expected[1])
        #expect(info.mountSource == expected[2])
        #expect(info.typeName == expected[3])
        // The magic number alone names the same family.
        let byMagic = FileSystemInfo.name(forMagic: info.magic)
        #expect(byMagic == expected[3] || (byMagic == "ext4" && expected[3].hasPrefix("ext")))
    }

    @Test("known magic numbers: ext4, tmpfs, proc here; ZFS is 0x2fc12fc1")
    func magic() throws {
        #expect(try FileSystemInfo.of(path: "/dev/shm").magic == 0x0102_1994)
        #expect(try FileSystemInfo.of(path: "/proc").magic == 0x9FA0)
        #expect(FileSystemInfo.name(forMagic: 0x2FC1_2FC1) == "zfs")
        #expect(FileSystemInfo.name(forMagic: 0x5846_5342) == "xfs")
        #expect(FileSystemInfo.name(forMagic: 0x9123_683E) == "btrfs")
        #expect(FileSystemInfo.name(forMagic: 0x1234) == nil)
        let error = #expect(throws: FileTargetError.self) { _ = try FileSystemInfo.of(path: "/tmp/diobench-missing/x") }
        #expect(error?.operation == "statfs")
        #expect(error?.errno == ENOENT)
    }

    @Test("mountinfo lines: optional fields, octal escapes, ZFS datasets")
    func parsing() throws {
        let zfs = try #require(
            MountEntry(
                mountinfoLine:
                    "120 27 0:52 / /tank/my\\040data rw,relatime shared:60 master:2 - zfs tank/my\\040data rw,xattr,posixacl,casesensitive"
            ))
        #expect(zfs.mountPoint == "/tank/my data")
        #expect(zfs.source == "tank/my data")
        #expect(zfs.fsType == "zfs")
        #expect(zfs.device == "0:52")
        #expect(zfs.superOptions == "rw,xattr,posixacl,casesensitive")
        let plain = try #require(MountEntry(mountinfoLine: "27 1 254:0 / / rw,relatime - ext4 /dev/vda rw,discard"))
        #expect(plain.mountID == 27 && plain.parentID == 1 && plain.root == "/" && plain.source == "/dev/vda")
        #expect(MountEntry(mountinfoLine: "garbage") == nil)
        #expect(MountEntry(mountinfoLine: "1 2 3:4 / /x rw no-separator here at all") == nil)
    }

    @Test("the longest mount point wins, and a later mount over the same directory hides the earlier")
    func choosing() throws {
        let text = """
            27 1 254:0 / / rw - ext4 /dev/vda rw
            40 27 0:40 / /tank rw - zfs tank rw
            41 40 0:41 / /tank/fs rw - zfs tank/fs rw
            42 40 0:42 / /tank/fs rw - tmpfs over rw
            43 27 0:43 / /tankfs rw - tmpfs other rw
            """
        let mounts = FileSystemInfo.mounts(mountinfo: text)
        #expect(mounts.count == 5)
        #expect(FileSystemInfo.mountEntry(containing: "/tank/fs/a/b", in: mounts)?.source == "over")
        #expect(FileSystemInfo.mountEntry(containing: "/tank/fsx", in: mounts)?.source == "tank")
        #expect(FileSystemInfo.mountEntry(containing: "/tankfs/file", in: mounts)?.source == "other")
        #expect(FileSystemInfo.mountEntry(containing: "/etc/passwd", in: mounts)?.source == "/dev/vda")
    }
}
