// The guard against real loop devices: empty, with ext4, mounted, with a (synthetic) ZFS label,
// partitioned with a mounted partition, and used as swap. Nested in LoopDeviceSuite so that it runs
// one test at a time with the other loop-device tests (they compare `losetup -a` before and after).
import DiobenchTestSupport
import Foundation
import Glibc
import Testing
@testable import Targets

enum WriteGuardLiveEnvironment {
    static let ready =
        TestEnvironment.canUseLoopDevices && TestEnvironment.hasMkfsExt4
        && FileManager.default.isExecutableFile(atPath: "/usr/bin/mount")
    static let reason: Comment = "needs root, /dev/loop-control, mkfs.ext4 (e2fsprogs) and mount (util-linux)"
}

/// A loop device diobench attaches over a fresh sparse file, detached at the end of `body`.
func withLoopDevice<T>(
    _ label: String, size: UInt64 = 64 << 20, prepare: (String) throws -> Void = { _ in },
    _ body: (LoopDevice, TemporaryDirectory) async throws -> T
) async throws -> T {
    let scratch = try TemporaryDirectory("targets-\(label)", under: "/tmp")
    let backing = scratch.file("backing.img")
    try await runCommand(["truncate", "-s", "\(size)", backing])
    try prepare(backing)
    return try await expectingLoopDevicesUnchanged(scratch) {
        let loop = try LoopDevice.attach(LoopDeviceRequest(backingFile: backing))
        defer { try? loop.detach() }
        return try await body(loop, scratch)
    }
}

/// Mounts `device` on a new directory under `scratch` for the duration of `body`.
func withMount<T>(_ device: String, in scratch: TemporaryDirectory, _ body: (String) async throws -> T) async throws
    -> T
{
    let point = scratch.file("mnt")
    try FileManager.default.createDirectory(atPath: point, withIntermediateDirectories: true)
    let mounted = try await runCommand(["mount", device, point])
    try #require(mounted.status == 0, "mount \(device): \(mounted.stderr)")
    return try await withCleanup {
        try await body(point)
    } cleanup: {
        let result = try? await runCommand(["umount", point])
        #expect(result?.status == 0, "umount \(point): \(result?.stderr ?? "")")
    }
}

func mkfsExt4(_ device: String) async throws {
    let result = try await runCommand(["mkfs.ext4", "-q", "-F", device])
    try #require(result.status == 0, "mkfs.ext4 \(device): \(result.stderr)")
}

extension WriteGuardDecision {
    var signatureKinds: [DiskSignatureKind] {
        findings.compactMap { if case let .signature(_, s) = $0.kind { return s.kind } else { return nil } }
    }
    var mountPoints: [String] {
        findings.compactMap { if case let .mounted(_, point, _) = $0.kind { return point } else { return nil } }
    }
}

extension LoopDeviceSuite {
    @Suite(.enabled(if: WriteGuardLiveEnvironment.ready, WriteGuardLiveEnvironment.reason))
    struct WriteGuardLiveTests {
        @Test func anEmptyDeviceIsAllowed() async throws {
            try await withLoopDevice("wg-empty") { loop, _ in
                let decision = WriteGuard.check(path: loop.path)
                #expect(decision.target == .blockDevice)
                #expect(decision.findings.isEmpty, "\(decision.findings)")
                #expect(decision.allowed)
            }
        }

        @Test func anExt4DeviceIsRefusedWithTheReasonAndAllowedWithTheOverride() async throws {
            try await withLoopDevice("wg-ext4") { loop, _ in
                try await mkfsExt4(loop.path)
                let decision = WriteGuard.check(path: loop.path)
                #expect(!decision.allowed)
                #expect(decision.signatureKinds == [.ext4])
                #expect(
                    decision.refusal
                        == "refusing to write to \(loop.path): it holds an ext4 file system (superblock magic 0xEF53 at byte 1080); set allow_data_overwrite=1 to write anyway"
                )

                let overridden = WriteGuard.check(
                    path: loop.path, overrides: WriteGuardOverrides(allowDataOverwrite: true))
                #expect(overridden.allowed)
                #expect(overridden.warnings.count == 1)
                // fio's flag alone does not cover data on an unmounted device.
                #expect(
                    !WriteGuard.check(path: loop.path, overrides: WriteGuardOverrides(allowMountedWrite: true)).allowed)
            }
        }

        @Test func aMountedDeviceIsRefusedAsInUse() async throws {
            try await withLoopDevice("wg-mounted") { loop, scratch in
                try await mkfsExt4(loop.path)
                try await withMount(loop.path, in: scratch) { point in
                    let decision = WriteGuard.check(path: loop.path)
                    #expect(!decision.allowed)
                    #expect(decision.mountPoints == [point])
                    let refusal = try #require(decision.refusal)
                    #expect(refusal.contains("it is mounted on \(point) (ext4)"), "\(refusal)")
                    #expect(
                        refusal.hasSuffix("set allow_mounted_write=1 and allow_data_overwrite=1 to write anyway"),
                        "\(refusal)")
                    #expect(WriteGuard.isClaimedExclusively(loop.path), "a mounted device refuses O_EXCL opens")

                    #expect(
                        !WriteGuard.check(path: loop.path, overrides: WriteGuardOverrides(allowMountedWrite: true))
                            .allowed)
                    #expect(WriteGuard.check(path: loop.path, overrides: .all).allowed)
                }
                #expect(!WriteGuard.isClaimedExclusively(loop.path))
            }
        }

        @Test(arguments: [(0, false), (2, true)])
        func aZFSLabelIsRefused(label: Int, bigEndian: Bool) async throws {
            let size = 64 << 20
            let image = SyntheticImage.zfs(size: size, label: label, slot: 5, bigEndian: bigEndian)
            try await withLoopDevice(
                "wg-zfs", size: UInt64(size),
                prepare: { backing in
                    // Only the 256 KiB label that holds the magic is written; the rest stays sparse.
                    let start = label < 2 ? label * (256 << 10) : size - (4 - label) * (256 << 10)
                    let fd = try openOrThrow(backing, O_WRONLY)
                    defer { close(fd) }
                    let written = image.bytes[start..<(start + (256 << 10))].withUnsafeBytes {
                        pwrite(fd, $0.baseAddress!, $0.count, off_t(start))
                    }
                    try #require(written == 256 << 10)
                }
            ) { loop, _ in
                let decision = WriteGuard.check(path: loop.path)
                #expect(!decision.allowed)
                #expect(decision.signatureKinds == [.zfsMember])
                let refusal = try #require(decision.refusal)
                #expect(
                    refusal.contains("it holds a ZFS vdev label (a member of a ZFS pool) (uberblock magic 0x00bab10c"),
                    "\(refusal)")
                #expect(refusal.contains("in vdev label \(label)"))
                #expect(
                    WriteGuard.check(path: loop.path, overrides: WriteGuardOverrides(allowDataOverwrite: true)).allowed)
            }
        }

        @Test func aDiskWithAMountedPartitionIsRefused() async throws {
            let scratch = try TemporaryDirectory("targets-wg-part", under: "/tmp")
            let backing = scratch.file("disk.img")
            try await runCommand(["truncate", "-s", "64M", backing])
            // An MBR with two Linux partitions: sectors 2048..+40959 and 43008..+40959.
            var mbr = SyntheticImage(size: 512)
            for (i, start) in [2048, 43008].enumerated() {
                let entry = 446 + 16 * i
                mbr.put([0x00, 0, 0, 0, 0x83, 0, 0, 0], at: entry)
                mbr.le32(UInt32(start), at: entry + 8)
                mbr.le32(40960, at: entry + 12)
            }
            mbr.put([0x55, 0xAA], at: 510)
            try Data(mbr.bytes).write(to: URL(fileURLWithPath: backing), options: [])
            try await runCommand(["truncate", "-s", "64M", backing])

            try await expectingLoopDevicesUnchanged(scratch) {
                // losetup -P: the kernel scans the partition table and makes loopNp1, loopNp2.
                let attached = try await runCommand(["losetup", "-P", "--find", "--show", backing])
                try #require(attached.status == 0, "\(attached.stderr)")
                let disk = attached.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
                try await withCleanup {
                    let (p1, p2) = (disk + "p1", disk + "p2")
                    if !FileManager.default.fileExists(atPath: p1) {
                        // Kernels built without MBR partition support scan nothing; partx adds the
                        // partitions through BLKPG instead.
                        try await runCommand(["partx", "-a", disk])
                    }
                    let deadline = Date().addingTimeInterval(5)
                    while !FileManager.default.fileExists(atPath: p2) && Date() < deadline {
                        try await Task.sleep(for: .milliseconds(20))
                    }
                    try #require(
                        FileManager.default.fileExists(atPath: p1) && FileManager.default.fileExists(atPath: p2))

                    try await mkfsExt4(p1)
                    try await withMount(p1, in: scratch) { point in
                        let whole = WriteGuard.check(path: disk)
                        #expect(!whole.allowed)
                        let refusal = try #require(whole.refusal)
                        #expect(refusal.contains("its partition \(p1) is mounted on \(point) (ext4)"), "\(refusal)")
                        #expect(refusal.contains("it holds an MBR partition table with 2 partitions"), "\(refusal)")
                        #expect(refusal.contains("its partition \(p1) holds an ext4 file system"), "\(refusal)")

                        let first = WriteGuard.check(path: p1)
                        #expect(first.mountPoints == [point])
                        // The other partition holds nothing and nothing uses it or its disk: writing it is safe.
                        let second = WriteGuard.check(path: p2)
                        #expect(second.allowed, "\(second.findings)")
                    }
                } cleanup: {
                    await Losetup.detach(disk)
                }
            }
        }

        @Test func anActiveSwapDeviceIsRefused() async throws {
            try await withLoopDevice("wg-swap") { loop, _ in
                let made = try await runCommand(["mkswap", "-q", loop.path])
                try #require(made.status == 0, "\(made.stderr)")
                let on = try await runCommand(["swapon", loop.path])
                try #require(on.status == 0, "swapon: \(on.stderr)")
                await withCleanup {
                    let decision = WriteGuard.check(path: loop.path)
                    #expect(decision.findings.contains { $0.kind == .swapActive(device: loop.path) })
                    #expect(decision.signatureKinds == [.swap])
                    #expect(decision.refusal?.contains("it is in use as swap") == true)
                    #expect(WriteGuard.check(path: loop.path, overrides: .all).allowed)
                } cleanup: {
                    let off = try? await runCommand(["swapoff", loop.path])
                    #expect(off?.status == 0, "swapoff: \(off?.stderr ?? "")")
                }
            }
        }

        @Test func theBackingFileOfALoopDeviceIsInUse() async throws {
            try await withLoopDevice("wg-backing") { loop, scratch in
                let decision = WriteGuard.check(path: scratch.file("backing.img"))
                #expect(decision.target == .regularFile)
                #expect(
                    decision.findings.contains {
                        $0.kind == .backsLoopDevice(loopDevice: loop.path) && $0.category == .inUse
                    })
                let inUse = WriteGuard.check(
                    path: scratch.file("backing.img"), overrides: WriteGuardOverrides(allowDataOverwrite: true))
                #expect(!inUse.allowed && inUse.refusal?.contains("it is the backing file of \(loop.path)") == true)
            }
        }
    }
}
