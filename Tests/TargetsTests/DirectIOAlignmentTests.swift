import Engines
import DiobenchTestSupport
import Foundation
import Glibc
import Targets
import Testing

/// statx(STATX_DIOALIGN) on the file systems here, cross-checked against what the block layer
/// publishes in sysfs, and the O_DIRECT failure explanations against real EINVALs.
@Suite struct DirectIOAlignmentTests {
    /// ext4 (iomap DIO) reports dio_mem_align = the queue's dma_alignment + 1 and
    /// dio_offset_align = its logical block size, read here from sysfs independently.
    static func sysfsExpectation(for path: String) -> DirectIOAlignment? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        let major = ((info.st_dev >> 8) & 0xfff) | ((info.st_dev >> 32) & ~0xfff)
        let minor = (info.st_dev & 0xff) | ((info.st_dev >> 12) & ~0xff)
        for queue in ["/sys/dev/block/\(major):\(minor)/queue", "/sys/dev/block/\(major):\(minor)/../queue"] {
            guard let dma = try? String(contentsOfFile: "\(queue)/dma_alignment", encoding: .utf8),
                let lbs = try? String(contentsOfFile: "\(queue)/logical_block_size", encoding: .utf8),
                let dmaValue = UInt32(dma.trimmingCharacters(in: .whitespacesAndNewlines)),
                let lbsValue = UInt32(lbs.trimmingCharacters(in: .whitespacesAndNewlines))
            else { continue }
            return .aligned(memory: dmaValue + 1, offset: lbsValue)
        }
        return nil
    }

    static let tmpIsExt4 = (try? FileSystemInfo.of(path: "/tmp"))?.typeName == "ext4"

    @Test(
        "ext4 under /tmp reports the block queue's DMA alignment and logical block size",
        .enabled(if: tmpIsExt4, "/tmp is not ext4 here"))
    func ext4Values() throws {
        let dir = try TemporaryDirectory("targets-dio", under: "/tmp")
        let path = dir.file("aligned")
        let fd = try FileTarget.open(path: path, direct: false, readOnly: false)
        defer { close(fd) }
        let byPath = try DirectIOAlignment.query(path: path)
        let byFD = try DirectIOAlignment.query(fd: fd)
        #expect(byPath == byFD)
        let expected = try #require(Self.sysfsExpectation(for: path))
        #expect(byPath == expected)
        // On this VM: 512 and 512 (virtio-blk); so iomem_align=512 is *not* misaligned on ext4 here.
        #expect(byPath.memoryAlignment.map { $0.nonzeroBitCount == 1 } == true)
    }

    @Test("tmpfs, a directory and /proc do not report DIO alignment; a missing path is an error naming it")
    func otherCases() throws {
        let shm = try TemporaryDirectory("targets-dio", under: "/dev/shm")
        let file = shm.file("x")
        close(try FileTarget.open(path: file, direct: false, readOnly: false))
        // Linux 6.18: shmem fills no STATX_DIOALIGN although it accepts O_DIRECT.
        #expect(try DirectIOAlignment.query(path: file) == .notReported)
        #expect(try DirectIOAlignment.query(path: "/tmp") == .notReported)  // ext4 reports regular files only
        #expect(try DirectIOAlignment.query(path: "/proc/self/status") == .notReported)
        let error = #expect(throws: FileTargetError.self) {
            _ = try DirectIOAlignment.query(path: "/tmp/diobench-no-such-file")
        }
        #expect(error?.errno == ENOENT)
        #expect(error?.description.contains("/tmp/diobench-no-such-file") == true)
        #expect(error?.description.contains("ENOENT") == true)
    }

    struct Misalignment: Sendable, CustomTestStringConvertible {
        var name: String
        var bufferOffset: Int  // bytes past the aligned buffer (iomem_align)
        var fileOffset: UInt64
        var length: Int
        var mentions: [String]
        var testDescription: String { name }
    }

    /// The kernel's EINVAL for each kind of misalignment, and the sentence explaining it.
    @Test(
        "a misaligned O_DIRECT read gets EINVAL and the explanation names what statx requires",
        .enabled(if: tmpIsExt4, "/tmp is not ext4 here"),
        arguments: [
            Misalignment(
                name: "buffer", bufferOffset: -1, fileOffset: 0, length: 4096,
                mentions: ["buffer address", "iomem_align"]),
            Misalignment(
                name: "offset", bufferOffset: 0, fileOffset: 256, length: 4096, mentions: ["offset 256", "blockalign"]),
            Misalignment(
                name: "length", bufferOffset: 0, fileOffset: 0, length: 1000, mentions: ["length 1000", "bs"]),
        ])
    func explainEINVAL(_ case: Misalignment) throws {
        let dir = try TemporaryDirectory("targets-dio", under: "/tmp")
        let path = dir.file("dio")
        _ = try FileTarget.layOut(LayoutRequest(path: path, size: 65536, jobReads: true, jobWrites: false))
        let alignment = try DirectIOAlignment.query(path: path)
        let memory = Int(try #require(alignment.memoryAlignment))
        let offsetAlign = try #require(alignment.offsetAlignment)
        try #require(memory > 1 && offsetAlign > 256, "needs dio_mem_align > 1 and dio_offset_align > 256 to misalign")
        // "buffer": half the required memory alignment past an aligned address.
        let misalign = `case`.bufferOffset < 0 ? memory / 2 : `case`.bufferOffset
        let pool = try AlignedBufferPool(
            count: 1, size: 8192, alignment: AlignedBufferPool.alignment(dioMemAlign: UInt32(memory)),
            misalignment: misalign)
        let fd = try FileTarget.open(path: path, direct: true, readOnly: true)
        defer { close(fd) }

        // Through the psync engine, as a job would see it.
        var engine = PsyncEngine(files: [fd])
        defer { engine.close() }
        var unit = IOUnit(bufferIndex: 0, buffer: pool.buffer(0))
        unit.offset = `case`.fileOffset
        unit.length = `case`.length
        #expect(engine.queue(&unit, slot: 0) == .completed)
        #expect(unit.result == -Int(EINVAL))

        let sentence = alignment.explainFailure(
            operation: "read", errno: EINVAL, bufferAddress: UInt(bitPattern: pool.buffer(0)),
            offset: `case`.fileOffset, length: `case`.length)
        #expect(
            sentence.hasPrefix(
                "O_DIRECT read of \(`case`.length) bytes at offset \(`case`.fileOffset) failed with EINVAL"))
        #expect(sentence.contains("statx(STATX_DIOALIGN) requires"))
        for word in `case`.mentions { #expect(sentence.contains(word), "\(sentence)") }
        if `case`.name == "buffer" {
            #expect(sentence.contains("dio_mem_align=\(memory)"))
            #expect(sentence.contains("ends in 0x\(String(misalign, radix: 16))"))
            #expect(sentence.contains("multiple of \(memory)"))
        } else {
            #expect(sentence.contains("dio_offset_align=\(offsetAlign)"))
            #expect(!sentence.contains("buffer address"))
        }
    }

    @Test(
        "fio's iomem_align=512 works with O_DIRECT on ext4 when statx asks for no more than 512",
        .enabled(if: tmpIsExt4, "/tmp is not ext4 here"))
    func iomemAlign512() throws {
        let dir = try TemporaryDirectory("targets-dio", under: "/tmp")
        let path = dir.file("dio512")
        _ = try FileTarget.layOut(LayoutRequest(path: path, size: 65536, jobReads: true, jobWrites: false))
        let alignment = try DirectIOAlignment.query(path: path)
        let memory = try #require(alignment.memoryAlignment)
        let pool = try AlignedBufferPool(count: 1, size: 4096, alignment: 4096, misalignment: 512)
        let fd = try FileTarget.open(path: path, direct: true, readOnly: true)
        defer { close(fd) }
        let n = pread(fd, pool.buffer(0), 4096, 0)
        // The kernel agrees with statx: a buffer 512 bytes past a page is fine iff dio_mem_align ≤ 512.
        #expect((n == 4096) == (memory <= 512))
        #expect((n == -1 && errno == EINVAL) == (memory > 512))
    }

    @Test("explanations for the other statx answers say what they mean")
    func otherExplanations() {
        let aligned = DirectIOAlignment.aligned(memory: 4096, offset: 4096)
        let eio = aligned.explainFailure(
            operation: "write", errno: EIO, bufferAddress: 0x7f00_0000_0000, offset: 8192, length: 4096)
        #expect(eio.contains("failed with EIO"))
        #expect(eio.contains("alignment is not the cause"))
        let all = aligned.explainFailure(
            operation: "write", errno: EINVAL, bufferAddress: 0x7f00_0000_0200, offset: 512, length: 6144)
        #expect(all.contains("ends in 0x200") && all.contains("offset 512") && all.contains("length 6144"))
        let unknown = DirectIOAlignment.notReported.explainFailure(
            operation: "read", errno: EINVAL, bufferAddress: 0x1001, offset: 0, length: 4096)
        #expect(unknown.contains("statx did not report"))
        #expect(unknown.contains("ends in 0x1"))
        let zfsDisabled = DirectIOAlignment.unsupported.explainFailure(
            operation: "read", errno: EINVAL, bufferAddress: 0, offset: 0, length: 4096)
        #expect(zfsDisabled.contains("EOPNOTSUPP") && zfsDisabled.contains("direct=0"))
        let none = DirectIOAlignment.directIONotSupported.explainFailure(
            operation: "read", errno: EINVAL, bufferAddress: 0, offset: 0, length: 4096)
        #expect(none.contains("does not support direct I/O"))
    }

    @Test("the alignment round-trips through Codable for result.json")
    func codable() throws {
        let values: [DirectIOAlignment] = [
            .aligned(memory: 512, offset: 4096), .notReported, .unsupported, .directIONotSupported,
        ]
        let data = try JSONEncoder().encode(values)
        #expect(try JSONDecoder().decode([DirectIOAlignment].self, from: data) == values)
    }
}
