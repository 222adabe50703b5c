import DiobenchTestSupport
import Engines
import Glibc
import Targets
import Testing

/// posixaio (glibc's POSIX AIO) on real files, buffered and O_DIRECT, at several depths: what is written comes
/// back, each request completes once, syncs go through aio_fsync, and a look (min 0) does not wait.
@Suite struct PosixAIOEngineTests {
    func engine(_ fds: [Int32], depth: Int) throws -> (PosixAIOEngine, AlignedBufferPool) {
        let pool = try AlignedBufferPool(count: depth, size: 4096, alignment: 4096)
        var config = EngineConfig()
        config.iodepth = depth
        return (try PosixAIOEngine(files: fds, buffers: pool, config: config), pool)
    }

    @Test("posixaio writes a pattern and reads it back", arguments: ["/tmp", "/dev/shm"], [1, 4, 16])
    func roundTrip(place: String, depth: Int) throws {
        for direct in [false, true] {
            let dir = try TemporaryDirectory("engines", under: place)
            let fds = try openFiles(in: dir, count: 2, direct: direct)
            defer { closeAll(fds) }
            var (engine, pool) = try engine(fds, depth: depth)
            defer { engine.close() }
            try checkRoundTrip(
                &engine, dir: dir, fds: fds, depth: depth, salt: UInt64(depth) << 8 | (direct ? 3 : 4), pool: pool)
        }
    }

    @Test("I/O starts in queue; commit counts it; getEvents reaps each I/O once, waiting only when asked")
    func queueCommitReap() throws {
        let dir = try TemporaryDirectory("engines", under: "/tmp")
        let fds = try openFiles(in: dir, count: 1, direct: false)
        defer { closeAll(fds) }
        var (engine, pool) = try engine(fds, depth: 4)
        defer { engine.close() }
        let units = UnsafeMutablePointer<IOUnit>.allocate(capacity: 4)
        let completed = UnsafeMutablePointer<Int32>.allocate(capacity: 4)
        defer { units.deallocate(); completed.deallocate() }
        for slot in 0..<4 {
            units.advanced(by: slot).initialize(to: IOUnit(bufferIndex: Int32(slot), buffer: pool.buffer(slot)))
            units[slot].op = .write
            units[slot].length = 4096
            units[slot].offset = UInt64(slot * 4096)
            #expect(engine.queue(units, slot: Int32(slot)) == .queued)
        }
        #expect(engine.commit() == 4)
        #expect(engine.commit() == 0)
        var reaped: [Int32] = []
        while reaped.count < 4 {
            let got = engine.getEvents(min: 1, max: 4, units: units, completed: completed)
            #expect(got >= 1)
            reaped += (0..<got).map { completed[$0] }
        }
        #expect(reaped.sorted() == [0, 1, 2, 3])
        #expect((0..<4).allSatisfy { units[$0].result == 4096 })
        #expect(engine.getEvents(min: 0, max: 4, units: units, completed: completed) == 0)
        var info = stat()
        #expect(fstat(fds[0], &info) == 0 && info.st_size == 16384)
        units[0].op = .fdatasync
        #expect(engine.queue(units, slot: 0) == .queued)
        #expect(engine.getEvents(min: 1, max: 4, units: units, completed: completed) == 1)
        #expect(completed[0] == 0 && units[0].result == 0)
    }

    @Test("a failed I/O completes with -errno (a read into a bad file descriptor)")
    func failure() throws {
        let pool = try AlignedBufferPool(count: 1, size: 4096, alignment: 4096)
        var config = EngineConfig()
        config.iodepth = 1
        var engine = try PosixAIOEngine(files: [-1], buffers: pool, config: config)
        defer { engine.close() }
        let outcome = drive(
            &engine, [Request(op: .read, fileIndex: 0, offset: 0, length: 4096, block: nil)], pool: pool, depth: 1,
            salt: 1)
        #expect(outcome.results == [-Int(EBADF)])
    }
}
