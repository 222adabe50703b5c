import DiobenchTestSupport
import Engines
import Glibc
import Targets
import Testing

/// pvsync and pvsync2 on real files (ext4 under /tmp, tmpfs under /dev/shm), buffered and O_DIRECT, and the
/// flags pvsync2 passes: RWF_NOWAIT really makes an uncached read fail with EAGAIN, as fio reports it.
@Suite struct PvsyncEngineTests {
    static let places = ["/tmp", "/dev/shm"]

    @Test("pvsync writes a pattern and reads it back", arguments: places, [false, true])
    func pvsyncRoundTrip(place: String, direct: Bool) throws {
        let dir = try TemporaryDirectory("engines", under: place)
        let fds = try openFiles(in: dir, count: 2, direct: direct)
        defer { closeAll(fds) }
        var engine = PvsyncEngine(files: fds)
        defer { engine.close() }
        try checkRoundTrip(&engine, dir: dir, fds: fds, salt: direct ? 0xC1 : 0xC2)
    }

    @Test("pvsync2 writes a pattern and reads it back, with hipri, uncached or neither", arguments: places, [0, 1, 2])
    func pvsync2RoundTrip(place: String, variant: Int) throws {
        for direct in [false, true] {
            let dir = try TemporaryDirectory("engines", under: place)
            let fds = try openFiles(in: dir, count: 2, direct: direct)
            defer { closeAll(fds) }
            var config = EngineConfig()
            config.direct = direct
            config.hipri = variant == 1
            config.hipriPercentage = 50
            // RWF_DONTCACHE needs Linux 6.14 and a file system that takes it.
            config.uncached = variant == 2 && kernelAtLeast(6, 14) && place == "/tmp"
            var engine = Pvsync2Engine(files: fds, config: config)
            defer { engine.close() }
            try checkRoundTrip(&engine, dir: dir, fds: fds, salt: UInt64(0xD0 + variant) << 1 | (direct ? 1 : 0))
        }
    }

    @Test("pvsync2 with nowait: a read of cached data succeeds, a read that must go to disk fails with EAGAIN")
    func nowait() throws {
        let dir = try TemporaryDirectory("engines", under: "/tmp")
        let fds = try openFiles(in: dir, count: 1, direct: false)
        defer { closeAll(fds) }
        let pool = try AlignedBufferPool(count: 1, size: 65536, alignment: 4096)
        var plain = PvsyncEngine(files: fds)
        defer { plain.close() }
        let write = Request(op: .write, fileIndex: 0, offset: 0, length: 65536, block: 0)
        #expect(drive(&plain, [write], pool: pool, depth: 1, salt: 3).results == [65536])
        var config = EngineConfig()
        config.nowait = true
        var engine = Pvsync2Engine(files: fds, config: config)
        defer { engine.close() }
        let read = Request(op: .read, fileIndex: 0, offset: 0, length: 65536, block: 0)
        let cached = drive(&engine, [read], pool: pool, depth: 1, salt: 3)
        #expect(cached.results == [65536] && cached.readsMatching == 1)
        // Written back and dropped from the page cache: reading it means waiting for the disk.
        #expect(fsync(fds[0]) == 0 && posix_fadvise(fds[0], 0, 0, POSIX_FADV_DONTNEED) == 0)
        #expect(drive(&engine, [read], pool: pool, depth: 1, salt: 3).results == [-Int(EAGAIN)])
    }

    @Test("pvsync2 declares fio 3.33's four options, pvsync none; neither queues")
    func description() {
        let options = Pvsync2Engine.description.options.map(\.name)
        #expect(options == ["hipri", "hipri_percentage", "uncached", "nowait"])
        #expect(PvsyncEngine.description.options.isEmpty)
        #expect(Pvsync2Engine.description.queues(iodepth: 8) == false)
    }
}
