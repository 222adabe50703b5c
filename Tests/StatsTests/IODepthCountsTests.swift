import Testing
@testable import Stats

@Suite("IODepthCounts")
struct IODepthCountsTests {
    @Test(arguments: [
        (1, 0), (0, 0), (2, 1), (3, 1), (4, 2), (7, 2), (8, 3), (15, 3), (16, 4), (31, 4), (32, 5), (63, 5), (64, 6),
        (4096, 6),
    ])
    func depthBucketsFollowFio(depth: Int, bucket: Int) {
        #expect(IODepthCounts.levelIndex(depth) == bucket)
    }

    @Test(arguments: [
        (0, 0), (1, 1), (4, 1), (5, 2), (8, 2), (9, 3), (16, 3), (17, 4), (32, 4), (33, 5), (64, 5), (65, 6), (1000, 6),
    ])
    func batchBucketsFollowFio(count: Int, bucket: Int) {
        #expect(IODepthCounts.batchIndex(count) == bucket)
    }

    @Test func percentagesSumToHundredAndShowTinySharesAsOneTenth() {
        var d = IODepthCounts()
        for _ in 0..<2000 { d.recordDepth(8) }
        d.recordDepth(1)
        let p = IODepthCounts.percentages(d.level)
        #expect(p[0] == 0.1)
        #expect(abs(p[3] - 2000.0 / 2001.0 * 100) < 1e-9)
        #expect(p[1] == 0 && p[6] == 0)
    }
}
