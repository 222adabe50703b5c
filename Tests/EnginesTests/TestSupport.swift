import DiobenchTestSupport
import Engines
import Foundation
import Glibc
import Targets
import Testing

/// The bytes block `block` of a test file must hold: 8-byte words that name the block and the
/// word, so a misplaced, stale or torn block shows up.
func fillPattern(_ buffer: UnsafeMutableRawPointer, length: Int, block: Int, salt: UInt64) {
    let words = buffer.bindMemory(to: UInt64.self, capacity: length / 8)
    for i in 0..<(length / 8) { words[i] = (UInt64(block) << 32 | UInt64(i)) ^ salt }
}

func matchesPattern(_ buffer: UnsafeRawPointer, length: Int, block: Int, salt: UInt64) -> Bool {
    let words = buffer.bindMemory(to: UInt64.self, capacity: length / 8)
    for i in 0..<(length / 8) where words[i] != (UInt64(block) << 32 | UInt64(i)) ^ salt { return false }
    return true
}

/// One request for `drive`.
struct Request {
    var op: IOOp
    var fileIndex: Int32
    var offset: UInt64
    var length: Int
    /// Block number for the pattern (writes fill it, reads check it); nil: leave the buffer alone.
    var block: Int?
}

/// What happened to each request, in request order.
struct Outcome {
    var results: [Int]
    var readsMatching: Int
    /// The largest `commit` seen: shows batching (all queued I/Os go in one submit).
    var largestSubmit: Int
}

/// Runs `requests` through `engine` the way a worker does: up to `depth` in flight, each slot
/// owning buffer `slot` of `pool`, submits batched with one commit per `batch` queued I/Os,
/// completions reaped in batches. Writes fill their buffer with the block's pattern when
/// queued; reads are checked against it when they complete (before the slot is reused).
func drive<E: IOEngine>(
    _ engine: inout E, _ requests: [Request], pool: AlignedBufferPool, depth: Int, batch: Int? = nil, salt: UInt64
) -> Outcome {
    let units = UnsafeMutablePointer<IOUnit>.allocate(capacity: depth)
    let completed = UnsafeMutablePointer<Int32>.allocate(capacity: depth)
    defer { units.deallocate(); completed.deallocate() }
    for slot in 0..<depth {
        units.advanced(by: slot).initialize(to: IOUnit(bufferIndex: Int32(slot), buffer: pool.buffer(slot)))
    }
    var requestOfSlot = [Int](repeating: -1, count: depth)
    var freeSlots = Array((0..<depth).reversed())
    var outcome = Outcome(results: [Int](repeating: Int.min, count: requests.count), readsMatching: 0, largestSubmit: 0)
    var queuedSinceCommit = 0
    var inFlight = 0
    let submitBatch = batch ?? depth

    func finish(_ slot: Int) {
        let index = requestOfSlot[slot]
        let request = requests[index]
        let result = units[slot].result
        outcome.results[index] = result
        if request.op == .read, let block = request.block, result == request.length,
            matchesPattern(units[slot].buffer, length: request.length, block: block, salt: salt)
        {
            outcome.readsMatching += 1
        }
        requestOfSlot[slot] = -1
        freeSlots.append(slot)
    }

    func commit() {
        guard queuedSinceCommit > 0 else { return }
        let submitted = engine.commit()
        precondition(submitted >= 0, "commit failed: \(submitted)")
        outcome.largestSubmit = max(outcome.largestSubmit, submitted)
        queuedSinceCommit = 0
    }

    func reap(min: Int) {
        let n = engine.getEvents(min: min, max: depth, units: units, completed: completed)
        precondition(n >= 0, "getEvents failed: \(n)")
        for i in 0..<n { finish(Int(completed[i])) }
        inFlight -= n
    }

    for (index, request) in requests.enumerated() {
        while freeSlots.isEmpty {
            commit()
            reap(min: 1)
        }
        let slot = freeSlots.removeLast()
        requestOfSlot[slot] = index
        units[slot].op = request.op
        units[slot].fileIndex = request.fileIndex
        units[slot].offset = request.offset
        units[slot].length = request.length
        units[slot].result = Int.min
        if request.op == .write, let block = request.block {
            fillPattern(units[slot].buffer, length: request.length, block: block, salt: salt)
        }
        var status = engine.queue(units, slot: Int32(slot))
        while status == .busy {
            commit()
            if inFlight > 0 { reap(min: 1) }
            status = engine.queue(units, slot: Int32(slot))
        }
        if status == .completed {
            finish(slot)
        } else {
            inFlight += 1
            queuedSinceCommit += 1
            if queuedSinceCommit >= submitBatch { commit() }
        }
    }
    commit()
    while inFlight > 0 { reap(min: 1) }
    return outcome
}

/// Writes `blocks` blocks of `blockSize` spread over the files (block k in file k % files, at
/// offset (k / files) * blockSize), in a shuffled order, syncs every file, then reads them back
/// in another order. Returns the write outcome and the read outcome.
func roundTrip<E: IOEngine>(
    _ engine: inout E, files: Int, blocks: Int, blockSize: Int, pool: AlignedBufferPool, depth: Int, salt: UInt64
) -> (write: Outcome, sync: Outcome, read: Outcome) {
    var generator = SplitMix(seed: salt)
    func request(_ op: IOOp, _ block: Int) -> Request {
        Request(
            op: op, fileIndex: Int32(block % files), offset: UInt64(block / files * blockSize), length: blockSize,
            block: block)
    }
    let writes = Array(0..<blocks).shuffled(using: &generator).map { request(.write, $0) }
    let syncs = (0..<files).map {
        Request(op: $0 % 2 == 0 ? .fsync : .fdatasync, fileIndex: Int32($0), offset: 0, length: 0, block: nil)
    }
    let reads = Array(0..<blocks).shuffled(using: &generator).map { request(.read, $0) }
    let w = drive(&engine, writes, pool: pool, depth: depth, salt: salt)
    let s = drive(&engine, syncs, pool: pool, depth: depth, salt: salt)
    let r = drive(&engine, reads, pool: pool, depth: depth, salt: salt)
    return (w, s, r)
}

/// Reads a file with plain pread (no engine) and counts blocks holding their pattern.
func blocksOnDisk(path: String, fileIndex: Int, files: Int, blocks: Int, blockSize: Int, salt: UInt64) -> Int {
    let fd = open(path, O_RDONLY)
    guard fd >= 0 else { return -1 }
    defer { close(fd) }
    let buffer = UnsafeMutableRawPointer.allocate(byteCount: blockSize, alignment: 8)
    defer { buffer.deallocate() }
    var good = 0
    for block in stride(from: fileIndex, to: blocks, by: files) {
        let n = pread(fd, buffer, blockSize, off_t(block / files * blockSize))
        if n == blockSize && matchesPattern(buffer, length: blockSize, block: block, salt: salt) { good += 1 }
    }
    return good
}

/// Opens (creating) `count` files in `directory` for reading and writing.
func openFiles(in directory: TemporaryDirectory, count: Int, direct: Bool) throws -> [Int32] {
    try (0..<count).map { try FileTarget.open(path: directory.file("f\($0)"), direct: direct, readOnly: false) }
}

func closeAll(_ fds: [Int32]) { for fd in fds { close(fd) } }

/// io_uring works here (not disabled by sysctl, not blocked by seccomp).
let ioUringAvailable: Bool = IOUringProbe.canCreateRing()

enum IOUringProbe {
    static func canCreateRing() -> Bool {
        let fd = open("/dev/null", O_RDONLY)
        defer { close(fd) }
        var config = EngineConfig()
        config.iodepth = 1
        guard var engine = try? IOUringEngine(files: [fd], config: config) else { return false }
        engine.close()
        return true
    }
}

let isRoot = geteuid() == 0

/// Where a round trip runs: ext4 (/tmp) or tmpfs (/dev/shm), buffered or O_DIRECT.
struct Placement: Sendable, CustomTestStringConvertible {
    var directory: String
    var direct: Bool
    var testDescription: String { "\(directory) \(direct ? "O_DIRECT" : "buffered")" }
    static let all = ["/tmp", "/dev/shm"].flatMap { dir in [false, true].map { Placement(directory: dir, direct: $0) } }
}

/// The io_poll attribute of the block device a path lives on ("0" or "1"), nil when it has none.
func sysfsIOPoll(of path: String) -> String? {
    var info = stat()
    guard stat(path, &info) == 0 else { return nil }
    let dev = info.st_dev
    let major = ((dev >> 8) & 0xfff) | ((dev >> 32) & ~0xfff)
    let minor = (dev & 0xff) | ((dev >> 12) & ~0xff)
    for candidate in [
        "/sys/dev/block/\(major):\(minor)/queue/io_poll", "/sys/dev/block/\(major):\(minor)/../queue/io_poll",
    ] {
        if let text = try? String(contentsOfFile: candidate, encoding: .utf8) {
            return text.trimmingCharacters(in: .whitespacesAndNewlines)
        }
    }
    return nil
}

/// The running kernel is at least major.minor.
func kernelAtLeast(_ major: Int, _ minor: Int) -> Bool {
    var name = utsname()
    uname(&name)
    let release = withUnsafeBytes(of: &name.release) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
    let parts = release.split(whereSeparator: { !$0.isNumber }).prefix(2).compactMap { Int($0) }
    guard parts.count == 2 else { return false }
    return (parts[0], parts[1]) >= (major, minor)
}

/// Clears CAP_IPC_LOCK from the calling thread's effective set (capget/capset, version 3).
func dropIPCLockCapability() -> Bool {
    typealias CapFunction = @convention(c) (UnsafeMutableRawPointer, UnsafeMutableRawPointer) -> Int32
    guard let getSymbol = dlsym(nil, "capget"), let setSymbol = dlsym(nil, "capset") else { return false }
    let capget = unsafeBitCast(getSymbol, to: CapFunction.self)
    let capset = unsafeBitCast(setSymbol, to: CapFunction.self)
    var header: (UInt32, Int32) = (0x2008_0522, 0)  // _LINUX_CAPABILITY_VERSION_3, this thread
    // 2 × {effective, permitted, inheritable}
    var data: (UInt32, UInt32, UInt32, UInt32, UInt32, UInt32) = (0, 0, 0, 0, 0, 0)
    guard capget(&header, &data) == 0 else { return false }
    data.0 &= ~(UInt32(1) << 14)  // CAP_IPC_LOCK is bit 14 of the first effective word
    return capset(&header, &data) == 0
}
