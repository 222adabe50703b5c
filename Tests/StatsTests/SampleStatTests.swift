import Testing
@testable import Stats

@Suite("SampleStat")
struct SampleStatTests {
    @Test func matchesDirectComputationWithSampleStddev() {
        let values: [UInt64] = [69_840, 82_296, 75_000, 71_111, 80_000, 73_500]
        var s = SampleStat()
        values.forEach { s.add($0) }
        let mean = Double(values.reduce(0, +)) / 6
        let dev = (values.map { (Double($0) - mean) * (Double($0) - mean) }.reduce(0, +) / 5).squareRoot()
        #expect(s.samples == 6 && s.min == 69_840 && s.max == 82_296)
        #expect(abs(s.mean - mean) < 1e-9)
        #expect(abs(s.stddev - dev) < 1e-9)
    }

    @Test func concurrentWorkersAddUpAsFioGroupReportingDoes() {
        var a = SampleStat(), b = SampleStat()
        for v: UInt64 in [100, 200] { a.add(v) }
        for v: UInt64 in [50, 70] { b.add(v) }
        a.sumConcurrent(b)
        #expect(a.min == 150 && a.max == 270 && a.mean == 210 && a.samples == 4)
    }
}
