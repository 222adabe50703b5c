import DiobenchTestSupport
import Engines
import Glibc
import Targets
import Testing

/// psync and sync on real files: ext4 under /tmp and tmpfs under /dev/shm, buffered and O_DIRECT.
@Suite struct SyncEngineTests {
    static let places = ["/tmp", "/dev/shm"]

    @Test("psync writes a pattern and reads it back", arguments: places, [false, true])
    func psyncRoundTrip(place: String, direct: Bool) throws {
        let dir = try TemporaryDirectory("engines", under: place)
        let fds = try openFiles(in: dir, count: 2, direct: direct)
        defer { closeAll(fds) }
        var engine = PsyncEngine(files: fds)
        defer { engine.close() }
        try checkRoundTrip(&engine, dir: dir, fds: fds, salt: direct ? 0xA1 : 0xA2)
    }

    @Test("sync (lseek + read/write) writes a pattern and reads it back", arguments: places, [false, true])
    func syncRoundTrip(place: String, direct: Bool) throws {
        let dir = try TemporaryDirectory("engines", under: place)
        let fds = try openFiles(in: dir, count: 2, direct: direct)
        defer { closeAll(fds) }
        var engine = SyncEngine(files: fds)
        defer { engine.close() }
        try checkRoundTrip(&engine, dir: dir, fds: fds, salt: direct ? 0xB1 : 0xB2)
    }

    @Test("sync engine does sequential I/O without losing its place, and seeks when the offset jumps")
    func syncSequentialThenJump() throws {
        let dir = try TemporaryDirectory("engines", under: "/tmp")
        let fds = try openFiles(in: dir, count: 1, direct: false)
        defer { closeAll(fds) }
        var engine = SyncEngine(files: fds)
        defer { engine.close() }
        let pool = try AlignedBufferPool(count: 1, size: 4096, alignment: 4096)
        // Sequential blocks 0..7, then 3 and 0 again (jumps back: needs a seek).
        let order = Array(0..<8) + [3, 0]
        let writes = order.map { Request(op: .write, fileIndex: 0, offset: UInt64($0 * 4096), length: 4096, block: $0) }
        let w = drive(&engine, writes, pool: pool, depth: 1, salt: 7)
        #expect(w.results.allSatisfy { $0 == 4096 })
        // Engine left the position at 4096 (after rewriting block 0): block 1 needs no seek,
        // 2 follows on, 7 jumps ahead, 0 jumps back.
        let reads = [1, 2, 7, 0].map {
            Request(op: .read, fileIndex: 0, offset: UInt64($0 * 4096), length: 4096, block: $0)
        }
        let r = drive(&engine, reads, pool: pool, depth: 1, salt: 7)
        #expect(r.readsMatching == 4)
        // Like fio's sync engine, it owns the fd's position and skips the lseek when the I/O
        // starts where its last one ended: proof that the skip happens, so fds must not be shared.
        lseek(fds[0], 0, SEEK_END)
        let skipped = drive(
            &engine, [Request(op: .read, fileIndex: 0, offset: 4096, length: 4096, block: nil)], pool: pool, depth: 1,
            salt: 7)
        #expect(skipped.results == [0])
        #expect(blocksOnDisk(path: dir.file("f0"), fileIndex: 0, files: 1, blocks: 8, blockSize: 4096, salt: 7) == 8)
    }

    @Test("a read past the end reports the short count; a bad fd reports -EBADF", arguments: ["psync", "sync"])
    func shortReadAndError(engineName: String) throws {
        let dir = try TemporaryDirectory("engines", under: "/tmp")
        let path = dir.file("short")
        let fd = try FileTarget.open(path: path, direct: false, readOnly: false)
        defer { close(fd) }
        let bytes = [UInt8](repeating: 0x5A, count: 6000)
        #expect(pwrite(fd, bytes, bytes.count, 0) == 6000)
        let writeOnly = open(path, O_WRONLY)
        defer { close(writeOnly) }
        let pool = try AlignedBufferPool(count: 1, size: 8192, alignment: 4096)
        let requests = [
            Request(op: .read, fileIndex: 0, offset: 0, length: 8192, block: nil),
            Request(op: .read, fileIndex: 0, offset: 8192, length: 4096, block: nil),
            Request(op: .read, fileIndex: 1, offset: 0, length: 4096, block: nil),
        ]
        let outcome: Outcome
        if engineName == "psync" {
            var engine = PsyncEngine(files: [fd, writeOnly])
            outcome = drive(&engine, requests, pool: pool, depth: 1, salt: 0)
            engine.close()
        } else {
            var engine = SyncEngine(files: [fd, writeOnly])
            outcome = drive(&engine, requests, pool: pool, depth: 1, salt: 0)
            engine.close()
        }
        #expect(outcome.results == [6000, 0, -Int(EBADF)])
        #expect(pool.buffer(0).load(fromByteOffset: 5999, as: UInt8.self) == 0x5A)
    }
}

/// 64 blocks of 4 KiB over the files, written, synced, read back through the engine and checked
/// on disk with plain pread.
func checkRoundTrip<E: IOEngine>(
    _ engine: inout E, dir: TemporaryDirectory, fds: [Int32], depth: Int = 1, salt: UInt64,
    blockSize: Int = 4096, blocks: Int = 64, pool: AlignedBufferPool? = nil
) throws {
    let pool = try pool ?? AlignedBufferPool(count: depth, size: blockSize, alignment: 4096)
    let (w, s, r) = roundTrip(
        &engine, files: fds.count, blocks: blocks, blockSize: blockSize, pool: pool, depth: depth, salt: salt)
    #expect(w.results.allSatisfy { $0 == blockSize }, "write results: \(Set(w.results))")
    #expect(s.results.allSatisfy { $0 == 0 }, "fsync/fdatasync results: \(s.results)")
    #expect(r.results.allSatisfy { $0 == blockSize }, "read results: \(Set(r.results))")
    #expect(r.readsMatching == blocks)
    for i in 0..<fds.count {
        let expected = (blocks - i + fds.count - 1) / fds.count
        #expect(
            blocksOnDisk(
                path: dir.file("f\(i)"), fileIndex: i, files: fds.count, blocks: blocks, blockSize: blockSize,
                salt: salt) == expected)
    }
}
