import Engines
import Foundation
import Glibc
import Targets
import Testing
import DiobenchTestSupport

/// Block-device paths of FileTarget and the engines, on a loop device this suite attaches over
/// a scratch file (and detaches: only the one it made).
@Suite(.enabled(if: loopDevicesAvailable, "needs root, /dev/loop-control and losetup"), .serialized, .loopDevices)
struct BlockDeviceTests {
    @Test(
        "kind, size (BLKGETSIZE64), logical block size (BLKSSZGET), statx and cache flush on a 4096-byte-sector loop device"
    )
    func deviceFacts() async throws {
        let dir = ScratchDirectory()
        try await ScratchLoopDevice.with(
            backing: dir.file("backing"), size: 16 << 20, sectorSize: 4096, directIO: false
        ) { loop in
            #expect(FileTarget.kind(of: loop.device) == .blockDevice)
            #expect(try FileTarget.size(of: loop.device) == 16 << 20)
            let fd = try FileTarget.open(path: loop.device, direct: true, readOnly: false)
            defer { close(fd) }
            #expect(try FileTarget.blockDeviceSize(fd: fd, path: loop.device) == 16 << 20)
            #expect(try FileTarget.logicalBlockSize(fd: fd, path: loop.device) == 4096)
            // Block devices report STATX_DIOALIGN since Linux 6.11: offsets in logical blocks.
            let alignment = try DirectIOAlignment.query(fd: fd, path: loop.device)
            if case .aligned(_, let offset) = alignment {
                #expect(offset == 4096)
            } else {
                #expect(alignment == .notReported)
            }
            try FileTarget.invalidateCache(fd: fd, path: loop.device)  // BLKFLSBUF, as root
            #expect(
                try FileTarget.layOut(LayoutRequest(path: loop.device, size: 4096, jobReads: true, jobWrites: false))
                    == .device)
            #expect(throws: FileTargetError.self) { try FileTarget.unlink(path: loop.device) }
            #expect(FileTarget.kind(of: loop.device) == .blockDevice)
        }
    }

    @Test("psync and io_uring (iodepth 32, fixed buffers) round-trip O_DIRECT through a loop device with dio on")
    func enginesOnLoop() async throws {
        let dir = ScratchDirectory()
        try await ScratchLoopDevice.with(backing: dir.file("backing"), size: 8 << 20, sectorSize: 512, directIO: true) {
            loop in
            let fd = try FileTarget.open(path: loop.device, direct: true, readOnly: false)
            defer { close(fd) }
            // Check blocks on the device through a second, buffered descriptor after each engine.
            func onDevice(_ salt: UInt64, blocks: Int) -> Int {
                blocksOnDisk(path: loop.device, fileIndex: 0, files: 1, blocks: blocks, blockSize: 4096, salt: salt)
            }
            var psync = PsyncEngine(files: [fd])
            let pool1 = try AlignedBufferPool(count: 1, size: 4096, alignment: 4096)
            let p = roundTrip(&psync, files: 1, blocks: 64, blockSize: 4096, pool: pool1, depth: 1, salt: 0xD1)
            psync.close()
            #expect(p.read.readsMatching == 64)
            #expect(onDevice(0xD1, blocks: 64) == 64)

            try #require(ioUringAvailable, "io_uring unavailable")
            let pool = try AlignedBufferPool(count: 32, size: 4096, alignment: 4096)
            var config = EngineConfig()
            config.iodepth = 32
            config.fixedBuffers = true
            var uring = try IOUringEngine(files: [fd], buffers: pool, config: config)
            let u = roundTrip(&uring, files: 1, blocks: 512, blockSize: 4096, pool: pool, depth: 32, salt: 0xD2)
            uring.close()
            #expect(u.write.results.allSatisfy { $0 == 4096 })
            #expect(u.read.readsMatching == 512)
            #expect(u.write.largestSubmit > 1)  // batched: several I/Os per io_uring_submit
            #expect(onDevice(0xD2, blocks: 512) == 512)
        }
    }
}
