import Foundation
import JobFile
import ZFS

/// Where the runner finds ZFS and the kernel log. The defaults are the live system; tests point
/// `sysfsPath` at a tree of their own to feed the known-crash guard a version.
public struct ZFSRunEnvironment: Sendable {
    public var sysfsPath = ZFSModuleInfo.defaultSysfsPath
    public var kstatRoot = ZFSPoolKstats.defaultKstatRoot
    /// nil: `zfs` and `zpool` are looked up on PATH (and the sbin directories) when a job needs them.
    public var tools: ZFSTools?
    public var kmsgPath = "/dev/kmsg"
    /// Also count classified lines that programs wrote to /dev/kmsg (any facility but the kernel's).
    /// Off: oopses, BUGs and hung tasks come from the kernel itself, and a test elsewhere that writes
    /// a `BUG:` line must not fail an unrelated job. Tests of the watch turn it on.
    public var kernelEventsFromPrograms = false
    /// Where the file vdevs of scratch pools are made (one directory per pool under it).
    public var scratchDirectory = "/var/tmp"
    public init() {}
}

/// Why a job's ZFS part could not be set up. Each message names the job and what to do.
public enum ZFSJobError: Error, CustomStringConvertible, Equatable {
    /// The job uses zfs_* options and this machine has no ZFS. `repeated`: said in full for an earlier job.
    case zfsUnavailable(location: String, options: [String], reason: String, repeated: Bool)
    /// The known-crash guard said no.
    case refused(String)
    /// The job's files are not in the dataset it names.
    case targetOutsideDataset(target: String, found: String, wanted: String)
    case datasetNotMounted(dataset: String, mountpoint: String)
    /// A scratch pool of the same name was made earlier in the run from other vdevs.
    case scratchPoolMismatch(name: String)

    public var description: String {
        switch self {
        case let .zfsUnavailable(location, options, reason, repeated):
            let file = location.split(separator: ":").first.map(String.init) ?? "JOBFILE"
            if repeated {
                return
                    "uses \(options.joined(separator: ", ")) (\(location)), but ZFS is not available here (see above)"
            }
            return "uses \(options.joined(separator: ", ")) (\(location)), but ZFS is not available here: \(reason). "
                + "Run it where OpenZFS 2.3 or newer is loaded, or in the lab VM: diobench lab run \(file) "
                + "(or add zfs_fallback_directory=DIR to run it here without its ZFS parts)"
        case let .refused(message):
            return message
        case let .targetOutsideDataset(target, found, wanted):
            return
                "\(target) is in dataset \(found), not in zfs_dataset=\(wanted); leave directory= unset (the files then go into the dataset's mountpoint) or point it into \(wanted)"
        case let .datasetNotMounted(dataset, mountpoint):
            return
                "dataset \(dataset) is not mounted (mountpoint=\(mountpoint)); mount it or give a dataset with a mountpoint"
        case let .scratchPoolMismatch(name):
            return
                "scratch pool \(name) was made earlier in this run from other vdevs; give each scratch pool one zfs_scratch_vdevs list"
        }
    }
}

extension ZFSOptions {
    /// The zfs_* options a job wrote, for messages.
    var namesInUse: [String] {
        var names: [String] = []
        if dataset != nil { names.append("zfs_dataset") }
        if direct != nil { names.append("zfs_direct") }
        if recordsize != nil { names.append("zfs_recordsize") }
        if scratchPool != nil { names.append("zfs_scratch_pool") }
        if !scratchVdevs.isEmpty { names.append("zfs_scratch_vdevs") }
        if allowKnownCrash { names.append("zfs_allow_known_crash") }
        return names.isEmpty ? ["zfs_* options"] : names
    }
}

extension ZFSDirectSetting {
    var property: ZFSDirectProperty {
        switch self {
        case .disabled: return .disabled
        case .standard: return .standard
        case .always: return .always
        }
    }
}
