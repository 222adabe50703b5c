// I/O through real loop devices: data integrity both ways, the block-size rule for O_DIRECT,
// read-only, and backing files the kernel will not do direct I/O to.
import DiobenchTestSupport
import Foundation
import Glibc
import Testing
@testable import Targets
import Vocabulary
import SystemCalls

extension LoopDeviceSuite {
    @Suite struct IO {
        @Test(arguments: [true, false])
        func dataWrittenOnOneSideReadsBackOnTheOther(directIO: Bool) async throws {
            let scratch = try TemporaryDirectory("targets-data", under: "/tmp")
            let backing = scratch.file("backing.img")
            try await expectingLoopDevicesUnchanged(scratch) {
                let loop = try LoopDevice.attach(
                    LoopDeviceRequest(backingFile: backing, size: 8 << 20, directIO: directIO))
                defer { try? loop.detach() }
                let chunk = 64 << 10

                // Loop device → backing file: O_DIRECT writes at one offset, buffered + fsync at another.
                let direct = AlignedBuffer(count: chunk, seed: 1)
                let buffered = AlignedBuffer(count: chunk, seed: 2)
                let loopDirect = try openOrThrow(loop.path, O_RDWR | testODirect)
                defer { close(loopDirect) }
                try pwriteFully(loopDirect, direct, offset: 1 << 20)
                let loopBuffered = try openOrThrow(loop.path, O_RDWR)
                try pwriteFully(loopBuffered, buffered, offset: 3 << 20)
                #expect(fsync(loopBuffered) == 0)
                close(loopBuffered)

                let file = try openOrThrow(backing, O_RDWR)
                defer { close(file) }
                let readBack = AlignedBuffer(count: chunk)
                try preadFully(file, readBack, offset: 1 << 20)
                #expect(readBack.bytes == direct.bytes)
                try preadFully(file, readBack, offset: 3 << 20)
                #expect(readBack.bytes == buffered.bytes)

                // Backing file → loop device (read with O_DIRECT so the loop's own page cache cannot answer).
                let fromFile = AlignedBuffer(count: chunk, seed: 3)
                try pwriteFully(file, fromFile, offset: 5 << 20)
                #expect(fsync(file) == 0)
                try preadFully(loopDirect, readBack, offset: 5 << 20)
                #expect(readBack.bytes == fromFile.bytes)
                // And untouched regions read back as the zeros of the sparse file.
                try preadFully(loopDirect, readBack, offset: 7 << 20)
                #expect(readBack.bytes.allSatisfy { $0 == 0 })
            }
        }

        @Test func aSmallDirectReadOnA4096ByteBlockDeviceGetsEINVALAndTheExplanation() async throws {
            let scratch = try TemporaryDirectory("targets-bs4096", under: "/tmp")
            try await expectingLoopDevicesUnchanged(scratch) {
                let loop = try LoopDevice.attach(
                    LoopDeviceRequest(
                        backingFile: scratch.file("backing.img"), size: 4 << 20, directIO: true, logicalBlockSize: 4096)
                )
                defer { try? loop.detach() }
                #expect(loop.report.logicalBlockSize == 4096)
                let fd = try openOrThrow(loop.path, O_RDONLY | testODirect)
                defer { close(fd) }
                let buffer = AlignedBuffer(count: 4096)

                let small = pread(fd, buffer.pointer, 512, 0)
                let smallErrno = errno
                #expect(small == -1)
                #expect(smallErrno == EINVAL)
                let explanation = try #require(
                    loop.explainDirectIOFailure(
                        errno: smallErrno, offset: 0, length: 512, bufferAddress: UInt(bitPattern: buffer.pointer)))
                #expect(explanation.description.contains("logical block size is 4096"))
                #expect(explanation.description.contains("512 bytes"))
                #expect(explanation.description.contains(loop.path))

                let misplaced = pread(fd, buffer.pointer, 4096, 512)
                let misplacedErrno = errno
                #expect(misplaced == -1 && misplacedErrno == EINVAL)
                #expect(
                    loop.explainDirectIOFailure(
                        errno: misplacedErrno, offset: 512, length: 4096,
                        bufferAddress: UInt(bitPattern: buffer.pointer))?
                        .description.contains("offset 512") == true)

                // The same read, aligned, works: the refusal was about the size, not O_DIRECT itself.
                #expect(pread(fd, buffer.pointer, 4096, 4096) == 4096)
                #expect(
                    loop.explainDirectIOFailure(
                        errno: EINVAL, offset: 4096, length: 4096, bufferAddress: UInt(bitPattern: buffer.pointer))
                        == nil)
            }
        }

        @Test(arguments: [LoopSetupMethod.configure, .legacy])
        func aReadOnlyLoopDeviceRefusesWrites(method: LoopSetupMethod) async throws {
            let scratch = try TemporaryDirectory("targets-ro", under: "/tmp")
            let backing = scratch.file("backing.img")
            let original = Data((0..<(1 << 20)).map { UInt8(truncatingIfNeeded: $0 &* 31) })
            #expect(FileManager.default.createFile(atPath: backing, contents: original))
            try await expectingLoopDevicesUnchanged(scratch) {
                let loop = try LoopDevice.attach(
                    LoopDeviceRequest(backingFile: backing, readOnly: true, setupMethod: method))
                defer { try? loop.detach() }
                #expect(loop.report.readOnly)
                #expect(LoopSysfs(devicePath: loop.path).readOnly == true)
                #expect(try await Losetup.entry(loop.path)?.ro == true)

                let buffer = AlignedBuffer(count: 4096, seed: 9)
                let fd = open(loop.path, O_RDWR | O_CLOEXEC)
                if fd < 0 {
                    let code = errno
                    #expect([EROFS, EACCES, EPERM].contains(code), "open O_RDWR: \(ErrnoNames.describe(code))")
                } else {
                    defer { close(fd) }
                    let written = pwrite(fd, buffer.pointer, 4096, 0)
                    let code = errno
                    #expect(written == -1)
                    #expect([EPERM, EROFS].contains(code), "pwrite: \(ErrnoNames.describe(code))")
                }
                // Reading works and shows the file's bytes.
                let reader = try openOrThrow(loop.path, O_RDONLY | testODirect)
                defer { close(reader) }
                try preadFully(reader, buffer, offset: 4096)
                #expect(Data(buffer.bytes) == original.subdata(in: 4096..<8192))
            }
            #expect(FileManager.default.contents(atPath: backing) == original)
        }

        @Test func aFileSystemThatRefusesODirectLeavesDioOffWithAWarningOrAnError() async throws {
            let scratch = try TemporaryDirectory("targets-ramfs", under: "/tmp")
            defer { withExtendedLifetime(scratch) {} }  // removed only after the unmount below
            let mountPoint = scratch.file("mnt")
            try FileManager.default.createDirectory(atPath: mountPoint, withIntermediateDirectories: false)
            #expect(try await runCommand(["mount", "-t", "ramfs", "diobench-test", mountPoint]).status == 0)
            try await withCleanup {
                let backing = "\(mountPoint)/backing.img"
                try await expectingLoopDevicesUnchanged(scratch) {
                    let loop = try LoopDevice.attach(
                        LoopDeviceRequest(backingFile: backing, size: 4 << 20, directIO: true))
                    defer { try? loop.detach() }
                    #expect(loop.report.backingFileSystem == "ramfs")
                    #expect(loop.report.directIORequested)
                    #expect(!loop.report.directIOEffective)
                    #expect(LoopSysfs(devicePath: loop.path).directIO == false)
                    #expect(try await Losetup.entry(loop.path)?.dio == false)
                    #expect(loop.report.warnings.contains { $0.contains("refuses O_DIRECT") && $0.contains("ramfs") })
                    try loop.detach()

                    // When the job requires it, the same request is an error and leaves nothing behind.
                    let other = "\(mountPoint)/required.img"
                    let error = try #require(throws: LoopError.self) {
                        try LoopDevice.attach(
                            LoopDeviceRequest(
                                backingFile: other, size: 4 << 20, directIO: true, requireDirectIO: true))
                    }
                    guard case .directIORefused = error else {
                        Issue.record("expected directIORefused, got \(error)")
                        return
                    }
                    #expect(error.description.contains("ramfs"))
                    #expect(!FileManager.default.fileExists(atPath: other), "the file diobench created was removed")
                }
            } cleanup: {
                _ = try? await runCommand(["umount", mountPoint])
            }
        }

        @Test(.enabled(if: TestEnvironment.hasMkfsExt4, "needs mkfs.ext4 to make a file system with 4096-byte sectors"))
        func aBackingFileNeedingLargerAlignmentThanTheBlockSizeLeavesDioOff() async throws {
            // ext4 on a 4096-byte-sector device: its files need 4096-aligned O_DIRECT, so a loop device with
            // 512-byte blocks cannot pass its I/O through directly, and one with 4096-byte blocks can.
            let scratch = try TemporaryDirectory("targets-align", under: "/tmp")
            defer { withExtendedLifetime(scratch) {} }  // removed only after the unmount below
            let mountPoint = scratch.file("mnt")
            try FileManager.default.createDirectory(atPath: mountPoint, withIntermediateDirectories: false)
            try await expectingLoopDevicesUnchanged(scratch) {
                let disk = try LoopDevice.attach(
                    LoopDeviceRequest(
                        backingFile: scratch.file("disk.img"), size: 64 << 20, logicalBlockSize: 4096))
                defer { try? disk.detach() }
                #expect(try await runCommand(["mkfs.ext4", "-q", "-F", disk.path]).status == 0)
                #expect(try await runCommand(["mount", disk.path, mountPoint]).status == 0)
                try await withCleanup {
                    let backing = "\(mountPoint)/backing.img"

                    let small = try LoopDevice.attach(
                        LoopDeviceRequest(
                            backingFile: backing, size: 4 << 20, directIO: true, logicalBlockSize: 512))
                    #expect(small.report.backingDirectIOAlignment?.offsetAlignment == 4096)
                    #expect(!small.report.directIOEffective)
                    #expect(LoopSysfs(devicePath: small.path).directIO == false)
                    #expect(
                        small.report.warnings.contains { $0.contains("loop_block_size=4096") },
                        "\(small.report.warnings)")
                    try small.detach()

                    let fitting = try LoopDevice.attach(
                        LoopDeviceRequest(
                            backingFile: backing, directIO: true, logicalBlockSize: 4096))
                    #expect(fitting.report.directIOEffective)
                    #expect(fitting.report.warnings.isEmpty)
                    try fitting.detach()
                } cleanup: {
                    _ = try? await runCommand(["umount", mountPoint])
                }
            }
        }
    }
}
