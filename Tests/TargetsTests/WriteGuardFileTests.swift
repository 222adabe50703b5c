// The guard on regular files and other non-block targets: what counts as diobench's own.
import DiobenchTestSupport
import Foundation
import Glibc
import Testing
@testable import Targets

enum XattrSupport {
    /// Whether the scratch file system takes user.* extended attributes (ext4, xfs, btrfs, ZFS, tmpfs ≥ 6.6).
    static let available: Bool = {
        guard let scratch = try? TemporaryDirectory("targets-xattr-probe", under: "/tmp") else { return false }
        let probe = scratch.file("probe")
        FileManager.default.createFile(atPath: probe, contents: Data([1]))
        return WriteGuardOwnerMark.mark(path: probe) == 0
    }()
}

@Suite struct WriteGuardFileTests {
    func file(_ scratch: TemporaryDirectory, _ name: String, bytes: Int) -> String {
        let path = scratch.file(name)
        FileManager.default.createFile(atPath: path, contents: Data(repeating: 0x5A, count: bytes))
        return path
    }

    @Test func aMissingFileIsAllowed() throws {
        let scratch = try TemporaryDirectory("targets-wg-file", under: "/tmp")
        let decision = WriteGuard.check(path: scratch.file("new.dat"))
        #expect(decision.target == .missing && decision.allowed)
    }

    @Test func anEmptyFileIsAllowed() throws {
        let scratch = try TemporaryDirectory("targets-wg-file", under: "/tmp")
        let decision = WriteGuard.check(path: file(scratch, "empty", bytes: 0))
        #expect(decision.ownership == .empty && decision.allowed)
    }

    /// Issue 15 item 6: a plain data file (no signature) is written as fio writes it, with a warning naming it.
    @Test func anExistingPlainFileIsOverwrittenWithAWarning() throws {
        let scratch = try TemporaryDirectory("targets-wg-file", under: "/tmp")
        let path = file(scratch, "data.bin", bytes: 12345)
        let decision = WriteGuard.check(path: path)
        #expect(decision.allowed && decision.refusal == nil)
        #expect(decision.ownership == nil)
        #expect(decision.findings.map(\.kind) == [.foreignFile(size: 12345)])
        #expect(
            decision.warnings == [
                "overwriting \(path): it is an existing file of 12345 bytes that diobench did not lay out (no user.diobench attribute); fio overwrites such files too"
            ])
    }

    @Test(.enabled(if: XattrSupport.available, "the scratch file system has no user xattrs"))
    func aFileMarkedByDiobenchIsItsOwn() throws {
        let scratch = try TemporaryDirectory("targets-wg-file", under: "/tmp")
        let path = file(scratch, "laid-out.dat", bytes: 4096)
        #expect(!WriteGuardOwnerMark.isMarked(path: path))
        #expect(WriteGuardOwnerMark.mark(path: path) == 0)
        #expect(WriteGuardOwnerMark.isMarked(path: path))
        let decision = WriteGuard.check(path: path)
        #expect(decision.ownership == .markedWithAttribute && decision.allowed)
    }

    @Test(.enabled(if: XattrSupport.available, "the scratch file system has no user xattrs"))
    func anotherValueOfTheAttributeIsNotAMark() throws {
        let scratch = try TemporaryDirectory("targets-wg-file", under: "/tmp")
        let path = file(scratch, "other.dat", bytes: 4096)
        try #require(WriteGuardOwnerMark.setAttribute(path: path, value: "something else") == 0)
        #expect(!WriteGuardOwnerMark.isMarked(path: path))
        let decision = WriteGuard.check(path: path)
        #expect(decision.ownership == nil && decision.warnings.count == 1)
    }

    @Test func aFileThisRunCreatedIsItsOwn() throws {
        let scratch = try TemporaryDirectory("targets-wg-file", under: "/tmp")
        let path = file(scratch, "created.dat", bytes: 4096)
        let record = try CreatedFileRecord.of(path: path)
        let decision = WriteGuard.check(path: path, createdFiles: [record])
        #expect(decision.ownership == .createdThisRun && decision.allowed)

        // Another file at the same path (a new inode) is not the one that was created.
        try FileManager.default.removeItem(atPath: path)
        _ = file(scratch, "keep-inode-busy", bytes: 1)
        _ = file(scratch, "created.dat", bytes: 4096)
        let again = WriteGuard.check(path: path, createdFiles: [record])
        if let now = try? CreatedFileRecord.of(path: path),
            now.inode != record.inode || now.birthTime != record.birthTime
        {
            #expect(again.ownership == nil && again.warnings.count == 1)
        }
    }

    /// A disk image is worth protecting: a file with a file-system signature is still refused.
    @Test(.enabled(if: TestEnvironment.hasMkfsExt4, "needs mkfs.ext4 (e2fsprogs)"))
    func aFileHoldingAFileSystemIsRefused() async throws {
        let scratch = try TemporaryDirectory("targets-wg-file", under: "/tmp")
        let path = scratch.file("disk.img")
        try await runCommand(["truncate", "-s", "16M", path])
        try #require(try await runCommand(["mkfs.ext4", "-q", "-F", path]).status == 0)
        let decision = WriteGuard.check(path: path)
        #expect(decision.findings.map(\.category) == [.holdsData])
        #expect(
            decision.refusal
                == "refusing to write to \(path): it holds an ext4 file system (superblock magic 0xEF53 at byte 1080); set allow_data_overwrite=1 to write anyway"
        )
        #expect(WriteGuard.check(path: path, overrides: WriteGuardOverrides(allowDataOverwrite: true)).allowed)
    }

    @Test func devNullIsAllowedAndOtherCharacterDevicesAreNot() {
        #expect(WriteGuard.check(path: "/dev/null").allowed)
        let random = WriteGuard.check(path: "/dev/urandom")
        #expect(random.target == .characterDevice && !random.allowed)
        #expect(random.refusal?.contains("character device (1:9)") == true)
    }

    @Test func aDirectoryIsLeftToTheRunner() throws {
        let scratch = try TemporaryDirectory("targets-wg-file", under: "/tmp")
        #expect(WriteGuard.check(path: scratch.path).target == .directory)
    }
}

/// The machine's own root file system: the real mountinfo, the real device.
enum RootDevice {
    /// The block device "/" is mounted from, when it is one (not overlay, not a ZFS dataset).
    static let path: String? = {
        guard let text = try? String(contentsOfFile: "/proc/self/mountinfo", encoding: .utf8) else { return nil }
        guard let root = FileSystemInfo.mounts(mountinfo: text).last(where: { $0.mountPoint == "/" }),
            DeviceUsageScan.blockDeviceNumber(root.source) != nil
        else { return nil }
        return root.source
    }()
}

@Suite struct WriteGuardOnThisMachine {
    @Test(.enabled(if: RootDevice.path != nil, "/ is not mounted from a block device here (overlay, ZFS, …)"))
    func theDeviceHoldingTheRootFileSystemIsRefused() throws {
        let device = try #require(RootDevice.path)
        let decision = WriteGuard.check(path: device)
        #expect(!decision.allowed)
        #expect(
            decision.findings.contains { if case .mounted(_, "/", _) = $0.kind { return true } else { return false } },
            "\(decision.findings)")
        #expect(decision.refusal?.contains("is mounted on / (") == true, "\(decision.refusal ?? "")")
    }
}
