// Helpers shared by the Targets tests: real commands (losetup, stat), aligned buffers. Nothing here
// imitates the kernel; the tests look at it through these. Scratch directories are DiobenchTestSupport's
// TemporaryDirectory.
import Foundation
import Glibc
import Testing
import DiobenchTestSupport
@testable import Targets
import SystemCalls

enum TestEnvironment {
    static let isRoot = geteuid() == 0
    static let hasLoopControl = FileManager.default.fileExists(atPath: "/dev/loop-control")
    static let canUseLoopDevices = isRoot && hasLoopControl
    static let loopReason: Comment =
        "needs root and /dev/loop-control (the loop driver): run as root after `modprobe loop`"
    static let hasMkfsExt4 =
        FileManager.default.isExecutableFile(atPath: "/usr/sbin/mkfs.ext4")
        || FileManager.default.isExecutableFile(atPath: "/sbin/mkfs.ext4")
}

/// Runs a command looked up on PATH (losetup, mkfs, wipefs): `arguments[0]` is its name.
@discardableResult
func runCommand(_ arguments: [String]) async throws -> ProcessOutput {
    try await runProgram(arguments[0], Array(arguments.dropFirst()))
}

/// What `losetup --list --json` says about one device.
struct LosetupEntry: Decodable, Equatable {
    var name: String
    var backFile: String?
    var dio: Bool
    var logSec: Int
    var ro: Bool
    var autoclear: Bool

    enum CodingKeys: String, CodingKey {
        case name, dio, ro, autoclear
        case backFile = "back-file"
        case logSec = "log-sec"
    }
}

enum Losetup {
    static func list() async throws -> [LosetupEntry] {
        struct List: Decodable { var loopdevices: [LosetupEntry] }
        let result = try await runCommand([
            "losetup", "--list", "--json", "--output", "NAME,BACK-FILE,DIO,LOG-SEC,RO,AUTOCLEAR",
        ])
        guard result.status == 0 else { throw POSIXError(.EIO) }
        if result.stdout.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { return [] }
        return try JSONDecoder().decode(List.self, from: Data(result.stdout.utf8)).loopdevices
    }

    static func entry(_ device: String) async throws -> LosetupEntry? {
        try await list().first { $0.name == device }
    }

    /// `losetup -a`, one line per device.
    static func all() async throws -> [String] {
        try await runCommand(["losetup", "-a"]).stdout.split(separator: "\n").map(String.init).sorted()
    }

    /// A loop device made the way another tool (or a run that something kept alive) leaves one: no autoclear.
    static func attach(_ file: String) async throws -> String {
        let result = try await runCommand(["losetup", "--find", "--show", file])
        guard result.status == 0 else { throw POSIXError(.EBUSY) }
        return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    static func detach(_ device: String) async {
        _ = try? await runCommand(["losetup", "--detach", device])
        // What LoopSysfs.waitUntilUnbound(timeout: 5) does, awaiting between looks instead of sleeping the thread.
        let sysfs = LoopSysfs(devicePath: device), deadline = ContinuousClock.now + .seconds(5)
        while sysfs.isBound && ContinuousClock.now < deadline { try? await Task.sleep(for: .milliseconds(5)) }
    }
}

/// Runs `body` and checks that `losetup -a` is as it was: no device left that backs a file under
/// `scratch`, and every device that existed before is still there unchanged. (Other processes on the
/// machine may attach their own devices meanwhile; those are the only differences tolerated.)
func expectingLoopDevicesUnchanged<T>(
    _ scratch: TemporaryDirectory, sourceLocation: SourceLocation = #_sourceLocation, _ body: () async throws -> T
) async throws -> T {
    let before = try await Losetup.all()
    return try await withCleanup(body) {
        let after = (try? await Losetup.all()) ?? []
        let ours = after.filter { $0.contains(scratch.path) }
        #expect(ours.isEmpty, "loop devices left behind: \(ours)", sourceLocation: sourceLocation)
        let lost = before.filter { !after.contains($0) }
        #expect(lost.isEmpty, "loop devices that existed before were changed: \(lost)", sourceLocation: sourceLocation)
        if ours.isEmpty && lost.isEmpty && after != before {
            let foreign = after.filter { !before.contains($0) }
            print("note: other processes attached loop devices during the test: \(foreign)")
        }
    }
}

/// A page-aligned buffer filled with a pattern from `seed`.
final class AlignedBuffer {
    let pointer: UnsafeMutableRawPointer
    let count: Int

    init(count: Int, alignment: Int = 4096, seed: UInt64? = nil) {
        var raw: UnsafeMutableRawPointer?
        precondition(posix_memalign(&raw, alignment, count) == 0)
        pointer = raw!
        self.count = count
        if let seed { fill(seed: seed) } else { pointer.initializeMemory(as: UInt8.self, repeating: 0, count: count) }
    }

    func fill(seed: UInt64) {
        var state = seed &* 0x9E37_79B9_7F4A_7C15 | 1
        for i in stride(from: 0, to: count, by: 8) {
            state ^= state << 13
            state ^= state >> 7
            state ^= state << 17
            pointer.storeBytes(of: state, toByteOffset: i, as: UInt64.self)
        }
    }

    var bytes: [UInt8] { Array(UnsafeRawBufferPointer(start: pointer, count: count)) }

    deinit { free(pointer) }
}

func openOrThrow(_ path: String, _ flags: Int32) throws -> Int32 {
    let fd = open(path, flags | O_CLOEXEC)
    guard fd >= 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
    return fd
}

/// Reads the whole range or throws with the errno.
func preadFully(_ fd: Int32, _ buffer: AlignedBuffer, offset: Int) throws {
    let n = pread(fd, buffer.pointer, buffer.count, off_t(offset))
    guard n == buffer.count else { throw POSIXError(POSIXErrorCode(rawValue: n < 0 ? errno : EIO) ?? .EIO) }
}

func pwriteFully(_ fd: Int32, _ buffer: AlignedBuffer, offset: Int) throws {
    let n = pwrite(fd, buffer.pointer, buffer.count, off_t(offset))
    guard n == buffer.count else { throw POSIXError(POSIXErrorCode(rawValue: n < 0 ? errno : EIO) ?? .EIO) }
}

/// O_DIRECT for the tests (Glibc's Swift module does not export it).
let testODirect = openFlagDirect

/// A process identity that cannot be alive: a child that has exited and been reaped.
func deadProcessIdentity() async throws -> ProcessIdentity {
    let exited = try await runProgram("/bin/true", [])
    let current = try ProcessIdentity.current()
    return ProcessIdentity(pid: exited.processIdentifier, startTicks: 1, bootID: current.bootID)
}
