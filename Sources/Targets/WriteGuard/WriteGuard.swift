// The destructive-write guard: before a job writes to a block device or to an existing file, decide
// whether that would destroy something, and say what was found.
//
// Rules (see WriteGuardFinding for the two overrides):
//   block device   refused when it, a partition of it, a device stacked on it (dm, md), or the disk
//                  it is a partition of is mounted, swapped on, or claimed exclusively by the kernel
//                  (in use); or when it or one of its partitions carries a signature (holds data).
//   regular file   a missing file is created by diobench: allowed. An existing file that is not
//                  diobench's own (empty, marked with user.diobench, or created by this run) is refused
//                  as holding data when it carries a signature (a disk image), and otherwise written
//                  with a warning that names it, as fio writes it. Any file is refused as in use when
//                  it is an active swap file or the backing file of a loop device.
//   other          /dev/null and /dev/zero are allowed; other character devices and sockets are refused.
//
// fio itself overwrites files and unmounted devices freely and refuses only mounted devices
// (allow_mounted_write). diobench is stricter for devices and disk images because its users point
// it at pools and disks that hold data; allow_data_overwrite=1 restores fio's behaviour.
import SystemCalls
import Foundation
import Glibc

public enum WriteGuard {
    /// Decides whether a write job may write to `path`. Never throws: anything it cannot read is
    /// itself a reason to refuse (fail closed).
    ///
    /// - Parameters:
    ///   - createdFiles: files this run created (from the undo journal); they count as diobench's own.
    public static func check(
        path: String, overrides: WriteGuardOverrides = .none, createdFiles: [CreatedFileRecord] = [],
        system: WriteGuardSystem = .live
    ) -> WriteGuardDecision {
        var decision = WriteGuardDecision(
            path: path, target: .missing, ownership: nil, findings: [], overrides: overrides)
        var st = stat()
        guard stat(path, &st) == 0 else {
            let code = errno
            if code != ENOENT {
                decision.target = .other
                decision.findings.append(unreadable("stat", code, path))
            }
            return decision
        }
        switch st.st_mode & S_IFMT {
        case S_IFBLK:
            decision.target = .blockDevice
            decision.findings = blockDeviceFindings(
                path: path, number: DeviceNumber(UInt64(st.st_rdev)), system: system)
        case S_IFREG:
            decision.target = .regularFile
            decision.ownership = ownership(path: path, stat: st, createdFiles: createdFiles)
            decision.findings = regularFileFindings(
                path: path, stat: st, owned: decision.ownership != nil, system: system)
        case S_IFDIR:
            decision.target = .directory
        case S_IFCHR:
            decision.target = .characterDevice
            let number = DeviceNumber(UInt64(st.st_rdev))
            // /dev/null (1:3) and /dev/zero (1:5) swallow writes harmlessly.
            if !(number.major == 1 && (number.minor == 3 || number.minor == 5)) {
                decision.findings.append(
                    WriteGuardFinding(
                        kind: .unsupportedFileType("character device \(number)"), category: .holdsData,
                        text:
                            "it is a character device (\(number)); diobench cannot tell whether writing to it destroys data"
                    ))
            }
        default:
            decision.target = .other
            decision.findings.append(
                WriteGuardFinding(
                    kind: .unsupportedFileType("special file"), category: .holdsData,
                    text: "it is neither a regular file nor a block device"))
        }
        return decision
    }

    // MARK: - block devices

    static func blockDeviceFindings(path: String, number: DeviceNumber, system: WriteGuardSystem) -> [WriteGuardFinding]
    {
        var findings: [WriteGuardFinding] = []
        var usage = DeviceUsageScan(system: system)
        let device = SysBlockDevice.resolve(number, in: system)
        let partitions = device?.partitions(system) ?? []
        if let device {
            usage.scan(device, subject: "it")
            for partition in partitions {
                usage.scan(partition, subject: "its partition \(partition.devicePath)")
            }
            if let disk = device.parentDisk(system) {
                usage.scan(disk, subject: "the disk it is a partition of, \(disk.devicePath),")
            }
        }
        findings += usage.findings
        if usage.findings.isEmpty && isClaimedExclusively(path) {
            findings.append(
                WriteGuardFinding(
                    kind: .claimedExclusively, category: .inUse,
                    text:
                        "the kernel holds it open exclusively (an O_EXCL open fails with EBUSY): a file system, swap, RAID, device-mapper or ZFS pool uses it"
                ))
        }

        switch readSignatures(path: path) {
        case let .success(signatures):
            findings += signatures.map { signatureFinding($0, device: path, subject: "it") }
        case let .failure(error):
            findings.append(unreadable(error.operation, error.code, path))
        }
        for partition in partitions {
            if case let .success(signatures) = readSignatures(path: partition.devicePath) {
                findings += signatures.map {
                    signatureFinding($0, device: partition.devicePath, subject: "its partition \(partition.devicePath)")
                }
            }
        }
        return findings
    }

    /// Mounted file systems, swap, md and dm members and imported ZFS vdevs all claim their device;
    /// an exclusive open of a claimed device fails with EBUSY. (The open is read-only and closed at once.)
    static func isClaimedExclusively(_ path: String) -> Bool {
        let fd = open(path, O_RDONLY | O_EXCL | O_CLOEXEC)
        if fd >= 0 {
            close(fd)
            return false
        }
        return errno == EBUSY
    }

    static func signatureFinding(_ signature: DiskSignature, device: String, subject: String) -> WriteGuardFinding {
        WriteGuardFinding(
            kind: .signature(device: device, signature), category: .holdsData, text: "\(subject) holds \(signature)")
    }

    // MARK: - regular files

    static func ownership(path: String, stat st: stat, createdFiles: [CreatedFileRecord]) -> WriteGuardOwnership? {
        if st.st_size == 0 { return .empty }
        if createdFiles.contains(where: {
            $0.device == UInt64(st.st_dev) && $0.inode == UInt64(st.st_ino) && sameBirth($0, path)
        }) {
            return .createdThisRun
        }
        if WriteGuardOwnerMark.isMarked(path: path) { return .markedWithAttribute }
        return nil
    }

    /// Device and inode numbers are reused after a delete; the birth time tells a new file from the
    /// recorded one where the file system keeps it.
    private static func sameBirth(_ record: CreatedFileRecord, _ path: String) -> Bool {
        guard let recorded = record.birthTime, let now = LoopFileFacts.birthTime(path: path) else { return true }
        return recorded == now
    }

    static func regularFileFindings(path: String, stat st: stat, owned: Bool, system: WriteGuardSystem)
        -> [WriteGuardFinding]
    {
        var findings: [WriteGuardFinding] = []
        for swap in system.swaps {
            var other = stat()
            if stat(swap.path, &other) == 0, other.st_dev == st.st_dev, other.st_ino == st.st_ino {
                findings.append(
                    WriteGuardFinding(
                        kind: .swapActive(device: path), category: .inUse,
                        text: "it is an active swap file (\(swap.path) in /proc/swaps)"))
            }
        }
        let resolved = (try? realPath(path)) ?? path
        for loop in loopDevicesBacked(by: resolved, system: system) {
            var usage = DeviceUsageScan(system: system)
            if let device = SysBlockDevice.resolve(name: loop, in: system) {
                usage.scan(device, subject: "/dev/\(loop)")
            }
            let using = usage.findings.map(\.text).joined(separator: ", ")
            findings.append(
                WriteGuardFinding(
                    kind: .backsLoopDevice(loopDevice: "/dev/\(loop)"), category: .inUse,
                    text: "it is the backing file of /dev/\(loop)" + (using.isEmpty ? "" : " (\(using))")))
        }
        if !owned {
            // A disk image is worth protecting; a plain data file (one fio laid out, say) is overwritten
            // as fio overwrites it, with a warning that names it.
            switch readSignatures(path: path) {
            case let .success(signatures) where !signatures.isEmpty:
                findings += signatures.map { signatureFinding($0, device: path, subject: "it") }
            case .success:
                findings.append(
                    WriteGuardFinding(
                        kind: .foreignFile(size: UInt64(st.st_size)), category: .overwritten,
                        text:
                            "it is an existing file of \(st.st_size) bytes that diobench did not lay out (no \(WriteGuardOwnerMark.attributeName) attribute)"
                    ))
            case let .failure(error):
                findings.append(unreadable(error.operation, error.code, path))
            }
        }
        return findings
    }

    /// Names of loop devices ("loop3") whose backing file is `resolvedPath`.
    static func loopDevicesBacked(by resolvedPath: String, system: WriteGuardSystem) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: "\(system.sysRoot)/block"))?.sorted() ?? []
        return names.filter { name in
            name.hasPrefix("loop")
                && LoopSysfs(name: name, sysBlock: "\(system.sysRoot)/block").backingFile == resolvedPath
        }
    }

    // MARK: - reading

    struct ReadError: Error {
        var operation: String
        var code: Int32
    }

    /// Reads the first and last MiB of `path` and looks for signatures.
    static func readSignatures(path: String) -> Result<[DiskSignature], ReadError> {
        readView(path: path).map(DiskSignatures.detect)
    }

    static func readView(path: String) -> Result<DiskImageView, ReadError> {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return .failure(ReadError(operation: "open", code: errno)) }
        defer { close(fd) }
        let end = lseek(fd, 0, SEEK_END)  // the size of block devices and files alike
        guard end >= 0 else { return .failure(ReadError(operation: "lseek", code: errno)) }
        let size = UInt64(end)
        let each = UInt64(DiskSignatures.bytesNeededAtEachEnd)
        do {
            let head = try readFully(fd, offset: 0, count: Int(min(size, each)))
            let tail =
                size > each
                ? try readFully(fd, offset: size - min(size - each, each), count: Int(min(size - each, each))) : []
            return .success(DiskImageView(size: size, head: head, tail: tail))
        } catch let error as ReadError {
            return .failure(error)
        } catch {
            return .failure(ReadError(operation: "pread", code: EIO))
        }
    }

    private static func readFully(_ fd: Int32, offset: UInt64, count: Int) throws -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        var done = 0
        while done < count {
            let n = retryingInterrupted {
                bytes.withUnsafeMutableBytes {
                    pread(fd, $0.baseAddress! + done, count - done, off_t(offset) + off_t(done))
                }
            }
            if n < 0 {
                throw ReadError(operation: "pread at byte \(offset + UInt64(done))", code: errno)
            }
            if n == 0 { break }
            done += n
        }
        return Array(bytes[0..<done])
    }

    static func unreadable(_ operation: String, _ code: Int32, _ path: String) -> WriteGuardFinding {
        WriteGuardFinding(
            kind: .unreadable(operation: operation, errno: code), category: .holdsData,
            text: "diobench could not check what it holds (\(operation) failed: \(String(cString: strerror(code))))")
    }
}
