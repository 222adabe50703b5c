// The loop driver's ioctl interface, written from the facts in <linux/loop.h>.
// Glibc does not import these macros, and Swift does not promise a C-compatible layout for its
// own structs, so the structs are encoded field by field at the header's byte offsets.
import Glibc
import SystemCalls

/// ioctl request numbers ('L' == 0x4C).
enum LoopIoctl {
    static let setFD: UInt = 0x4C00
    static let clearFD: UInt = 0x4C01
    static let setStatus64: UInt = 0x4C04
    static let getStatus64: UInt = 0x4C05
    static let setDirectIO: UInt = 0x4C08
    static let setBlockSize: UInt = 0x4C09
    static let configure: UInt = 0x4C0A
    static let controlGetFree: UInt = 0x4C82
}

/// `lo_flags` bits.
struct LoopFlags: OptionSet, Sendable {
    let rawValue: UInt32
    static let readOnly = LoopFlags(rawValue: 1)
    static let autoclear = LoopFlags(rawValue: 4)
    static let partScan = LoopFlags(rawValue: 8)
    static let directIO = LoopFlags(rawValue: 16)
}

/// `struct loop_info64`: 232 bytes.
struct LoopInfo64: Equatable {
    static let byteCount = 232
    static let nameSize = 64

    var device: UInt64 = 0  // backing file's st_dev (huge_encode_dev), read-only
    var inode: UInt64 = 0  // backing file's st_ino, read-only
    var rdevice: UInt64 = 0
    var offset: UInt64 = 0
    var sizeLimit: UInt64 = 0
    var number: UInt32 = 0
    var flags: LoopFlags = []
    var fileName: String = ""  // lo_file_name: informational, NUL-terminated, at most 63 bytes

    init() {}

    /// Zeroes `LoopInfo64.byteCount` bytes at `p` and writes the fields.
    func encode(into p: UnsafeMutableRawPointer) {
        p.initializeMemory(as: UInt8.self, repeating: 0, count: Self.byteCount)
        p.storeBytes(of: device, toByteOffset: 0, as: UInt64.self)
        p.storeBytes(of: inode, toByteOffset: 8, as: UInt64.self)
        p.storeBytes(of: rdevice, toByteOffset: 16, as: UInt64.self)
        p.storeBytes(of: offset, toByteOffset: 24, as: UInt64.self)
        p.storeBytes(of: sizeLimit, toByteOffset: 32, as: UInt64.self)
        p.storeBytes(of: number, toByteOffset: 40, as: UInt32.self)
        // 44: lo_encrypt_type, 48: lo_encrypt_key_size (obsolete, zero)
        p.storeBytes(of: flags.rawValue, toByteOffset: 52, as: UInt32.self)
        let name = Array(fileName.utf8.prefix(Self.nameSize - 1))
        for (i, byte) in name.enumerated() {
            p.storeBytes(of: byte, toByteOffset: 56 + i, as: UInt8.self)
        }
        // 120: lo_crypt_name[64], 184: lo_encrypt_key[32], 216: lo_init[2]: zero
    }

    init(decoding p: UnsafeRawPointer) {
        device = p.loadUnaligned(fromByteOffset: 0, as: UInt64.self)
        inode = p.loadUnaligned(fromByteOffset: 8, as: UInt64.self)
        rdevice = p.loadUnaligned(fromByteOffset: 16, as: UInt64.self)
        offset = p.loadUnaligned(fromByteOffset: 24, as: UInt64.self)
        sizeLimit = p.loadUnaligned(fromByteOffset: 32, as: UInt64.self)
        number = p.loadUnaligned(fromByteOffset: 40, as: UInt32.self)
        flags = LoopFlags(rawValue: p.loadUnaligned(fromByteOffset: 52, as: UInt32.self))
        var bytes: [UInt8] = []
        for i in 0..<Self.nameSize {
            let byte = p.load(fromByteOffset: 56 + i, as: UInt8.self)
            if byte == 0 { break }
            bytes.append(byte)
        }
        fileName = String(decoding: bytes, as: UTF8.self)
    }
}

/// `struct loop_config` for LOOP_CONFIGURE: fd, block_size, loop_info64, 8 reserved u64: 304 bytes.
struct LoopConfig {
    static let byteCount = 8 + LoopInfo64.byteCount + 64

    var backingFD: UInt32
    var blockSize: UInt32
    var info: LoopInfo64

    func encode(into p: UnsafeMutableRawPointer) {
        p.initializeMemory(as: UInt8.self, repeating: 0, count: Self.byteCount)
        p.storeBytes(of: backingFD, toByteOffset: 0, as: UInt32.self)
        p.storeBytes(of: blockSize, toByteOffset: 4, as: UInt32.self)
        info.encode(into: p + 8)
    }
}

/// Thin ioctl calls that return 0 or an errno, retrying on EINTR.
enum LoopSyscall {
    /// An ioctl whose argument is an integer (passed as unsigned long, as the kernel reads it).
    static func ioctl(_ fd: Int32, _ request: UInt, value: UInt) -> Int32 {
        let rc: Int32
        if let asPointer = UnsafeMutableRawPointer(bitPattern: value) {
            rc = retryingInterrupted { Glibc.ioctl(fd, request, asPointer) }
        } else {
            rc = retryingInterrupted { Glibc.ioctl(fd, request, Int32(0)) }
        }
        return rc >= 0 ? 0 : errno
    }

    /// An ioctl that returns a non-negative number (LOOP_CTL_GET_FREE), or -errno.
    static func ioctlReturningNumber(_ fd: Int32, _ request: UInt) -> Int32 {
        let rc = retryingInterrupted { Glibc.ioctl(fd, request) }
        return rc >= 0 ? rc : -errno
    }

    /// An ioctl whose argument points to a struct of `byteCount` bytes, filled by `encode` first.
    static func ioctl(
        _ fd: Int32, _ request: UInt, byteCount: Int,
        encode: (UnsafeMutableRawPointer) -> Void = { _ in },
        decode: (UnsafeRawPointer) -> Void = { _ in }
    ) -> Int32 {
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: byteCount, alignment: 8)
        defer { buffer.deallocate() }
        buffer.initializeMemory(as: UInt8.self, repeating: 0, count: byteCount)
        encode(buffer)
        guard retryingInterrupted({ Glibc.ioctl(fd, request, buffer) }) >= 0 else { return errno }
        decode(UnsafeRawPointer(buffer))
        return 0
    }

    static func open(_ path: String, _ flags: Int32, _ mode: mode_t = 0) -> (fd: Int32, errno: Int32) {
        let fd = retryingInterrupted { Glibc.open(path, flags | O_CLOEXEC, mode) }
        return fd >= 0 ? (fd, 0) : (-1, errno)
    }
}
