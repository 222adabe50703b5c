internal import Foundation
import Glibc

/// Root, the loop driver's /dev/loop-control and losetup are all here: `ScratchLoopDevice` can work.
public let loopDevicesAvailable =
    geteuid() == 0 && access("/dev/loop-control", F_OK) == 0 && access("/usr/sbin/losetup", X_OK) == 0

/// A loop device over a scratch file for the duration of `body`, detached afterwards (a deinit cannot
/// await `losetup`). Only the device this test attached is ever detached.
public struct ScratchLoopDevice: Sendable {
    public let device: String
    public let backing: String

    public static func with<T>(
        backing: String, size: Int, sectorSize: Int, directIO: Bool,
        _ body: (ScratchLoopDevice) async throws -> T
    ) async throws -> T {
        let fd = open(backing, O_RDWR | O_CREAT, 0o600)
        guard fd >= 0, ftruncate(fd, off_t(size)) == 0 else { throw POSIXError(.EIO) }
        close(fd)
        let result = try await losetup([
            "--find", "--show", "--sector-size", "\(sectorSize)", "--direct-io=\(directIO ? "on" : "off")", backing,
        ])
        guard result.status == 0, result.output.hasPrefix("/dev/loop") else { throw POSIXError(.ENODEV) }
        let loop = ScratchLoopDevice(device: result.output, backing: backing)
        return try await withCleanup {
            try await body(loop)
        } cleanup: {
            _ = try? await losetup(["--detach", loop.device])
        }
    }

    /// Runs losetup; its exit status and trimmed stdout.
    private static func losetup(_ arguments: [String]) async throws -> (status: Int32, output: String) {
        let result = try await runProgram("/usr/sbin/losetup", arguments)
        return (result.status, result.stdout.trimmingCharacters(in: .whitespacesAndNewlines))
    }
}
