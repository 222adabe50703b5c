import DiobenchTestSupport
import Engines
import Glibc
import Targets
import Testing

/// mmap on real files (laid out first: the engine never extends a file, as fio's), buffered and O_DIRECT
/// (opened O_DIRECT, each I/O msynced), huge pages, a mapping that moves when the file grows, and the end of
/// the file.
@Suite struct MmapEngineTests {
    static let blocks = 64
    static let blockSize = 4096

    /// Files sized for `blocks` blocks spread over them, as the job's layout leaves them.
    func laidOut(_ dir: TemporaryDirectory, count: Int, direct: Bool) throws -> [Int32] {
        let fds = try openFiles(in: dir, count: count, direct: direct)
        for fd in fds { #expect(ftruncate(fd, off_t(Self.blocks / count * Self.blockSize)) == 0) }
        return fds
    }

    func engine(_ fds: [Int32], _ configure: (inout EngineConfig) -> Void = { _ in }) throws -> MmapEngine {
        let pool = try AlignedBufferPool(count: 1, size: Self.blockSize, alignment: 4096)
        var config = EngineConfig()
        configure(&config)
        return try MmapEngine(files: fds, buffers: pool, config: config)
    }

    @Test(
        "mmap writes a pattern and reads it back, buffered or O_DIRECT, with advice or huge pages",
        arguments: ["/tmp", "/dev/shm"], [0, 1, 2])
    func roundTrip(place: String, variant: Int) throws {
        for direct in [false, true] {
            let dir = try TemporaryDirectory("engines", under: place)
            let fds = try laidOut(dir, count: 2, direct: direct)
            defer { closeAll(fds) }
            var engine = try engine(fds) {
                $0.direct = direct
                $0.adviseRandom = variant == 0 ? nil : variant == 1
            }
            defer { engine.close() }
            try checkRoundTrip(&engine, dir: dir, fds: fds, salt: UInt64(0xE0 + variant) << 1 | (direct ? 1 : 0))
        }
    }

    @Test("with thp the mapping is private: the data reads back through the engine but never reaches the file")
    func transparentHugePages() throws {
        let dir = try TemporaryDirectory("engines", under: "/tmp")
        let fds = try laidOut(dir, count: 1, direct: false)
        defer { closeAll(fds) }
        var engine = try engine(fds) { $0.transparentHugePages = true }
        defer { engine.close() }
        let pool = try AlignedBufferPool(count: 1, size: Self.blockSize, alignment: 4096)
        let write = Request(op: .write, fileIndex: 0, offset: 8192, length: Self.blockSize, block: 2)
        let read = Request(op: .read, fileIndex: 0, offset: 8192, length: Self.blockSize, block: 2)
        #expect(drive(&engine, [write], pool: pool, depth: 1, salt: 9).results == [Self.blockSize])
        #expect(drive(&engine, [read], pool: pool, depth: 1, salt: 9).readsMatching == 1)
        #expect(blocksOnDisk(path: dir.file("f0"), fileIndex: 0, files: 1, blocks: 3, blockSize: 4096, salt: 9) == 0)
    }

    @Test("an I/O past the mapped end maps the grown file again; past the file's end it fails with ENXIO")
    func growthAndEnd() throws {
        let dir = try TemporaryDirectory("engines", under: "/tmp")
        let fds = try laidOut(dir, count: 1, direct: false)
        defer { closeAll(fds) }
        var engine = try engine(fds)
        defer { engine.close() }
        let pool = try AlignedBufferPool(count: 1, size: Self.blockSize, alignment: 4096)
        let end = UInt64(Self.blocks * Self.blockSize)
        let beyond = Request(op: .write, fileIndex: 0, offset: end, length: Self.blockSize, block: Self.blocks)
        #expect(drive(&engine, [beyond], pool: pool, depth: 1, salt: 5).results == [-Int(ENXIO)])
        var info = stat()
        #expect(fstat(fds[0], &info) == 0 && UInt64(info.st_size) == end, "the engine did not extend the file")
        #expect(ftruncate(fds[0], off_t(end) * 2) == 0)
        #expect(drive(&engine, [beyond], pool: pool, depth: 1, salt: 5).results == [Self.blockSize])
        let inside = Request(op: .write, fileIndex: 0, offset: 0, length: Self.blockSize, block: 0)
        #expect(drive(&engine, [inside], pool: pool, depth: 1, salt: 5).results == [Self.blockSize])
        let sync = Request(op: .fsync, fileIndex: 0, offset: 0, length: 0, block: nil)
        #expect(drive(&engine, [sync], pool: pool, depth: 1, salt: 5).results == [0])
        let path = dir.file("f0")
        #expect(blocksOnDisk(path: path, fileIndex: 0, files: 1, blocks: 1, blockSize: 4096, salt: 5) == 1)
        #expect(
            blocksOnDisk(path: path, fileIndex: 0, files: 1, blocks: Self.blocks + 1, blockSize: 4096, salt: 5) == 2)
    }

    @Test("a file opened read-only is mapped read-only, and reads work")
    func readOnly() throws {
        let dir = try TemporaryDirectory("engines", under: "/tmp")
        let writable = try laidOut(dir, count: 1, direct: false)
        closeAll(writable)
        let fd = try FileTarget.open(path: dir.file("f0"), direct: false, readOnly: true)
        defer { close(fd) }
        var engine = try engine([fd])
        defer { engine.close() }
        let pool = try AlignedBufferPool(count: 1, size: Self.blockSize, alignment: 4096)
        let read = Request(op: .read, fileIndex: 0, offset: 4096, length: Self.blockSize, block: nil)
        #expect(drive(&engine, [read], pool: pool, depth: 1, salt: 1).results == [Self.blockSize])
    }
}
