import Testing
@testable import Verify

@Suite struct VerifyLogTests {
    @Test func recordsUpToCapacityInOrder() {
        let log = VerifyLog(capacity: 4)
        #expect(log.isEmpty)
        for i in 0..<4 {
            #expect(log.record(offset: UInt64(i) * 4096, length: 4096, generation: 1))
        }
        #expect(log.isFull)
        #expect(!log.record(offset: 1 << 20, length: 4096, generation: 1), "a full log refuses")
        #expect(log.count == 4)
        #expect((0..<4).map { log[$0].offset } == [0, 4096, 8192, 12288])
        #expect(log[3] == VerifyLogEntry(offset: 12288, length: 4096, generation: 1))
        log.removeAll()
        #expect(log.isEmpty && log.capacity == 4)
        #expect(log.record(offset: 7, length: 512, generation: 2))
        #expect(log[0] == VerifyLogEntry(offset: 7, length: 512, generation: 2))
    }

    @Test func aBacklogPassFindsALostWrite() {
        // What the worker does with verify_backlog=8: write, record, and when full read back and check.
        let verifier = BlockVerifier(checksum: .crc32c)
        let log = VerifyLog(capacity: 8)
        let device = Block(8 * 4096)  // stands in for the file
        for i in 0..<8 {
            let offset = UInt64(i * 4096)
            let buffer = Block(4096)
            verifier.fill(block: buffer.pointer, length: 4096, offset: offset, job: 1, generation: 1, seed: 3)
            // Write 5 is lost.
            if i != 5 { (device.pointer + Int(offset)).copyMemory(from: buffer.pointer, byteCount: 4096) }
            log.record(offset: offset, length: 4096, generation: 1)
        }
        var outcomes: [VerifyOutcome] = []
        for i in 0..<log.count {
            let e = log[i]
            outcomes.append(
                verifier.check(
                    block: device.pointer + Int(e.offset), length: Int(e.length), expectedOffset: e.offset, job: 1,
                    generation: e.generation, seed: 3))
        }
        #expect(outcomes.enumerated().filter { !$0.element.isOK }.map(\.offset) == [5])
        #expect(outcomes[5] == .notWritten)
    }
}
