/// What fio prints before a run when the text report is selected: one line per job
/// ("name: (g=0): rw=randrw, bs=(R) 4096B-4096B, (W) …, ioengine=io_uring, iodepth=8", then
/// "..." when numjobs > 1), the version line, and "Starting N processes". The CLI prints it
/// only when `normal` is among the output formats, as fio does (never with JSON alone).
public struct JobBanner: Sendable, Equatable {
    public var name: String
    public var group: Int
    public var rw: String
    /// (min, max) block size of read, write and trim.
    public var blockSizes: [(min: UInt64, max: UInt64)]
    public var ioengine: String
    public var iodepth: Int
    public var numjobs: Int

    public init(
        name: String, group: Int, rw: String, blockSizes: [(min: UInt64, max: UInt64)], ioengine: String,
        iodepth: Int, numjobs: Int = 1
    ) {
        self.name = name; self.group = group; self.rw = rw; self.blockSizes = blockSizes
        self.ioengine = ioengine; self.iodepth = iodepth; self.numjobs = numjobs
    }

    public static func == (a: JobBanner, b: JobBanner) -> Bool {
        a.name == b.name && a.group == b.group && a.rw == b.rw && a.ioengine == b.ioengine && a.iodepth == b.iodepth
            && a.numjobs == b.numjobs && a.blockSizes.map(\.min) == b.blockSizes.map(\.min)
            && a.blockSizes.map(\.max) == b.blockSizes.map(\.max)
    }

    public func line(kbBase: UInt64 = 1024) -> String {
        let pow2 = kbBase == 1024
        let labels = ["R", "W", "T"]
        let sizes = blockSizes.prefix(3).enumerated().map { i, s in
            "(\(labels[i])) \(FioNumberFormat.string(s.min, pow2: pow2, unit: .byte))-\(FioNumberFormat.string(s.max, pow2: pow2, unit: .byte))"
        }
        return
            "\(name): (g=\(group)): rw=\(rw), bs=\(sizes.joined(separator: ", ")), ioengine=\(ioengine), iodepth=\(iodepth)\n"
            + (numjobs > 1 ? "...\n" : "")
    }

    /// The whole banner for `jobs`; `version` as in "diobench-0.1.0".
    public static func render(_ jobs: [JobBanner], version: String, threads: Bool, kbBase: UInt64 = 1024) -> String {
        let count = jobs.reduce(0) { $0 + max(1, $1.numjobs) }
        let noun = threads ? (count == 1 ? "thread" : "threads") : (count == 1 ? "process" : "processes")
        return jobs.map { $0.line(kbBase: kbBase) }.joined() + "\(version)\nStarting \(count) \(noun)\n"
    }
}
