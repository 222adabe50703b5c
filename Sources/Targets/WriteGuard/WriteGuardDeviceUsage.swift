// Who uses a block device, from sysfs and the kernel's tables: mounts and swap on the device, on its
// partitions, on the devices stacked on it (device-mapper, md: /sys/block/X/holders), and, for a
// partition, on the disk it belongs to.
import Foundation
import Glibc

/// Where the guard reads the kernel's state. Tests point it at synthetic trees and tables.
public struct WriteGuardSystem: Sendable {
    public var sysRoot: String
    public var mountInfoPath: String
    public var swapsPath: String

    public init(
        sysRoot: String = "/sys", mountInfoPath: String = "/proc/self/mountinfo", swapsPath: String = "/proc/swaps"
    ) {
        self.sysRoot = sysRoot
        self.mountInfoPath = mountInfoPath
        self.swapsPath = swapsPath
    }

    public static let live = WriteGuardSystem()

    /// The whole file: FileManager's contents(atPath:) stops after the first page of a procfs file, so a
    /// machine with many mounts (containers, bind mounts) had its later mounts missed by the guard.
    func read(_ path: String) -> String? { readTextFile(path) }

    var mounts: [MountEntry] { read(mountInfoPath).map { FileSystemInfo.mounts(mountinfo: $0) } ?? [] }
    var swaps: [SwapEntry] { read(swapsPath).map(SystemTables.parseSwaps) ?? [] }
}

/// One block device as sysfs shows it.
struct SysBlockDevice: Equatable {
    /// "loop3", "sda1", "dm-0"
    var name: String
    /// Its directory under /sys/devices, symlinks resolved.
    var directory: String
    var number: DeviceNumber
    var isPartition: Bool

    var devicePath: String { "/dev/\(name)" }

    /// "/dev/dm-0 (device-mapper "vg-data")", "/dev/md0 (md RAID)", "/dev/sda1"
    func displayName(_ system: WriteGuardSystem) -> String {
        if let dmName = system.read("\(directory)/dm/name")?.trimmingCharacters(in: .whitespacesAndNewlines),
            !dmName.isEmpty
        {
            return "\(devicePath) (device-mapper \"\(dmName)\")"
        }
        if FileManager.default.fileExists(atPath: "\(directory)/md") { return "\(devicePath) (md RAID)" }
        return devicePath
    }

    static func resolve(_ number: DeviceNumber, in system: WriteGuardSystem) -> SysBlockDevice? {
        resolve(link: "\(system.sysRoot)/dev/block/\(number)", system: system, number: number)
    }

    static func resolve(name: String, in system: WriteGuardSystem) -> SysBlockDevice? {
        resolve(link: "\(system.sysRoot)/class/block/\(name)", system: system, number: nil)
    }

    private static func resolve(link: String, system: WriteGuardSystem, number: DeviceNumber?) -> SysBlockDevice? {
        guard let directory = try? realPath(link) else { return nil }
        let devText = system.read("\(directory)/dev")?.trimmingCharacters(in: .whitespacesAndNewlines)
        guard let number = number ?? devText.flatMap({ DeviceNumber(Substring($0)) }) else { return nil }
        return SysBlockDevice(
            name: (directory as NSString).lastPathComponent, directory: directory, number: number,
            isPartition: FileManager.default.fileExists(atPath: "\(directory)/partition"))
    }

    func holders(_ system: WriteGuardSystem) -> [SysBlockDevice] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: "\(directory)/holders"))?.sorted() ?? []
        return names.compactMap { SysBlockDevice.resolve(name: $0, in: system) }
    }

    func partitions(_ system: WriteGuardSystem) -> [SysBlockDevice] {
        guard !isPartition else { return [] }
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: directory))?.sorted() ?? []
        return entries.filter { FileManager.default.fileExists(atPath: "\(directory)/\($0)/partition") }
            .compactMap { SysBlockDevice.resolve(name: $0, in: system) }
    }

    func parentDisk(_ system: WriteGuardSystem) -> SysBlockDevice? {
        guard isPartition else { return nil }
        let parent = (directory as NSString).deletingLastPathComponent
        return SysBlockDevice.resolve(name: (parent as NSString).lastPathComponent, in: system)
    }
}

/// Collects the in-use findings for a device and everything related to it.
struct DeviceUsageScan {
    let system: WriteGuardSystem
    let mounts: [MountEntry]
    let swaps: [SwapEntry]
    private var visited: Set<DeviceNumber> = []
    private(set) var findings: [WriteGuardFinding] = []

    init(system: WriteGuardSystem) {
        self.system = system
        mounts = system.mounts
        swaps = system.swaps
    }

    /// `subject`: how the clause names the device: "it", "its partition /dev/loop3p1", …
    mutating func scan(_ device: SysBlockDevice, subject: String, depth: Int = 0) {
        guard depth < 8, visited.insert(device.number).inserted else { return }
        for mount in mounts
        where mount.deviceNumber == device.number || Self.blockDeviceNumber(mount.source) == device.number {
            findings.append(
                WriteGuardFinding(
                    kind: .mounted(
                        device: device.devicePath, mountPoint: mount.mountPoint, fileSystemType: mount.fsType),
                    category: .inUse, text: "\(subject) is mounted on \(mount.mountPoint) (\(mount.fsType))"))
        }
        for swap in swaps where Self.blockDeviceNumber(swap.path) == device.number {
            findings.append(
                WriteGuardFinding(
                    kind: .swapActive(device: device.devicePath), category: .inUse,
                    text: "\(subject) is in use as swap (\(swap.path) in /proc/swaps)"))
        }
        for holder in device.holders(system) {
            let holderName = holder.displayName(system)
            findings.append(
                WriteGuardFinding(
                    kind: .heldBy(device: device.devicePath, holder: holder.devicePath), category: .inUse,
                    text: "\(subject) is part of \(holderName) (listed in \(device.directory)/holders)"))
            scan(holder, subject: holderName, depth: depth + 1)
        }
    }

    /// The device number of `path` when it is a block device node.
    static func blockDeviceNumber(_ path: String) -> DeviceNumber? {
        guard path.hasPrefix("/") else { return nil }
        var st = stat()
        guard stat(path, &st) == 0, (st.st_mode & S_IFMT) == S_IFBLK else { return nil }
        return DeviceNumber(UInt64(st.st_rdev))
    }
}
