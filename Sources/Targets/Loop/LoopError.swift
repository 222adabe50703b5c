// Errors from making, using and tearing down loop devices. Each message says what went wrong
// and what to do about it.
import Glibc
import SystemCalls

public enum LoopError: Error, Equatable, Sendable, CustomStringConvertible {
    /// EPERM/EACCES from the loop driver: loop devices need root (CAP_SYS_ADMIN).
    case notPermitted(operation: String, path: String)
    /// No /dev/loop-control (or it refuses): the loop module is not loaded.
    case noLoopSupport(path: String, errno: Int32)
    /// The loop device's logical block size must be 512, 1024, 2048 or 4096.
    case invalidLogicalBlockSize(UInt32)
    /// The backing file is missing and no size was given to create it.
    case backingFileMissing(path: String)
    /// The backing file exists but is smaller than the size the job needs (diobench does not grow files it did not make).
    case backingFileTooSmall(path: String, size: UInt64, needed: UInt64)
    /// A system call on the backing file failed.
    case backingFile(path: String, operation: String, errno: Int32)
    /// Direct I/O was required but the kernel kept it off for this backing file.
    case directIORefused(device: String, backingFile: String, reason: String)
    /// Every free loop device was taken by another process before we could configure it.
    case noFreeDevice(attempts: Int)
    /// A loop ioctl failed.
    case ioctl(name: String, device: String, errno: Int32)
    /// LOOP_CLR_FD was accepted, but the device is still bound: someone still has it open.
    case detachDeferred(device: String, waitedSeconds: Double, holders: [String])
    /// An O_DIRECT request on the loop device that its logical block size rules out (the kernel says EINVAL).
    case misalignedDirectIO(
        device: String, logicalBlockSize: UInt32, memoryAlignment: UInt32,
        offset: UInt64, length: Int, bufferAddress: UInt)

    public var description: String {
        switch self {
        case let .notPermitted(operation, path):
            return "\(operation) on \(path) was refused (EPERM): creating and configuring loop devices needs root "
                + "(CAP_SYS_ADMIN). Run diobench as root, e.g. with sudo."
        case let .noLoopSupport(path, code):
            return "no loop device support: \(path) is not usable: \(ErrnoNames.describe(code)). "
                + "Load the loop driver with `modprobe loop` (in a container, give it /dev/loop-control and the loop devices)."
        case let .invalidLogicalBlockSize(size):
            return
                "loop_block_size=\(size) is not valid: the loop device's logical block size must be 512, 1024, 2048 or 4096."
        case let .backingFileMissing(path):
            return
                "loop backing file \(path) does not exist and no size was given to create it: set `size` in the job, or create the file."
        case let .backingFileTooSmall(path, size, needed):
            return "loop backing file \(path) is \(size) bytes, smaller than the \(needed) bytes the job needs; "
                + "diobench does not grow files it did not create: give a smaller size, or remove the file so diobench creates it."
        case let .backingFile(path, operation, code):
            return "loop backing file \(path): \(operation) failed: \(ErrnoNames.describe(code))."
        case let .directIORefused(device, backingFile, reason):
            return
                "direct I/O was required on \(device), but the kernel kept it off for backing file \(backingFile): \(reason). "
                + "Put the backing file on a file system that supports O_DIRECT, or use a loop_block_size at least as large "
                + "as the backing file's direct I/O alignment, or allow buffered loop I/O."
        case let .noFreeDevice(attempts):
            return "could not get a free loop device: another process took each of the \(attempts) free devices first. "
                + "Retry, or raise the limit with `modprobe loop max_loop=N`."
        case let .ioctl(name, device, code):
            if code == EPERM || code == EACCES {
                return
                    "\(name) on \(device) was refused with \(ErrnoNames.describe(code)): loop devices need root (CAP_SYS_ADMIN)."
            }
            return "\(name) on \(device) failed: \(ErrnoNames.describe(code))."
        case let .detachDeferred(device, waited, holders):
            let who = holders.isEmpty ? "" : " (held by \(holders.joined(separator: ", ")))"
            return "\(device) is still attached \(waited) s after LOOP_CLR_FD: it is still open somewhere\(who). "
                + "Autoclear is set, so the kernel detaches it on the last close; find the opener with `fuser -v \(device)`, "
                + "then run `diobench cleanup`."
        case let .misalignedDirectIO(device, lbs, memAlign, offset, length, buffer):
            var reasons: [String] = []
            if UInt64(length) < UInt64(lbs) {
                reasons.append("the request is \(length) bytes, smaller than the logical block size")
            } else if length % Int(lbs) != 0 {
                reasons.append("the length \(length) is not a multiple of the logical block size")
            }
            if offset % UInt64(lbs) != 0 {
                reasons.append("the offset \(offset) is not a multiple of the logical block size")
            }
            if memAlign > 1 && buffer % UInt(memAlign) != 0 {
                reasons.append("the buffer address 0x\(String(buffer, radix: 16)) is not aligned to \(memAlign) bytes")
            }
            let why = reasons.isEmpty ? "it does not fit the device's alignment" : reasons.joined(separator: "; ")
            return "O_DIRECT request of \(length) bytes at offset \(offset) on \(device) was refused (EINVAL): "
                + "its logical block size is \(lbs) bytes, and \(why). "
                + "Use bs and offsets that are multiples of \(lbs) (e.g. bs=\(lbs)), or make the loop device with a smaller "
                + "loop_block_size (512 accepts any 512-byte multiple)."
        }
    }

    /// Explains an EINVAL from an O_DIRECT request on a loop device whose logical block size is `logicalBlockSize`:
    /// returns `.misalignedDirectIO` when the request breaks the block device's alignment rules (offset and length
    /// multiples of the logical block size, buffer aligned to `memoryAlignment`), nil when it does not (EINVAL came
    /// from something else). Also usable before the run, with `errno: EINVAL`, to reject a job early.
    public static func explainDirectIO(
        errno code: Int32, device: String, logicalBlockSize: UInt32, memoryAlignment: UInt32 = 512,
        offset: UInt64, length: Int, bufferAddress: UInt
    ) -> LoopError? {
        guard code == EINVAL, logicalBlockSize > 0 else { return nil }
        let lbs = UInt64(logicalBlockSize)
        let misaligned =
            UInt64(length) % lbs != 0 || length == 0 || offset % lbs != 0
            || (memoryAlignment > 1 && bufferAddress % UInt(memoryAlignment) != 0)
        guard misaligned else { return nil }
        return .misalignedDirectIO(
            device: device, logicalBlockSize: logicalBlockSize, memoryAlignment: memoryAlignment,
            offset: offset, length: length, bufferAddress: bufferAddress)
    }
}
