import DiobenchTestSupport
import Foundation
import Testing

/// Issue 15: random_distribution against fio 3.33. Both tools read a 1000-block file 5120 times under strace;
/// the offsets they pass to pread64 must be spread alike: the share of reads that hit the hottest 1% and 10% of
/// blocks, how many distinct blocks are read, and (zoned) the share of each zone.
@Suite(
    .enabled(if: fioAvailable, "fio is not installed (apt-get install fio)"),
    .enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/strace"), "strace is not installed"))
struct FioDistributionTests {
    struct Spread: CustomStringConvertible {
        var reads: Int
        var distinct: Int
        var top1: Double
        var top10: Double
        /// Shares of blocks 0..<100, 100..<300 and 300..<1000.
        var zones: [Double]
        var description: String {
            "\(reads) reads, \(distinct) blocks, top 1% \(top1), top 10% \(top10), zones \(zones)"
        }
    }

    /// The blocks `tool` reads for `distribution`, from strace's per-thread logs.
    func spread(_ tool: String, _ distribution: String) async throws -> Spread {
        let dir = try TemporaryDirectory("runner", under: "/dev/shm")
        let out = try await runProgram(
            "/usr/bin/strace",
            [
                "-ff", "-qq", "-e", "trace=pread64", "-o", "trace", tool, "--name=d", "--filename=f", "--size=4000k",
                "--io_size=20m", "--bs=4k", "--rw=randread", "--random_distribution=\(distribution)",
                "--output=/dev/null",
            ],
            directory: dir.path, timeout: 120)
        try #require(out.status == 0, "\(tool): \(out.stderr)")
        var counts: [Int: Int] = [:]
        let regex = try NSRegularExpression(pattern: #"pread64\(\d+, .*, 4096, (\d+)\) = 4096"#)
        for name in try FileManager.default.contentsOfDirectory(atPath: dir.path) where name.hasPrefix("trace") {
            let text = try String(contentsOfFile: dir.path + "/" + name, encoding: .utf8)
            for match in regex.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
                let offset = Int(text[Range(match.range(at: 1), in: text)!])!
                counts[offset / 4096, default: 0] += 1
            }
        }
        let reads = counts.values.reduce(0, +)
        let sorted = counts.values.sorted(by: >)
        func share(_ n: Int) -> Double { Double(sorted.prefix(n).reduce(0, +)) / Double(max(reads, 1)) }
        let zones = [0..<100, 100..<300, 300..<1000].map { range in
            Double(counts.filter { range.contains($0.key) }.values.reduce(0, +)) / Double(max(reads, 1))
        }
        return Spread(reads: reads, distinct: counts.count, top1: share(10), top10: share(100), zones: zones)
    }

    @Test(arguments: ["zipf:1.2", "zipf:0.8:0.5", "pareto:0.2", "pareto:0.4:0.1", "normal", "normal:10:0.3"])
    func skewedLikeFio(_ distribution: String) async throws {
        let ours = try await spread(diobenchBinary, distribution)
        let theirs = try await spread(fioPath, distribution)
        #expect(ours.reads == 5120 && theirs.reads == 5120, "diobench: \(ours); fio: \(theirs)")
        #expect(abs(ours.top1 - theirs.top1) < 0.05, "diobench: \(ours); fio: \(theirs)")
        #expect(abs(ours.top10 - theirs.top10) < 0.05, "diobench: \(ours); fio: \(theirs)")
        #expect(abs(Double(ours.distinct) / Double(theirs.distinct) - 1) < 0.2, "diobench: \(ours); fio: \(theirs)")
        if distribution.split(separator: ":").count == 3 {
            // A center places the hot blocks: the zones then match too.
            for (a, b) in zip(ours.zones, theirs.zones) {
                #expect(abs(a - b) < 0.06, "diobench: \(ours); fio: \(theirs)")
            }
        }
    }

    @Test(arguments: ["zoned:60/10:30/20:10/70", "zoned:60/10:30/20:10/", "zoned_abs:60/400k:30/800k:10/2800k"])
    func zonedLikeFio(_ distribution: String) async throws {
        let ours = try await spread(diobenchBinary, distribution)
        let theirs = try await spread(fioPath, distribution)
        for (index, expected) in [0.6, 0.3, 0.1].enumerated() {
            #expect(abs(ours.zones[index] - expected) < 0.04, "diobench: \(ours)")
            #expect(abs(theirs.zones[index] - expected) < 0.04, "fio: \(theirs)")
        }
    }

    @Test("a bad distribution names the option and what is valid; zoned shares must add up to 100")
    func refused() async throws {
        for (value, words) in [("zipf:1", "must not be 1.0"), ("zoned:60/10:30/20", "add up to 90"), ("gamma", "zipf")]
        {
            let out = try await diobench([
                "run", "--parse-only", "--name=j", "--size=1m", "--random_distribution=\(value)",
            ])
            #expect(
                out.status == 2 && out.stderr.contains("random_distribution") && out.stderr.contains(words),
                "\(out.stderr)")
        }
    }
}
