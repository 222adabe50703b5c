// The kernel tables the guard reads, and its sysfs walk over holders and partitions, on synthetic
// inputs (device-mapper is not available on the test machine, so stacked devices are built as a
// sysfs tree the way the kernel lays it out).
import DiobenchTestSupport
import Foundation
import Testing
@testable import Targets

@Suite struct WriteGuardTableTests {
    @Test func mountinfoFieldsAndEscapes() {
        let text = """
            22 1 253:1 / / rw,relatime shared:1 - ext4 /dev/vda rw
            36 22 7:3 / /mnt/my\\040disk rw,nosuid master:2 shared:7 - xfs /dev/loop3 rw,attr2
            40 22 0:45 / /tank rw - zfs tank rw,xattr
            """
        let mounts = FileSystemInfo.mounts(mountinfo: text)
        #expect(mounts.count == 3)
        #expect(mounts[1].deviceNumber == DeviceNumber(major: 7, minor: 3))
        #expect(mounts[1].mountPoint == "/mnt/my disk" && mounts[1].fsType == "xfs" && mounts[1].source == "/dev/loop3")
        #expect(mounts[2].source == "tank" && mounts[2].fsType == "zfs")
    }

    @Test func swapsTable() {
        let text =
            "Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority\n/dev/loop0                              partition\t65532\t\t0\t\t-2\n/swap\\040file file 1024 0 -3\n"
        #expect(
            SystemTables.parseSwaps(text) == [
                SwapEntry(path: "/dev/loop0", type: "partition"), SwapEntry(path: "/swap file", type: "file"),
            ])
    }

    @Test func deviceNumbersFromDevT() {
        // glibc's makedev(259, 70000): minor bits above 8 go to bits 20 and up.
        let major: UInt64 = 259, minor: UInt64 = 70000
        let dev = ((major & 0xfff) << 8) | ((major & ~0xfff) << 32) | (minor & 0xff) | ((minor & ~0xff) << 12)
        #expect(DeviceNumber(dev) == DeviceNumber(major: 259, minor: 70000))
        #expect(DeviceNumber(Substring("7:3")) == DeviceNumber(major: 7, minor: 3))
        #expect(DeviceNumber(Substring("7")) == nil)
    }

    /// /sys for a loop3 with a partition loop3p1, and a dm-0 ("vg-data") stacked on loop3.
    func syntheticSys(_ scratch: TemporaryDirectory) throws -> WriteGuardSystem {
        let root = scratch.path + "/sys"
        let fm = FileManager.default
        func dir(_ path: String) throws {
            try fm.createDirectory(atPath: root + "/" + path, withIntermediateDirectories: true)
        }
        func file(_ path: String, _ text: String) throws {
            try Data((text + "\n").utf8).write(to: URL(fileURLWithPath: root + "/" + path))
        }
        func link(_ path: String, to target: String) throws {
            try fm.createSymbolicLink(atPath: root + "/" + path, withDestinationPath: target)
        }

        try dir("devices/virtual/block/loop3/holders")
        try dir("devices/virtual/block/loop3/loop3p1")
        try dir("devices/virtual/block/dm-0/dm")
        try dir("devices/virtual/block/dm-0/holders")
        try dir("dev/block")
        try dir("class/block")
        try file("devices/virtual/block/loop3/dev", "7:3")
        try file("devices/virtual/block/loop3/loop3p1/dev", "259:0")
        try file("devices/virtual/block/loop3/loop3p1/partition", "1")
        try file("devices/virtual/block/dm-0/dev", "253:0")
        try file("devices/virtual/block/dm-0/dm/name", "vg-data")
        try link("devices/virtual/block/loop3/holders/dm-0", to: "../../dm-0")
        try link("dev/block/7:3", to: "../../devices/virtual/block/loop3")
        try link("dev/block/259:0", to: "../../devices/virtual/block/loop3/loop3p1")
        try link("dev/block/253:0", to: "../../devices/virtual/block/dm-0")
        try link("class/block/loop3", to: "../../devices/virtual/block/loop3")
        try link("class/block/loop3p1", to: "../../devices/virtual/block/loop3/loop3p1")
        try link("class/block/dm-0", to: "../../devices/virtual/block/dm-0")
        try Data(
            """
            22 1 253:1 / / rw - ext4 /dev/vda rw
            50 22 253:0 / /srv/data rw - xfs /dev/mapper/vg-data rw
            51 22 259:0 / /boot rw - ext4 /dev/loop3p1 rw
            """.utf8
        ).write(to: URL(fileURLWithPath: scratch.path + "/mountinfo"))
        try Data("Filename Type Size Used Priority\n".utf8).write(to: URL(fileURLWithPath: scratch.path + "/swaps"))
        return WriteGuardSystem(
            sysRoot: root, mountInfoPath: scratch.path + "/mountinfo", swapsPath: scratch.path + "/swaps")
    }

    @Test func holdersPartitionsAndParentsAreFollowed() throws {
        let scratch = try TemporaryDirectory("targets-sysfs", under: "/tmp")
        let system = try syntheticSys(scratch)
        let loop = try #require(SysBlockDevice.resolve(DeviceNumber(major: 7, minor: 3), in: system))
        #expect(loop.name == "loop3" && !loop.isPartition)
        #expect(loop.holders(system).map(\.name) == ["dm-0"])
        #expect(loop.partitions(system).map(\.name) == ["loop3p1"])
        let partition = try #require(loop.partitions(system).first)
        #expect(partition.isPartition && partition.number == DeviceNumber(major: 259, minor: 0))
        #expect(partition.parentDisk(system)?.name == "loop3")

        var usage = DeviceUsageScan(system: system)
        usage.scan(loop, subject: "it")
        usage.scan(partition, subject: "its partition /dev/loop3p1")
        let texts = usage.findings.map(\.text)
        #expect(
            texts == [
                "it is part of /dev/dm-0 (device-mapper \"vg-data\") (listed in \(loop.directory)/holders)",
                "/dev/dm-0 (device-mapper \"vg-data\") is mounted on /srv/data (xfs)",
                "its partition /dev/loop3p1 is mounted on /boot (ext4)",
            ])
        #expect(usage.findings.allSatisfy { $0.category == .inUse })
    }

    @Test func refusalNamesEveryReasonAndTheOverridesNeeded() {
        let signature = DiskSignature(kind: .ext4, offset: 1080, evidence: "superblock magic 0xEF53 at byte 1080")
        let findings = [
            WriteGuardFinding(
                kind: .mounted(device: "/dev/loop3", mountPoint: "/mnt", fileSystemType: "ext4"), category: .inUse,
                text: "it is mounted on /mnt (ext4)"),
            WriteGuardFinding(
                kind: .signature(device: "/dev/loop3", signature), category: .holdsData, text: "it holds \(signature)"),
        ]
        var decision = WriteGuardDecision(
            path: "/dev/loop3", target: .blockDevice, ownership: nil, findings: findings, overrides: .none)
        #expect(!decision.allowed)
        #expect(
            decision.refusal
                == "refusing to write to /dev/loop3: it is mounted on /mnt (ext4); it holds an ext4 file system (superblock magic 0xEF53 at byte 1080); set allow_mounted_write=1 and allow_data_overwrite=1 to write anyway"
        )
        decision.overrides = WriteGuardOverrides(allowMountedWrite: true)
        #expect(
            decision.refusal
                == "refusing to write to /dev/loop3: it holds an ext4 file system (superblock magic 0xEF53 at byte 1080); set allow_data_overwrite=1 to write anyway"
        )
        decision.overrides = .all
        #expect(decision.allowed && decision.refusal == nil)
        #expect(decision.warnings.count == 2)
        #expect(
            decision.warnings[0]
                == "writing to /dev/loop3 although it is mounted on /mnt (ext4) (allow_mounted_write=1)")
    }
}
