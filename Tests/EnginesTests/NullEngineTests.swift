import Engines
import Glibc
import Testing

@Suite struct NullEngineTests {
    @Test("null completes every I/O at once with its full length and leaves the buffer alone")
    func completesWithoutTouching() throws {
        var engine = NullEngine()
        let pool = try AlignedBufferPool(count: 1, size: 4096, alignment: 4096, seed: 42)
        let before = Array(UnsafeRawBufferPointer(start: pool.buffer(0), count: 4096))
        var unit = IOUnit(bufferIndex: 0, buffer: pool.buffer(0))
        unit.fileIndex = 5  // no such file: null must not look
        unit.length = 4096
        for op in [IOOp.read, .write] {
            unit.op = op
            unit.result = -1
            #expect(engine.queue(&unit, slot: 0) == .completed)
            #expect(unit.result == 4096)
        }
        unit.op = .fsync
        #expect(engine.queue(&unit, slot: 0) == .completed)
        #expect(unit.result == 0)
        #expect(engine.commit() == 0)
        var slot: Int32 = -1
        #expect(engine.getEvents(min: 0, max: 1, units: &unit, completed: &slot) == 0)
        #expect(Array(UnsafeRawBufferPointer(start: pool.buffer(0), count: 4096)) == before)
        #expect(NullEngine.isSynchronous)
    }

    /// Its speed is measured by Benchmarks/run.py (job 1-null, against fio's), not timed here: a test's time
    /// depends on what else the machine runs.
    @Test("null completes two million I/Os in a row, each with its full length")
    func cheap() {
        var engine = NullEngine()
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: 4096, alignment: 4096)
        defer { buffer.deallocate() }
        let units = UnsafeMutablePointer<IOUnit>.allocate(capacity: 1)
        defer { units.deallocate() }
        units.initialize(to: IOUnit(bufferIndex: 0, buffer: buffer))
        units.pointee.length = 4096
        let count = 2_000_000
        var start = timespec(), end = timespec()
        clock_gettime(CLOCK_MONOTONIC, &start)
        var bytes = 0
        for i in 0..<count {
            units.pointee.offset = UInt64(i &* 4096)
            _ = engine.queue(units, slot: 0)
            bytes &+= units.pointee.result
        }
        clock_gettime(CLOCK_MONOTONIC, &end)
        let seconds = Double(end.tv_sec - start.tv_sec) + Double(end.tv_nsec - start.tv_nsec) / 1e9
        #expect(bytes == count * 4096)
        print("null engine, debug build: \(Int(Double(count) / seconds)) calls/s (information only)")
    }

    @Test("null at iodepth > 1 queues as fio's: busy until the submitted batch is reaped, then complete")
    func queuedWhenDeep() throws {
        let pool = try AlignedBufferPool(count: 4, size: 4096, alignment: 4096)
        var config = EngineConfig()
        config.iodepth = 4
        var engine = QueuedNullEngine(files: [], buffers: pool, config: config)
        defer { engine.close() }
        let units = UnsafeMutablePointer<IOUnit>.allocate(capacity: 4)
        let completed = UnsafeMutablePointer<Int32>.allocate(capacity: 4)
        defer { units.deallocate(); completed.deallocate() }
        for slot in 0..<4 {
            units.advanced(by: slot).initialize(to: IOUnit(bufferIndex: Int32(slot), buffer: pool.buffer(slot)))
            units[slot].length = 4096 * (slot + 1)
            units[slot].result = -1
        }
        #expect(!QueuedNullEngine.isSynchronous)
        #expect(NullEngine.description.queues(iodepth: 1) == false && NullEngine.description.queues(iodepth: 4))
        #expect(engine.queue(units, slot: 0) == .queued)
        #expect(engine.queue(units, slot: 1) == .queued)
        #expect(engine.getEvents(min: 0, max: 4, units: units, completed: completed) == 0, "nothing submitted yet")
        #expect(engine.commit() == 2)
        #expect(engine.queue(units, slot: 2) == .busy, "fio's null is busy while events wait to be reaped")
        #expect(engine.getEvents(min: 1, max: 1, units: units, completed: completed) == 1)
        #expect(completed[0] == 0 && units[0].result == 4096)
        #expect(engine.getEvents(min: 1, max: 4, units: units, completed: completed) == 1)
        #expect(completed[0] == 1 && units[1].result == 8192)
        #expect(engine.queue(units, slot: 2) == .queued)
    }
}
