// The I/O loop's stop reasons, driven through scripted engines: the typed reason names what failed, so an
// engine call's failure is never reported as some I/O's error (it once read "read of 0 bytes at offset 0").
import Engines
import Glibc
import JobFile
@testable import Runner
import Stats
import Testing
import Vocabulary

/// An engine that queues every I/O and answers each call as the test scripts it.
struct ScriptedQueuedEngine: IOEngine {
    static var isSynchronous: Bool { false }
    var commitResult = 0
    var eventsResult: Int?
    var ioResult: Int?
    var queued: [Int32] = []

    mutating func queue(_ units: UnsafeMutablePointer<IOUnit>, slot: Int32) -> QueueStatus {
        queued.append(slot)
        return .queued
    }
    mutating func commit() -> Int { commitResult < 0 ? commitResult : queued.count }
    mutating func commit(waitingFor minimum: Int) -> Int { commit() }
    mutating func getEvents(
        min: Int, max: Int, units: UnsafeMutablePointer<IOUnit>,
        completed: UnsafeMutablePointer<Int32>
    ) -> Int {
        if let eventsResult { return eventsResult }
        let n = Swift.min(queued.count, max)
        for i in 0..<n {
            let slot = queued[i]
            units[Int(slot)].result = ioResult ?? units[Int(slot)].length
            completed[i] = slot
        }
        queued.removeFirst(n)
        return n
    }
    mutating func close() {}
}

@Suite("I/O loop stop reasons")
struct IOLoopStopTests {
    /// Runs `job` (one worker, one 1 MiB file region) on `engine` and returns the worker's state.
    func run(_ engine: ScriptedQueuedEngine, _ options: String) throws -> WorkerStop {
        let text = "[j]\nfilename=/dev/null\nsize=1m\nbs=4k\nioengine=io_uring\n" + options
        let spec = try JobFileParser(environment: [:]).parse(text: text, fileName: "loop.fio").jobs[0]
        let config = WorkerConfig(spec: spec, bytesPerLoop: 1 << 20, seed: 1)
        let buffers = try AlignedBufferPool(count: config.iodepth, size: 4096, alignment: 4096)
        var state = WorkerState(
            config: config,
            cursors: [FileCursor(fileIndex: 0, regionStart: 0, regionLength: 1 << 20, unit: 4096, seed: 1)],
            readSizes: BlockSizePicker(fixed: 4096), writeSizes: BlockSizePicker(fixed: 4096), buffers: buffers,
            content: WriteContent(spec: spec, thread: 1, fallbackSeed: 1), stats: WorkerStats())
        defer { state.deallocate() }
        var engine = engine
        runWorker(engine: &engine, state: &state, control: RunControl())
        return state.stop
    }

    @Test func aWholePassFinishes() throws {
        #expect(try run(ScriptedQueuedEngine(), "rw=read\niodepth=4") == .finished)
    }

    @Test func aFailedSubmitIsTheEnginesFailureNotAnIOError() throws {
        let stop = try run(ScriptedQueuedEngine(commitResult: -Int(EBUSY)), "rw=read\niodepth=4")
        #expect(stop == .engineFailed(EngineCallFailure(call: .submit, errno: EBUSY)))
        #expect(stop.isError)
    }

    @Test func aFailedReapIsTheEnginesFailure() throws {
        let stop = try run(ScriptedQueuedEngine(eventsResult: -Int(EFAULT)), "rw=read\niodepth=4")
        #expect(stop == .engineFailed(EngineCallFailure(call: .reap, errno: EFAULT)))
    }

    @Test func aFailedIONamesItsDirectionAndOffset() throws {
        let stop = try run(ScriptedQueuedEngine(ioResult: -Int(EIO)), "rw=write\niodepth=1")
        guard case .ioFailed(let failure) = stop else {
            Issue.record("expected an I/O failure, got \(stop)")
            return
        }
        #expect(failure.errno == EIO && failure.direction == .write && failure.offset == 0 && failure.length == 4096)
    }

    @Test func continueOnErrorRunsThePassToItsEnd() throws {
        #expect(
            try run(ScriptedQueuedEngine(ioResult: -Int(EIO)), "rw=write\niodepth=1\ncontinue_on_error=io") == .finished
        )
    }
}
