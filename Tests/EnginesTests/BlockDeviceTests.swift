import Engines
import Foundation
import Glibc
import Targets
import Testing
import DiobenchTestSupport

/// The engines on a block device: a loop device this suite attaches over a scratch file (and detaches:
/// only the one it made). FileTarget's block-device paths: TargetsTests/BlockDeviceTests.
@Suite(.enabled(if: loopDevicesAvailable, "needs root, /dev/loop-control and losetup"), .serialized, .loopDevices)
struct BlockDeviceTests {
    @Test("psync and io_uring (iodepth 32, fixed buffers) round-trip O_DIRECT through a loop device with dio on")
    func enginesOnLoop() async throws {
        let dir = try TemporaryDirectory("engines", under: "/tmp")
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

    @Test("pvsync2, posixaio (iodepth 16) and mmap (the whole device mapped) round-trip through a loop device")
    func newEnginesOnLoop() async throws {
        let dir = try TemporaryDirectory("engines", under: "/tmp")
        try await ScratchLoopDevice.with(backing: dir.file("backing"), size: 8 << 20, sectorSize: 512, directIO: true) {
            loop in
            func onDevice(_ salt: UInt64, blocks: Int) -> Int {
                blocksOnDisk(path: loop.device, fileIndex: 0, files: 1, blocks: blocks, blockSize: 4096, salt: salt)
            }
            let direct = try FileTarget.open(path: loop.device, direct: true, readOnly: false)
            defer { close(direct) }
            let pool = try AlignedBufferPool(count: 16, size: 4096, alignment: 4096)
            var config = EngineConfig()
            config.direct = true
            config.hipri = true
            var pvsync2 = Pvsync2Engine(files: [direct], config: config)
            let v = roundTrip(&pvsync2, files: 1, blocks: 64, blockSize: 4096, pool: pool, depth: 1, salt: 0xD3)
            pvsync2.close()
            #expect(v.read.readsMatching == 64 && onDevice(0xD3, blocks: 64) == 64)

            config.iodepth = 16
            var aio = try PosixAIOEngine(files: [direct], buffers: pool, config: config)
            let a = roundTrip(&aio, files: 1, blocks: 256, blockSize: 4096, pool: pool, depth: 16, salt: 0xD4)
            aio.close()
            #expect(a.read.readsMatching == 256 && onDevice(0xD4, blocks: 256) == 256)

            let buffered = try FileTarget.open(path: loop.device, direct: false, readOnly: false)
            defer { close(buffered) }
            var mmap = try MmapEngine(files: [buffered], buffers: pool, config: EngineConfig())
            let m = roundTrip(&mmap, files: 1, blocks: 128, blockSize: 4096, pool: pool, depth: 1, salt: 0xD5)
            mmap.close()
            #expect(m.sync.results.allSatisfy { $0 == 0 })
            #expect(m.read.readsMatching == 128 && onDevice(0xD5, blocks: 128) == 128)
        }
    }
}
