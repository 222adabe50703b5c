import DiobenchTestSupport
import Testing
import Verify
@testable import Runner

/// The read-back plan of a verify log: sorted by file and offset, and a write that a later write
/// overlapped is skipped (its bytes are gone), whichever side the overlap is on.
@Suite struct ReadBackOrderTests {
    func plan(_ writes: [(file: Int32, offset: UInt64, length: UInt32)]) -> (order: [Int?], skipped: Int) {
        let log = VerifyLog(capacity: writes.count)
        for w in writes { log.record(offset: w.offset, length: w.length, generation: 1, fileIndex: w.file) }
        let order = ReadBackOrder(capacity: writes.count)
        let skipped = order.prepare(log)
        return ((0..<order.count).map { order.logIndex(at: $0) }, skipped)
    }

    @Test func sortsByFileThenOffset() {
        let (order, skipped) = plan([(1, 0, 4096), (0, 8192, 4096), (0, 0, 4096), (1, 4096, 4096)])
        #expect(order == [2, 1, 0, 3])
        #expect(skipped == 0)
    }

    @Test func aLaterOverlappingWriteHidesTheEarlierOne() {
        let (order, skipped) = plan([
            (0, 0, 16384),  // 0: overwritten in part by 1
            (0, 4096, 4096),  // 1
            (0, 32768, 4096),  // 2: overwritten by 3, which starts before it
            (0, 28672, 8192),  // 3
            (0, 65536, 4096),  // 4: rewritten at the same offset by 5
            (0, 65536, 4096),  // 5
            (1, 0, 16384),  // 6: another file: nothing overlaps it
            (0, 131072, 4096),  // 7: written after 8 ends before it: no overlap
            (0, 126976, 4096),  // 8
        ])
        #expect(skipped == 3)
        // Sorted: file 0 at 0, 4096, 28672, 32768, 65536 (4), 65536 (5), 126976, 131072; then file 1.
        #expect(order == [nil, 1, 3, nil, nil, 5, 8, 7, 6])
    }

    @Test func anEarlierLongBlockDoesNotHideALaterShortOne() {
        // The long block (later) covers the short one (earlier) entirely: only the long one is read back.
        let (order, skipped) = plan([(0, 8192, 4096), (0, 0, 65536)])
        #expect(order == [1, nil])
        #expect(skipped == 1)
    }

    @Test func manyEntriesSortLikeTheStandardLibrary() {
        var rng = SplitMix(seed: 42)
        let writes = (0..<5000).map { _ in
            (file: Int32(rng.next() % 3), offset: (rng.next() % 100_000) * 4096, length: UInt32(4096))
        }
        let (order, _) = plan(writes)
        let kept = order.compactMap { $0 }
        let expected = writes.indices.sorted {
            (writes[$0].file, writes[$0].offset, $0) < (writes[$1].file, writes[$1].offset, $1)
        }
        // Duplicates keep only their last write; everything else is read back in (file, offset) order.
        var last: [String: Int] = [:]
        for (i, w) in writes.enumerated() { last["\(w.file):\(w.offset)"] = i }
        let lastOfEach = expected.filter { last["\(writes[$0].file):\(writes[$0].offset)"] == $0 }
        #expect(kept == lastOfEach)
    }
}
