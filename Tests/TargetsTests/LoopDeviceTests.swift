// Real loop devices on real files. Everything that makes loop devices lives under this one serialized
// suite, because the tests compare `losetup -a` before and after.
import Foundation
import Glibc
import Testing
@testable import Targets
import DiobenchTestSupport
import Vocabulary

@Suite(.serialized, .loopDevices, .enabled(if: TestEnvironment.canUseLoopDevices, TestEnvironment.loopReason))
struct LoopDeviceSuite {}

struct LoopCase: CustomTestStringConvertible, Sendable {
    var directIO: Bool
    var blockSize: UInt32
    var method: LoopSetupMethod
    var testDescription: String { "dio=\(directIO ? "on" : "off") bs=\(blockSize) \(method.rawValue)" }

    static let all: [LoopCase] = [true, false].flatMap { dio in
        LoopDeviceRequest.validLogicalBlockSizes.flatMap { bs in
            [LoopSetupMethod.configure, .legacy].map { LoopCase(directIO: dio, blockSize: bs, method: $0) }
        }
    }
}

/// The logical block size of the block device holding `path` (what ext4 reports as its DIO alignment).
func logicalBlockSizeOfDevice(holding path: String) throws -> UInt32? {
    var st = stat()
    guard stat(path, &st) == 0 else { return nil }
    let major = (st.st_dev >> 8) & 0xfff | ((st.st_dev >> 32) & ~0xfff)
    let minor = (st.st_dev & 0xff) | ((st.st_dev >> 12) & ~0xff)
    let base = "/sys/dev/block/\(major):\(minor)"
    for candidate in ["\(base)/queue/logical_block_size", "\(base)/../queue/logical_block_size"] {
        if let data = FileManager.default.contents(atPath: candidate) {
            return UInt32(String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
        }
    }
    return nil
}

extension LoopDeviceSuite {
    @Suite struct Attach {
        @Test(arguments: LoopCase.all)
        func reportsWhatTheKernelConfiguredAndDetaches(_ c: LoopCase) async throws {
            let scratch = try TemporaryDirectory("targets-attach", under: "/tmp")
            let backing = scratch.file("backing.img")
            try await expectingLoopDevicesUnchanged(scratch) {
                let loop = try LoopDevice.attach(
                    LoopDeviceRequest(
                        backingFile: backing, size: 8 << 20, directIO: c.directIO, logicalBlockSize: c.blockSize,
                        setupMethod: c.method))
                let report = loop.report
                let sysfs = LoopSysfs(devicePath: loop.path)

                #expect(report.device == "/dev/loop\(loop.number)")
                #expect(report.backingFile == backing)
                #expect(report.backingFileCreated)
                #expect(report.backingFileSize == 8 << 20)
                #expect(report.setupMethod == c.method)
                #expect(sysfs.backingFile == backing)

                // Effective dio: the kernel turns it on when the backing file's DIO alignment fits the block size.
                let align = try #require(report.backingDirectIOAlignment)
                let expectDirect = c.directIO && align.offsetAlignment > 0 && align.offsetAlignment <= c.blockSize
                #expect(report.directIORequested == c.directIO)
                #expect(report.directIOEffective == expectDirect)
                #expect(report.directIOEffective == sysfs.directIO)
                #expect(report.logicalBlockSize == c.blockSize)
                #expect(!report.readOnly)
                #expect(report.autoclear)
                #expect(report.warnings.isEmpty == (expectDirect == c.directIO), "\(report.warnings)")

                let listed = try #require(try await Losetup.entry(loop.path))
                #expect(listed.backFile == backing)
                #expect(listed.dio == report.directIOEffective)
                #expect(UInt32(listed.logSec) == report.logicalBlockSize)
                #expect(listed.ro == report.readOnly)
                #expect(listed.autoclear == report.autoclear)

                try loop.detach()
                #expect(!loop.isAttached)
                #expect(!sysfs.isBound)
                #expect(try await Losetup.entry(loop.path)?.backFile == nil)
                // Detaching twice is harmless.
                try loop.detach()
            }
        }

        @Test func backingFileFactsComeFromStatfsAndStatx() async throws {
            let scratch = try TemporaryDirectory("targets-facts", under: "/tmp")
            let backing = scratch.file("backing.img")
            try await expectingLoopDevicesUnchanged(scratch) {
                let loop = try LoopDevice.attach(LoopDeviceRequest(backingFile: backing, size: 4 << 20, directIO: true))
                defer { try? loop.detach() }
                let statMagic = try await runCommand(["stat", "--file-system", "--format=%t", backing])
                #expect(
                    loop.report.backingFileSystemMagic.map { String($0, radix: 16) }
                        == statMagic.stdout.trimmingCharacters(in: .whitespacesAndNewlines))
                if loop.report.backingFileSystemMagic == 0xEF53 {
                    #expect(loop.report.backingFileSystem == "ext2/ext3/ext4")
                    // ext4 reports the logical block size of its device as the O_DIRECT alignment.
                    let align = try #require(loop.report.backingDirectIOAlignment)
                    #expect(align.offsetAlignment == (try logicalBlockSizeOfDevice(holding: backing)))
                    #expect(align.memoryAlignment > 0)
                }
                // The report is Codable for the JSON output.
                let data = try JSONEncoder().encode(loop.report)
                #expect(try JSONDecoder().decode(LoopDeviceReport.self, from: data) == loop.report)
            }
        }

        @Test func anExistingBackingFileIsUsedAsItIsAndKept() async throws {
            let scratch = try TemporaryDirectory("targets-existing", under: "/tmp")
            let backing = scratch.file("backing.img")
            #expect(FileManager.default.createFile(atPath: backing, contents: Data(repeating: 7, count: 1 << 20)))
            try await expectingLoopDevicesUnchanged(scratch) {
                let loop = try LoopDevice.attach(
                    LoopDeviceRequest(
                        backingFile: backing, size: 1 << 20, removeCreatedBackingFile: true))
                #expect(!loop.report.backingFileCreated)
                try loop.detach()
            }
            #expect(FileManager.default.contents(atPath: backing) == Data(repeating: 7, count: 1 << 20))

            let tooSmall = try #require(throws: LoopError.self) {
                try LoopDevice.attach(LoopDeviceRequest(backingFile: backing, size: 2 << 20))
            }
            #expect(tooSmall == .backingFileTooSmall(path: backing, size: 1 << 20, needed: 2 << 20))
            #expect(throws: LoopError.backingFileMissing(path: scratch.file("absent.img"))) {
                try LoopDevice.attach(LoopDeviceRequest(backingFile: scratch.file("absent.img")))
            }
        }

        @Test func concurrentAttachesEachGetTheirOwnDevice() async throws {
            // Concurrent LOOP_CTL_GET_FREE calls hand out the same number: all but one get EBUSY and retry.
            let scratch = try TemporaryDirectory("targets-race", under: "/tmp")
            try await expectingLoopDevicesUnchanged(scratch) {
                let count = 4
                let results = ResultBox(count: count)
                // concurrentPerform waits for its iterations: on a thread of its own.
                try await onDedicatedThread {
                    DispatchQueue.concurrentPerform(iterations: count) { i in
                        results.set(
                            i,
                            Result {
                                try LoopDevice.attach(
                                    LoopDeviceRequest(backingFile: scratch.file("b\(i).img"), size: 1 << 20))
                            })
                    }
                }
                let devices = try results.values.map { try $0.get() }
                #expect(Set(devices.map(\.path)).count == count)
                for (i, device) in devices.enumerated() {
                    #expect(LoopSysfs(devicePath: device.path).backingFile == scratch.file("b\(i).img"))
                }
                for device in devices { try device.detach() }
            }
        }
    }
}

/// Results written from concurrentPerform's threads.
final class ResultBox: @unchecked Sendable {
    private let lock = NSLock()
    private var storage: [Result<LoopDevice, any Error>?]
    init(count: Int) { storage = Array(repeating: nil, count: count) }
    func set(_ i: Int, _ value: Result<LoopDevice, any Error>) {
        lock.lock()
        storage[i] = value
        lock.unlock()
    }
    var values: [Result<LoopDevice, any Error>] { storage.map { $0! } }
}
