// The byte layouts handed to the loop driver, checked against <linux/loop.h> offsets.
import DiobenchTestSupport
import Foundation
import Glibc
import Testing
@testable import Targets

@Suite struct LoopKernelInterfaceTests {
    @Test func loopInfo64FieldsLandAtTheHeaderOffsets() {
        var info = LoopInfo64()
        info.device = 0x0102_0304_0506_0708
        info.inode = 0x1112_1314_1516_1718
        info.offset = 4096
        info.sizeLimit = 1 << 30
        info.number = 7
        info.flags = [.autoclear, .directIO, .readOnly]
        info.fileName = "/tmp/backing.img"
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: LoopInfo64.byteCount, alignment: 8)
        defer { buffer.deallocate() }
        info.encode(into: buffer)
        #expect(buffer.load(fromByteOffset: 0, as: UInt64.self) == 0x0102_0304_0506_0708)
        #expect(buffer.load(fromByteOffset: 8, as: UInt64.self) == 0x1112_1314_1516_1718)
        #expect(buffer.load(fromByteOffset: 24, as: UInt64.self) == 4096)
        #expect(buffer.load(fromByteOffset: 32, as: UInt64.self) == 1 << 30)
        #expect(buffer.load(fromByteOffset: 40, as: UInt32.self) == 7)
        #expect(buffer.load(fromByteOffset: 52, as: UInt32.self) == 1 | 4 | 16)
        let name = (0..<16).map { buffer.load(fromByteOffset: 56 + $0, as: UInt8.self) }
        #expect(name == Array("/tmp/backing.img".utf8))
        #expect(buffer.load(fromByteOffset: 56 + 16, as: UInt8.self) == 0)
        #expect(LoopInfo64(decoding: buffer) == info)
    }

    @Test func longFileNamesAreCutToFitWithTheirTerminator() {
        var info = LoopInfo64()
        info.fileName = String(repeating: "x", count: 200)
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: LoopInfo64.byteCount, alignment: 8)
        defer { buffer.deallocate() }
        info.encode(into: buffer)
        #expect(buffer.load(fromByteOffset: 56 + 62, as: UInt8.self) == UInt8(ascii: "x"))
        #expect(buffer.load(fromByteOffset: 56 + 63, as: UInt8.self) == 0)
        // lo_crypt_name right after stays zero.
        #expect(buffer.load(fromByteOffset: 120, as: UInt8.self) == 0)
        #expect(LoopInfo64(decoding: buffer).fileName.count == 63)
    }

    @Test func loopConfigIsFdThenBlockSizeThenInfoThenReserved() {
        #expect(LoopConfig.byteCount == 304)
        var info = LoopInfo64()
        info.flags = [.directIO]
        let config = LoopConfig(backingFD: 42, blockSize: 4096, info: info)
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: LoopConfig.byteCount, alignment: 8)
        defer { buffer.deallocate() }
        buffer.initializeMemory(as: UInt8.self, repeating: 0xFF, count: LoopConfig.byteCount)
        config.encode(into: buffer)
        #expect(buffer.load(fromByteOffset: 0, as: UInt32.self) == 42)
        #expect(buffer.load(fromByteOffset: 4, as: UInt32.self) == 4096)
        #expect(buffer.load(fromByteOffset: 8 + 52, as: UInt32.self) == 16)
        let reserved = (0..<64).map { buffer.load(fromByteOffset: 240 + $0, as: UInt8.self) }
        #expect(reserved.allSatisfy { $0 == 0 })
    }

    @Test func loopDevicePathsAreRecognisedStrictly() {
        #expect(LoopDevice.isLoopDevicePath("/dev/loop0"))
        #expect(LoopDevice.isLoopDevicePath("/dev/loop127"))
        #expect(!LoopDevice.isLoopDevicePath("/dev/loop-control"))
        #expect(!LoopDevice.isLoopDevicePath("/dev/loop"))
        #expect(!LoopDevice.isLoopDevicePath("/dev/sda"))
        #expect(!LoopDevice.isLoopDevicePath("/dev/loop1/../sda"))
    }
}

@Suite struct LoopErrorTests {
    @Test func aRequestSmallerThanTheLogicalBlockSizeIsExplained() throws {
        let error = try #require(
            LoopError.explainDirectIO(
                errno: EINVAL, device: "/dev/loop9", logicalBlockSize: 4096, offset: 0, length: 512,
                bufferAddress: 0x10000))
        let text = error.description
        #expect(text.contains("/dev/loop9"))
        #expect(text.contains("logical block size is 4096"))
        #expect(text.contains("512 bytes, smaller than the logical block size"))
        #expect(text.contains("loop_block_size"))
    }

    @Test func misalignedOffsetAndBufferAreNamed() throws {
        let offset = try #require(
            LoopError.explainDirectIO(
                errno: EINVAL, device: "/dev/loop9", logicalBlockSize: 4096, offset: 512, length: 4096,
                bufferAddress: 0x10000))
        #expect(offset.description.contains("offset 512 is not a multiple"))
        let buffer = try #require(
            LoopError.explainDirectIO(
                errno: EINVAL, device: "/dev/loop9", logicalBlockSize: 512, memoryAlignment: 512,
                offset: 0, length: 4096, bufferAddress: 0x10010))
        #expect(buffer.description.contains("buffer address 0x10010 is not aligned to 512"))
    }

    @Test func alignedRequestsAndOtherErrorsAreNotBlamedOnAlignment() {
        #expect(
            LoopError.explainDirectIO(
                errno: EINVAL, device: "/dev/loop9", logicalBlockSize: 4096, offset: 8192, length: 8192,
                bufferAddress: 0x10000) == nil)
        #expect(
            LoopError.explainDirectIO(
                errno: EIO, device: "/dev/loop9", logicalBlockSize: 4096, offset: 0, length: 512, bufferAddress: 0x10000
            ) == nil)
    }

    @Test(arguments: [UInt32(0), 256, 3000, 8192, 65536])
    func invalidBlockSizesAreRefusedBeforeAnythingIsTouched(size: UInt32) throws {
        let scratch = try TemporaryDirectory("targets-badbs", under: "/tmp")
        let backing = scratch.file("never-created.img")
        #expect(throws: LoopError.invalidLogicalBlockSize(size)) {
            try LoopDevice.attach(LoopDeviceRequest(backingFile: backing, size: 1 << 20, logicalBlockSize: size))
        }
        #expect(!FileManager.default.fileExists(atPath: backing))
        #expect(LoopError.invalidLogicalBlockSize(size).description.contains("512, 1024, 2048 or 4096"))
    }

    @Test func missingLoopControlSaysToLoadTheModule() throws {
        let scratch = try TemporaryDirectory("targets-noloop", under: "/tmp")
        let request = LoopDeviceRequest(
            backingFile: scratch.file("b.img"), size: 1 << 20, controlDevice: scratch.file("loop-control"))
        let error = try #require(throws: LoopError.self) { try LoopDevice.attach(request) }
        guard case let .noLoopSupport(path, code) = error else {
            Issue.record("expected noLoopSupport, got \(error)")
            return
        }
        #expect(path == scratch.file("loop-control"))
        #expect(code == ENOENT)
        #expect(error.description.contains("modprobe loop"))
        #expect(!FileManager.default.fileExists(atPath: scratch.file("b.img")))
    }

    @Test func notPermittedSaysToRunAsRoot() {
        let text = LoopError.notPermitted(operation: "LOOP_CONFIGURE", path: "/dev/loop3").description
        #expect(text.contains("EPERM") && text.contains("root"))
    }
}
