// Swift faces of the C checksum kernels (CVerifyChecksums): CRC-32C and SHA-256 over raw memory.
// Why not swift-crypto's SHA256: on Linux it allocates a class instance (its BoringSSL context) for
// every hash, and the verify path must not allocate per block. The C kernels keep state on the stack.
import CVerifyChecksums

public enum Checksums {
    /// Standard CRC-32C (Castagnoli) of `count` bytes, continuing from `crc` (0 to start).
    @inline(__always)
    public static func crc32c(_ bytes: UnsafeRawPointer, count: Int, continuing crc: UInt32 = 0) -> UInt32 {
        verify_crc32c(crc, bytes, count)
    }

    /// The slicing-by-8 path (what machines without the CRC32 instruction run).
    public static func crc32cPortable(_ bytes: UnsafeRawPointer, count: Int, continuing crc: UInt32 = 0) -> UInt32 {
        verify_crc32c_portable(crc, bytes, count)
    }

    /// SHA-256 of `count` bytes into the 32 bytes at `digest`.
    @inline(__always)
    public static func sha256(_ bytes: UnsafeRawPointer, count: Int, into digest: UnsafeMutableRawPointer) {
        verify_sha256(bytes, count, digest.assumingMemoryBound(to: UInt8.self))
    }

    /// The portable SHA-256 path (what machines without SHA extensions run).
    public static func sha256Portable(_ bytes: UnsafeRawPointer, count: Int, into digest: UnsafeMutableRawPointer) {
        verify_sha256_portable(bytes, count, digest.assumingMemoryBound(to: UInt8.self))
    }

    /// Which paths this CPU takes, for reports and the benchmark.
    public static var crc32cUsesHardware: Bool { verify_crc32c_is_hardware() != 0 }
    public static var sha256UsesHardware: Bool { verify_sha256_is_hardware() != 0 }
}
