// Attaching: /dev/loop-control LOOP_CTL_GET_FREE, then LOOP_CONFIGURE (or the legacy ioctls), with a
// retry when another process configures the free device first.
import Glibc
import Vocabulary

extension LoopDevice {
    /// Creates a loop device over `request.backingFile` (creating the file when missing), reads back what
    /// the kernel configured, and records it in `journal` before returning. The device stays attached
    /// until `detach()`; the caller pushes that onto its `UndoStack`.
    public static func attach(_ request: LoopDeviceRequest, journal: UndoJournal? = nil) throws -> LoopDevice {
        guard LoopDeviceRequest.validLogicalBlockSizes.contains(request.logicalBlockSize) else {
            throw LoopError.invalidLogicalBlockSize(request.logicalBlockSize)
        }
        let (control, controlError) = LoopSyscall.open(request.controlDevice, O_RDWR)
        guard control >= 0 else {
            if controlError == EPERM || controlError == EACCES {
                throw LoopError.notPermitted(operation: "opening the loop control device", path: request.controlDevice)
            }
            throw LoopError.noLoopSupport(path: request.controlDevice, errno: controlError)
        }
        defer { close(control) }

        let backing = try LoopBackingFile.open(
            path: request.backingFile, size: request.size, readOnly: request.readOnly, wantDirectIO: request.directIO)
        // The loop driver takes its own reference to the file; ours is only needed until it is bound.
        defer { close(backing.fd) }
        let createdFile =
            backing.created
            ? CreatedFileRecord(
                path: backing.path, device: backing.device, inode: backing.inode,
                birthTime: LoopFileFacts.birthTime(path: backing.path)) : nil
        var fileEntry: UndoEntryID?
        var bound: (number: Int, fd: Int32, method: LoopSetupMethod, warnings: [String])?
        do {
            if let createdFile, request.removeCreatedBackingFile, let journal {
                fileEntry = try journal.append(.removeFile(createdFile))
            }
            bound = try bind(control: control, backing: backing, request: request)
            let device = "/dev/loop\(bound!.number)"
            let report = describe(
                device: device, backing: backing, request: request, method: bound!.method, warnings: bound!.warnings)
            if request.directIO && !report.directIOEffective && request.requireDirectIO {
                throw LoopError.directIORefused(
                    device: device, backingFile: backing.path,
                    reason: directIORefusalReason(backing: backing, logicalBlockSize: report.logicalBlockSize))
            }
            let record = LoopDetachRecord(
                device: device, backingFile: backing.path, backingDevice: backing.device, backingInode: backing.inode)
            let detachEntry = try journal?.append(.detachLoop(record))
            return LoopDevice(
                number: bound!.number, fd: bound!.fd, report: report, record: record, journal: journal,
                detachEntry: detachEntry, backingFileEntry: fileEntry,
                createdBackingFile: request.removeCreatedBackingFile ? createdFile : nil)
        } catch {
            // Leave nothing half-made: unbind, and remove the file if we created it.
            if let bound {
                _ = LoopSyscall.ioctl(bound.fd, LoopIoctl.clearFD, value: 0)
                close(bound.fd)
                _ = LoopSysfs(name: "loop\(bound.number)").waitUntilUnbound(timeout: 5)
            }
            if let createdFile { _ = try? UndoHandlers.removeCreatedFile(createdFile) }
            if let fileEntry { try? journal?.remove(fileEntry) }
            throw error
        }
    }

    private static func bind(
        control: Int32, backing: LoopBackingFile, request: LoopDeviceRequest
    ) throws -> (number: Int, fd: Int32, method: LoopSetupMethod, warnings: [String]) {
        var method = request.setupMethod
        for _ in 0..<max(1, request.maxAttempts) {
            let number = LoopSyscall.ioctlReturningNumber(control, LoopIoctl.controlGetFree)
            if number < 0 {
                if -number == EPERM || -number == EACCES {
                    throw LoopError.notPermitted(operation: "LOOP_CTL_GET_FREE", path: request.controlDevice)
                }
                throw LoopError.ioctl(name: "LOOP_CTL_GET_FREE", device: request.controlDevice, errno: -number)
            }
            let device = "/dev/loop\(number)"
            let (fd, openError) = LoopSyscall.open(device, request.readOnly ? O_RDONLY : O_RDWR)
            if fd < 0 {
                // ENXIO/ENOENT: the device is being torn down or its node is not there yet: take another.
                if openError == ENXIO || openError == ENOENT { usleep(5_000); continue }
                if openError == EPERM || openError == EACCES {
                    throw LoopError.notPermitted(operation: "opening", path: device)
                }
                throw LoopError.ioctl(name: "open", device: device, errno: openError)
            }
            if method != .legacy {
                let rc = configure(fd: fd, backing: backing, request: request)
                if rc == 0 { return (Int(number), fd, .configure, []) }
                close(fd)
                if rc == EBUSY { continue }  // another process bound it first
                if (rc == EINVAL || rc == ENOTTY) && method == .automatic {
                    method = .legacy  // a kernel before 5.8: no LOOP_CONFIGURE
                    continue
                }
                if rc == EPERM || rc == EACCES {
                    throw LoopError.notPermitted(operation: "LOOP_CONFIGURE", path: device)
                }
                throw LoopError.ioctl(name: "LOOP_CONFIGURE", device: device, errno: rc)
            }
            let rc = LoopSyscall.ioctl(fd, LoopIoctl.setFD, value: UInt(backing.fd))
            if rc == EBUSY { close(fd); continue }
            if rc != 0 {
                close(fd)
                if rc == EPERM || rc == EACCES { throw LoopError.notPermitted(operation: "LOOP_SET_FD", path: device) }
                throw LoopError.ioctl(name: "LOOP_SET_FD", device: device, errno: rc)
            }
            do {
                let warnings = try configureLegacy(fd: fd, device: device, backing: backing, request: request)
                return (Int(number), fd, .legacy, warnings)
            } catch {
                _ = LoopSyscall.ioctl(fd, LoopIoctl.clearFD, value: 0)
                close(fd)
                throw error
            }
        }
        throw LoopError.noFreeDevice(attempts: request.maxAttempts)
    }

    private static func flags(for request: LoopDeviceRequest) -> LoopFlags {
        var flags: LoopFlags = []
        if request.autoclear { flags.insert(.autoclear) }
        if request.readOnly { flags.insert(.readOnly) }
        if request.directIO { flags.insert(.directIO) }
        return flags
    }

    private static func configure(fd: Int32, backing: LoopBackingFile, request: LoopDeviceRequest) -> Int32 {
        var info = LoopInfo64()
        info.flags = flags(for: request)
        info.fileName = backing.path
        let config = LoopConfig(backingFD: UInt32(backing.fd), blockSize: request.logicalBlockSize, info: info)
        return LoopSyscall.ioctl(fd, LoopIoctl.configure, byteCount: LoopConfig.byteCount, encode: config.encode(into:))
    }

    /// After LOOP_SET_FD: status (autoclear, name), block size, direct I/O. Read-only came from opening
    /// the backing file and the device read-only. Returns warnings for what the kernel refused.
    private static func configureLegacy(
        fd: Int32, device: String, backing: LoopBackingFile, request: LoopDeviceRequest
    ) throws -> [String] {
        var info = LoopInfo64()
        // LOOP_SET_STATUS64 may only set AUTOCLEAR and PARTSCAN.
        info.flags = request.autoclear ? [.autoclear] : []
        info.fileName = backing.path
        var rc = LoopSyscall.ioctl(
            fd, LoopIoctl.setStatus64, byteCount: LoopInfo64.byteCount, encode: info.encode(into:))
        if rc != 0 { throw LoopError.ioctl(name: "LOOP_SET_STATUS64", device: device, errno: rc) }
        rc = LoopSyscall.ioctl(fd, LoopIoctl.setBlockSize, value: UInt(request.logicalBlockSize))
        if rc != 0 {
            throw LoopError.ioctl(name: "LOOP_SET_BLOCK_SIZE(\(request.logicalBlockSize))", device: device, errno: rc)
        }
        var warnings: [String] = []
        if request.directIO {
            rc = LoopSyscall.ioctl(fd, LoopIoctl.setDirectIO, value: 1)
            // EINVAL: the kernel will not do direct I/O to this file at this block size; reported below.
            if rc == EINVAL {
                warnings.append("LOOP_SET_DIRECT_IO was refused (EINVAL)")
            } else if rc != 0 {
                throw LoopError.ioctl(name: "LOOP_SET_DIRECT_IO", device: device, errno: rc)
            }
        }
        return warnings
    }

    /// Reads back what the kernel configured and says where it differs from the request.
    private static func describe(
        device: String, backing: LoopBackingFile, request: LoopDeviceRequest, method: LoopSetupMethod,
        warnings: [String]
    ) -> LoopDeviceReport {
        let sysfs = LoopSysfs(devicePath: device)
        var report = LoopDeviceReport(
            device: device, backingFile: backing.path, backingFileCreated: backing.created,
            backingFileSize: backing.size,
            backingFileSystemMagic: backing.fileSystemMagic, backingFileSystem: backing.fileSystemName,
            backingDirectIOAlignment: backing.directIOAlignment,
            directIORequested: request.directIO, directIOEffective: sysfs.directIO ?? false,
            logicalBlockSizeRequested: request.logicalBlockSize,
            logicalBlockSize: sysfs.logicalBlockSize ?? request.logicalBlockSize,
            memoryAlignment: sysfs.memoryAlignment ?? 512,
            readOnly: sysfs.readOnly ?? request.readOnly, autoclear: sysfs.autoclear ?? request.autoclear,
            setupMethod: method, warnings: warnings)
        if request.directIO && !report.directIOEffective {
            report.warnings.append(
                "direct I/O was requested but the kernel kept it off on \(device) (loop/dio=0): "
                    + directIORefusalReason(backing: backing, logicalBlockSize: report.logicalBlockSize)
                    + "; the loop device goes through the backing file's page cache")
        } else if !request.directIO && report.directIOEffective {
            report.warnings.append(
                "direct I/O was not requested but the kernel turned it on for \(device) (loop/dio=1)")
        }
        if report.logicalBlockSize != request.logicalBlockSize {
            report.warnings.append(
                "logical block size \(request.logicalBlockSize) was requested but \(device) has \(report.logicalBlockSize)"
            )
        }
        if report.readOnly != request.readOnly {
            report.warnings.append(
                request.readOnly
                    ? "\(device) was requested read-only but is writable"
                    : "\(device) is read-only (the backing file or device could not be opened for writing)")
        }
        return report
    }

    static func directIORefusalReason(backing: LoopBackingFile, logicalBlockSize: UInt32) -> String {
        let fileSystem = backing.fileSystemName
        if !backing.openedWithDirectIO {
            return "the backing file's file system (\(fileSystem)) refuses O_DIRECT"
        }
        if let align = backing.directIOAlignment, align.offsetAlignment > logicalBlockSize {
            return
                "the backing file (\(fileSystem)) needs direct I/O aligned to \(align.offsetAlignment) bytes, more than "
                + "the loop device's logical block size \(logicalBlockSize): use loop_block_size=\(align.offsetAlignment)"
        }
        if let align = backing.directIOAlignment, align.offsetAlignment == 0 {
            return "the backing file's file system (\(fileSystem)) reports no direct I/O support (STATX_DIOALIGN is 0)"
        }
        return "the kernel gave no reason (backing file system: \(fileSystem))"
    }
}
