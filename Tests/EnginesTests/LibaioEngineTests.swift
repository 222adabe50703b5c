import DiobenchTestSupport
import Engines
import Glibc
import Targets
import Testing

/// libaio on real files (ext4 under /tmp, tmpfs under /dev/shm), buffered and O_DIRECT, at several depths:
/// what is written comes back, every request completes once, and the engine keeps fio's rules for syncs.
@Suite struct LibaioEngineTests {
    func engine(_ fds: [Int32], depth: Int, userspaceReap: Bool = false) throws -> (LibaioEngine, AlignedBufferPool) {
        let pool = try AlignedBufferPool(count: depth, size: 4096, alignment: 4096)
        var config = EngineConfig()
        config.iodepth = depth
        config.userspaceReap = userspaceReap
        return (try LibaioEngine(files: fds, buffers: pool, config: config), pool)
    }

    @Test("libaio writes a pattern and reads it back", arguments: ["/tmp", "/dev/shm"], [1, 8])
    func roundTrip(place: String, depth: Int) throws {
        for direct in place == "/dev/shm" ? [false] : [false, true] {
            let dir = try TemporaryDirectory("engines", under: place)
            let fds = try openFiles(in: dir, count: 2, direct: direct)
            defer { closeAll(fds) }
            var (engine, pool) = try engine(fds, depth: depth, userspaceReap: depth > 1)
            defer { engine.close() }
            try checkRoundTrip(
                &engine, dir: dir, fds: fds, depth: depth, salt: UInt64(depth) << 8 | (direct ? 1 : 2),
                pool: pool)
        }
    }

    @Test("a sync is done at once when nothing is queued, and waits (busy) behind queued I/O, as in fio")
    func syncRules() throws {
        let dir = try TemporaryDirectory("engines", under: "/tmp")
        let fds = try openFiles(in: dir, count: 1, direct: false)
        defer { closeAll(fds) }
        var (engine, pool) = try engine(fds, depth: 2)
        defer { engine.close() }
        let units = UnsafeMutablePointer<IOUnit>.allocate(capacity: 2)
        let completed = UnsafeMutablePointer<Int32>.allocate(capacity: 2)
        defer { units.deallocate(); completed.deallocate() }
        for slot in 0..<2 {
            units.advanced(by: slot).initialize(to: IOUnit(bufferIndex: Int32(slot), buffer: pool.buffer(slot)))
        }
        units[0].op = .write
        units[0].length = 4096
        #expect(engine.queue(units, slot: 0) == .queued)
        units[1].op = .fsync
        #expect(engine.queue(units, slot: 1) == .busy)
        #expect(engine.commit() == 1)
        #expect(engine.getEvents(min: 1, max: 2, units: units, completed: completed) == 1)
        #expect(completed[0] == 0 && units[0].result == 4096)
        units[1].result = -1
        #expect(engine.queue(units, slot: 1) == .completed)
        #expect(units[1].result == 0)
    }

    @Test("the engine is busy once iodepth I/Os are queued")
    func busyAtDepth() throws {
        let dir = try TemporaryDirectory("engines", under: "/tmp")
        let fds = try openFiles(in: dir, count: 1, direct: false)
        defer { closeAll(fds) }
        var (engine, pool) = try engine(fds, depth: 1)
        defer { engine.close() }
        var units = [IOUnit(bufferIndex: 0, buffer: pool.buffer(0)), IOUnit(bufferIndex: 0, buffer: pool.buffer(0))]
        units[0].op = .read
        units[0].length = 4096
        units[1] = units[0]
        #expect(engine.queue(&units, slot: 0) == .queued)
        #expect(engine.queue(&units, slot: 1) == .busy)
        #expect(engine.commit() == 1)
        var slot: Int32 = -1
        #expect(engine.getEvents(min: 1, max: 1, units: &units, completed: &slot) == 1)
        #expect(slot == 0 && units[0].result == 0, "a read of an empty file returns 0 bytes")
    }
}
