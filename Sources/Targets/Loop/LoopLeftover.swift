// Detaching a loop device that a dead diobench run left behind, only if it still points at the
// backing file (same device and inode) that the run recorded.
import Glibc

extension LoopDevice {
    /// What `diobench cleanup` does for a `detachLoop` journal entry. Touches the device only when it is
    /// still bound to the recorded backing file; anything else is reported and left alone.
    public static func detachLeftover(_ record: LoopDetachRecord, timeout: Double = 10) throws -> UndoResult {
        guard isLoopDevicePath(record.device) else {
            return .nothingToDo("\(record.device) is not a loop device path: left alone")
        }
        let sysfs = LoopSysfs(devicePath: record.device)
        guard sysfs.isBound else { return .nothingToDo("\(record.device) is no longer attached") }
        let (fd, openError) = LoopSyscall.open(record.device, O_RDONLY)
        if fd < 0 {
            if openError == ENOENT || openError == ENXIO {
                return .nothingToDo("\(record.device) is no longer attached")
            }
            throw LoopError.ioctl(name: "open", device: record.device, errno: openError)
        }
        // While we hold it open, nobody can rebind it to another file: the check and the clear agree.
        var info = LoopInfo64()
        let rc = LoopSyscall.ioctl(
            fd, LoopIoctl.getStatus64, byteCount: LoopInfo64.byteCount, decode: { info = LoopInfo64(decoding: $0) })
        if rc == ENXIO {
            close(fd)
            return .nothingToDo("\(record.device) is no longer attached")
        }
        if rc != 0 {
            close(fd)
            throw LoopError.ioctl(name: "LOOP_GET_STATUS64", device: record.device, errno: rc)
        }
        guard info.device == record.backingDevice && info.inode == record.backingInode else {
            close(fd)
            let now = sysfs.backingFile ?? info.fileName
            return .nothingToDo(
                "\(record.device) now backs \(now) (device \(info.device), inode \(info.inode)), not the recorded "
                    + "\(record.backingFile) (device \(record.backingDevice), inode \(record.backingInode)): left alone"
            )
        }
        let clear = LoopSyscall.ioctl(fd, LoopIoctl.clearFD, value: 0)
        close(fd)
        if clear != 0 && clear != ENXIO {
            throw LoopError.ioctl(name: "LOOP_CLR_FD", device: record.device, errno: clear)
        }
        guard sysfs.waitUntilUnbound(timeout: timeout) else {
            if let now = sysfs.backingFile, now != record.backingFile {
                return .undone("detached \(record.device) from \(record.backingFile) (since reused for \(now))")
            }
            throw LoopError.detachDeferred(device: record.device, waitedSeconds: timeout, holders: sysfs.holders)
        }
        return .undone("detached \(record.device) from \(record.backingFile)")
    }

    static func isLoopDevicePath(_ path: String) -> Bool {
        let prefix = "/dev/loop"
        guard path.hasPrefix(prefix) else { return false }
        let digits = path.dropFirst(prefix.count)
        return !digits.isEmpty && digits.allSatisfy(\.isASCII) && digits.allSatisfy(\.isNumber)
    }
}
