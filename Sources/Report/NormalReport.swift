import Foundation
import Stats
import Vocabulary
import SystemCalls

/// fio's human-readable report (`--output-format=normal`), rebuilt from the result model, so it
/// renders fio's own JSON as well as ours. Line shapes, unit choices and number formats follow
/// fio 3.33; diobench's own facts follow each job in a block of their own (`DiobenchTextBlock`).
public enum NormalReport {
    public static func render(_ result: RunResult, options: ReportOptions = ReportOptions()) -> String {
        var out = "\n"
        for job in result.jobs where hasIO(job) {
            out += jobBlock(job, time: result.time ?? "", options: options)
        }
        for g in GroupSummary.summaries(of: result.jobs) {
            out += groupBlock(g, options: options)
        }
        if let disks = result.diskUtil, !disks.isEmpty {
            out += "\nDisk stats (read/write):\n"
            for d in disks {
                out +=
                    "  \(d.name): ios=\(d.readIOs)/\(d.writeIOs), merge=\(d.readMerges)/\(d.writeMerges), "
                    + "ticks=\(d.readTicks)/\(d.writeTicks), in_queue=\(d.inQueue), util=\(f("%3.2f", d.util))%\n"
            }
        }
        return out
    }

    static func hasIO(_ job: JobResult) -> Bool {
        IODirection.allCases.contains { job[$0].ioBytes > 0 || job[$0].totalIOs > 0 }
            || (job.diobench?.ioErrors?.total ?? 0) > 0
            // a job that crashed the kernel before its first I/O completed is the report's main news
            || job.diobench?.crash != nil
    }

    // MARK: One job

    static func jobBlock(_ job: JobResult, time: String, options: ReportOptions) -> String {
        var out = ""
        let members = job.diobench?.members ?? 1
        // A crash first, in one line a reader (and grep) finds: which job, and how the kernel died.
        if let crash = job.diobench?.crash {
            out += "\(job.jobname): CRASHED the kernel: \(crash.oops.summary(frames: 3))\n"
        }
        if job.error == 0 {
            out +=
                "\(job.jobname): (groupid=\(job.groupid), jobs=\(members)): err=\(f("%2d", job.error)): pid=\(options.pid): \(time)\n"
        } else {
            let why = job.diobench?.errorMessage ?? ErrnoNames.message(job.error)
            out +=
                "\(job.jobname): (groupid=\(job.groupid), jobs=\(members)): err=\(f("%2d", job.error)) (\(why)): pid=\(options.pid): \(time)\n"
        }
        if let desc = job.desc, !desc.isEmpty { out += "  Description  : [\(desc)]\n" }
        for d in IODirection.allCases where job[d].ioBytes > 0 && job[d].runtime > 0 {
            out += directionBlock(d.fioName, job[d], elapsedNs: job.diobench?.elapsedNs?[d], options: options)
        }
        out += latencyDistribution(job)
        if let sync = job.sync, sync.lat.count > 0 {
            out += "  fsync/fdatasync/sync_file_range:\n"
            out += latencyLine("sync", sync.lat)
            if let p = sync.lat.percentiles {
                out += percentileBlock("sync", p, precision: options.percentilePrecision)
            }
        }
        out +=
            "  cpu          : usr=\(f("%3.2f", job.usrCpu))%, sys=\(f("%3.2f", job.sysCpu))%, ctx=\(job.ctx), majf=\(job.majf), minf=\(job.minf)\n"
        out += distributionLine("  IO depths    : ", job.iodepthLevel, keys: IODepthCounts.levelKeys)
        out += distributionLine("     submit    : ", job.iodepthSubmit, keys: IODepthCounts.batchKeys)
        out += distributionLine("     complete  : ", job.iodepthComplete, keys: IODepthCounts.batchKeys)
        let syncIOs = job.sync?.totalIOs ?? 0
        out +=
            "     issued rwts: total=\(job.read.totalIOs),\(job.write.totalIOs),\(job.trim.totalIOs),\(syncIOs)"
            + " short=\(job.read.shortIOs),\(job.write.shortIOs),\(job.trim.shortIOs),0"
            + " dropped=\(job.read.dropIOs),\(job.write.dropIOs),\(job.trim.dropIOs),0\n"
        if let total = job.totalErr {
            let first = job.firstError ?? 0
            out += "     errors    : total=\(total), first_error=\(first)/<\(ErrnoNames.message(first))>\n"
        }
        if let depth = job.latencyDepth {
            out +=
                "     latency   : target=\(job.latencyTarget ?? 0), window=\(job.latencyWindow ?? 0), "
                + "percentile=\(f("%.2f", job.latencyPercentile ?? 100))%, depth=\(depth)\n"
        }
        if let ss = job.steadystate { out += steadyStateLine(ss, options: options) }
        if let ext = job.diobench { out += DiobenchTextBlock.render(ext) }
        return out
    }

    /// fio's show_ss_normal: "  steadystate  : attained=yes, bw=7.81MiB/s (8.19MB/s), iops=2000, iops mean dev=0.050%".
    static func steadyStateLine(_ ss: SteadyStateReport, options: ReportOptions) -> String {
        let pow2 = options.kbBase == 1024
        let digits = options.significantFigures
        let bw = FioNumberFormat.string(ss.data.bwMean, maxLength: digits, pow2: pow2, unit: .bytePerSecond)
        let bwAlt = FioNumberFormat.string(ss.data.bwMean, maxLength: digits, pow2: !pow2, unit: .bytePerSecond)
        let iops = FioNumberFormat.string(ss.data.iopsMean, maxLength: digits, pow2: false, unit: .none)
        let series = ss.ss.hasPrefix("iops") ? "iops" : "bw"
        let kind = ss.ss.contains("_slope") ? " slope" : " mean dev"
        let percent = ss.criterion.hasSuffix("%")
        let value = Double(percent ? String(ss.criterion.dropLast()) : ss.criterion) ?? 0
        return "  steadystate  : attained=\(ss.attained != 0 ? "yes" : "no"), bw=\(bw) (\(bwAlt)), iops=\(iops), "
            + "\(series)\(kind)=\(f("%.3f", value))\(percent ? "%" : "")\n"
    }

    /// "  read: IOPS=19.6k, BW=76.6MiB/s (80.3MB/s)(153MiB/2001msec)" and what follows it.
    static func directionBlock(_ name: String, _ r: DirectionResult, elapsedNs: UInt64?, options: ReportOptions)
        -> String
    {
        let pow2 = options.kbBase == 1024
        let digits = options.significantFigures
        let iops = FioNumberFormat.string(
            TerseReport.wholeIOPS(r, elapsedNs: elapsedNs), maxLength: digits, pow2: false, unit: .none)
        let bw = FioNumberFormat.string(r.bwBytes, maxLength: digits, pow2: pow2, unit: .bytePerSecond)
        let bwAlt = FioNumberFormat.string(r.bwBytes, maxLength: digits, pow2: !pow2, unit: .bytePerSecond)
        let io = FioNumberFormat.string(r.ioBytes, maxLength: digits, pow2: pow2, unit: .byte)
        var out = "  \(name): IOPS=\(iops), BW=\(bw) (\(bwAlt))(\(io)/\(r.runtime)msec)\n"
        if r.slat.count > 0 { out += latencyLine("slat", r.slat) }
        if r.clat.count > 0 { out += latencyLine("clat", r.clat) }
        if r.lat.count > 0 { out += latencyLine(" lat", r.lat) }
        if let p = r.slat.percentiles, r.slat.count > 0 {
            out += percentileBlock("slat", p, precision: options.percentilePrecision)
        }
        if let p = r.clat.percentiles, r.clat.count > 0 {
            out += percentileBlock("clat", p, precision: options.percentilePrecision)
        }
        if let p = r.lat.percentiles, r.lat.count > 0 {
            out += percentileBlock("lat", p, precision: options.percentilePrecision)
        }
        if r.bwSamples > 0 {
            var unit = pow2 ? "KiB" : "kB"
            var (mn, mx, mean, dev) = (Double(r.bwMin), Double(r.bwMax), r.bwMean, r.bwDev)
            let base = Double(options.kbBase)
            if mean > base * base {
                mn /= base; mx /= base; mean /= base; dev /= base
                unit = "MiB"
            }
            out +=
                "   bw (\(String(repeating: " ", count: max(0, 5 - unit.count)) + unit)/s): min=\(f("%5llu", UInt64(mn))), max=\(f("%5llu", UInt64(mx))), "
                + "per=\(f("%3.2f", r.bwAgg))%, avg=\(f("%5.02f", mean)), stdev=\(f("%5.02f", dev)), samples=\(r.bwSamples)\n"
        }
        if r.iopsSamples > 0 {
            out +=
                "   iops        : min=\(f("%5llu", r.iopsMin)), max=\(f("%5llu", r.iopsMax)), "
                + "avg=\(f("%5.02f", r.iopsMean)), stdev=\(f("%5.02f", r.iopsStddev)), samples=\(r.iopsSamples)\n"
        }
        return out
    }

    /// "    clat (usec): min=3, max=4751, avg= 8.85, stdev=30.15" with fio's choice of unit:
    /// µs when min > 2 µs, max > 99.999 µs and stdev > 1 µs; ms on the same rule a thousand times up.
    static func latencyLine(_ name: String, _ s: LatencySummary) -> String {
        var (mn, mx, mean, dev) = (s.min, s.max, s.mean, s.stddev)
        var unit = "nsec"
        if mn > 2_000_000 && mx > 99_999_999 && dev > 1_000_000 {
            mn /= 1_000_000; mx /= 1_000_000; mean /= 1_000_000; dev /= 1_000_000; unit = "msec"
        } else if mn > 2_000 && mx > 99_999 && dev > 1_000 {
            mn /= 1_000; mx /= 1_000; mean /= 1_000; dev /= 1_000; unit = "usec"
        }
        return "    \(name) (\(unit)): min=\(FioNumberFormat.latency(mn)), max=\(FioNumberFormat.latency(mx)), "
            + "avg=\(f("%5.02f", mean)), stdev=\(f("%5.02f", dev))\n"
    }

    /// fio's percentile table: unit chosen from the smallest and largest value shown, values
    /// rounded up to that unit, as many per line as fit in 80 columns.
    static func percentileBlock(_ name: String, _ p: PercentileMap, precision: Int) -> String {
        guard !p.entries.isEmpty else { return "" }
        let values = p.entries.map(\.valueNs)
        let minv = values.min() ?? 0, maxv = values.max() ?? 0
        let (unit, divisor, steps): (String, UInt64, Int)
        if minv > 2_000_000 && maxv > 99_999_999 {
            (unit, divisor, steps) = ("msec", 1_000_000, 2)
        } else if minv > 2_000 && maxv > 99_999 {
            (unit, divisor, steps) = ("usec", 1_000, 1)
        } else {
            (unit, divisor, steps) = ("nsec", 1, 0)
        }
        let scaledMax = maxv / divisor
        let width = max(5, scaledMax > 0 ? Int(log10(Double(scaledMax)) + 1) : 1)
        let perLine = max(1, (80 - 7) / (precision + 10 + width))
        var out = "    \(name) percentiles (\(unit)):\n     |"
        for (j, e) in p.entries.enumerated() {
            if j != 0 && j % perLine == 0 { out += "     |" }
            var v = e.valueNs
            for _ in 0..<steps { v = (v + 999) / 1000 }
            let last = j == p.entries.count - 1
            out +=
                " " + f("%\(precision + 3).\(precision)f", e.percent) + "th=[" + f("%\(width)llu", v) + "]"
                + (last ? "\n" : ",")
            if !last && j % perLine == perLine - 1 { out += "\n" }
        }
        return out
    }

    /// "  lat (usec)   : 100=24.78%, 250=67.01%, …", five per line, zero buckets left out.
    static func latencyDistribution(_ job: JobResult) -> String {
        var out = ""
        let parts: [(String, FioDistribution?)] = [
            ("nsec", job.latencyNs), ("usec", job.latencyUs), ("msec", job.latencyMs),
        ]
        for (unit, dist) in parts {
            guard let dist else { continue }
            let shown = dist.entries.filter { $0.percent > 0 }
            for chunkStart in stride(from: 0, to: shown.count, by: 5) {
                let chunk = shown[chunkStart..<min(chunkStart + 5, shown.count)]
                out +=
                    "  lat (\(unit))   : "
                    + chunk.map { "\($0.key)=\(f("%3.2f", $0.percent))%" }.joined(separator: ", ") + "\n"
            }
        }
        return out
    }

    static func distributionLine(_ prefix: String, _ dist: FioDistribution?, keys: [String]) -> String {
        let values = keys.map { dist?[$0] ?? 0 }
        return prefix + zip(keys, values).map { "\($0)=\(f("%3.1f", $1))%" }.joined(separator: ", ") + "\n"
    }

    // MARK: Group summary

    static func groupBlock(_ g: GroupSummary, options: ReportOptions) -> String {
        var out = "\nRun status group \(g.groupID) (all jobs):\n"
        let pow2 = options.kbBase == 1024, digits = options.significantFigures
        let labels: [IODirection: String] = [.read: "   READ", .write: "  WRITE", .trim: "   TRIM"]
        for d in IODirection.allCases {
            let s = g.directions[d]
            guard !s.isEmpty else { continue }
            func rate(_ v: UInt64, _ p2: Bool) -> String {
                FioNumberFormat.string(v, maxLength: digits, pow2: p2, unit: .bytePerSecond)
            }
            func bytes(_ v: UInt64, _ p2: Bool) -> String {
                FioNumberFormat.string(v, maxLength: digits, pow2: p2, unit: .byte)
            }
            out +=
                "\(labels[d]!): bw=\(rate(s.aggregateBytesPerSec, pow2)) (\(rate(s.aggregateBytesPerSec, !pow2))), "
                + "\(rate(s.minBytesPerSec, pow2))-\(rate(s.maxBytesPerSec, pow2)) (\(rate(s.minBytesPerSec, !pow2))-\(rate(s.maxBytesPerSec, !pow2))), "
                + "io=\(bytes(s.ioBytes, pow2)) (\(bytes(s.ioBytes, !pow2))), run=\(s.minRunMs)-\(s.maxRunMs)msec\n"
        }
        return out
    }
}
