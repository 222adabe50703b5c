import Testing
import Report

@Suite("job banner")
struct JobBannerTests {
    /// Lines as fio 3.33 printed them for the fixtures' job file (see Fixtures/fio-3.33).
    @Test func matchesFiosBannerLines() throws {
        let four: [(min: UInt64, max: UInt64)] = [(4096, 4096), (4096, 4096), (4096, 4096)]
        let banner = JobBanner.render(
            [
                JobBanner(name: "seqwrite", group: 0, rw: "write", blockSizes: four, ioengine: "psync", iodepth: 1),
                JobBanner(
                    name: "grp", group: 1, rw: "randrw", blockSizes: four, ioengine: "io_uring", iodepth: 4, numjobs: 2),
            ], version: "fio-3.33", threads: false)
        #expect(
            banner == """
                seqwrite: (g=0): rw=write, bs=(R) 4096B-4096B, (W) 4096B-4096B, (T) 4096B-4096B, ioengine=psync, iodepth=1
                grp: (g=1): rw=randrw, bs=(R) 4096B-4096B, (W) 4096B-4096B, (T) 4096B-4096B, ioengine=io_uring, iodepth=4
                ...
                fio-3.33
                Starting 3 processes

                """)
        let big = JobBanner(
            name: "b", group: 0, rw: "read", blockSizes: [(131_072, 131_072), (65_536, 65_536), (4096, 4096)],
            ioengine: "psync", iodepth: 1
        ).line()
        #expect(big.contains("bs=(R) 128KiB-128KiB, (W) 64.0KiB-64.0KiB, (T) 4096B-4096B"))
    }

    @Test(.enabled(if: FioProcess.available, "needs fio at /usr/bin/fio"))
    func equalsLiveFioBanner() async throws {
        let job = "[global]\ndirectory=${DIR}\nsize=1m\n[a]\nrw=randread\nbs=128k\n[b]\nrw=write\nbs=4k\nnumjobs=2\n"
        let out = try await FioProcess.run(job: job, arguments: ["--output-format=normal"]).text
        let fioBanner = out.components(separatedBy: "\n").prefix(5).joined(separator: "\n") + "\n"
        let ours = JobBanner.render(
            [
                JobBanner(
                    name: "a", group: 0, rw: "randread", blockSizes: Array(repeating: (131_072, 131_072), count: 3),
                    ioengine: "psync", iodepth: 1),
                JobBanner(
                    name: "b", group: 0, rw: "write", blockSizes: Array(repeating: (4096, 4096), count: 3),
                    ioengine: "psync", iodepth: 1, numjobs: 2),
            ], version: "fio-3.33", threads: false)
        #expect(fioBanner == ours)
    }
}
