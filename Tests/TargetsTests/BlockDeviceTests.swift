import Foundation
import Glibc
import Targets
import Testing
import DiobenchTestSupport

/// Block-device paths of FileTarget, on a loop device this suite attaches over a scratch file (and
/// detaches: only the one it made). The engines on the same kind of device: EnginesTests/BlockDeviceTests.
@Suite(.enabled(if: loopDevicesAvailable, "needs root, /dev/loop-control and losetup"), .serialized, .loopDevices)
struct BlockDeviceTests {
    @Test(
        "kind, size (BLKGETSIZE64), logical block size (BLKSSZGET), statx and cache flush on a 4096-byte-sector loop device"
    )
    func deviceFacts() async throws {
        let dir = try TemporaryDirectory("targets-blockdevice", under: "/tmp")
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
}
