import Foundation
import Stats

/// fio's terse format, version 3 (fio 3.x's default): one `;`-separated line per job.
///
/// Fields (121, then optional ones), as fio 3.33 writes them:
/// 1–5 terse version, fio version, jobname, groupid, error;
/// read and write, 41 each: KiB, KiB/s, IOPS, runtime ms; slat, clat min/max/mean/stdev in µs;
/// 20 percentiles "p%=µs" (unused ones "0%=0"); lat min/max/mean/stdev µs;
/// bw min, max, agg %, mean, stdev (KiB/s);
/// cpu usr %, sys %, ctx, majf, minf; 7 I/O depth %; 10 µs latency % (ns buckets folded into
/// the first, as fio does); 12 ms latency %;
/// then per disk (when disk stats exist) name and 8 counters; `total_err;first_error` with
/// continue_on_error; the description when set. Version 3 has no trim fields.
public enum TerseReport {
    public static let version = 3
    /// Fields of a line without disk stats, error extras or description.
    public static let baseFieldCount = 121

    public static func render(_ result: RunResult) -> String {
        result.jobs.map { line($0, fioVersion: result.fioVersion, disks: result.diskUtil ?? []) + "\n" }.joined()
    }

    public static func line(_ job: JobResult, fioVersion: String, disks: [DiskUtil] = []) -> String {
        var fields = ["\(version)", fioVersion, job.jobname, "\(job.groupid)", "\(job.error)"]
        // fio lists the percentiles even for a direction without I/O (values 0); JSON omits
        // them there, so take the list from a direction that has them.
        let list =
            [job.read, job.write, job.trim].compactMap { $0.percentileLatency.percentiles }.first?.entries.map(
                \.percent)
            ?? job.sync?.lat.percentiles?.entries.map(\.percent) ?? JobReportSettings.fioDefaultPercentiles
        fields += direction(job.read, percentileList: list, elapsedNs: job.diobench?.elapsedNs?.read)
        fields += direction(job.write, percentileList: list, elapsedNs: job.diobench?.elapsedNs?.write)
        fields += [pct(job.usrCpu), pct(job.sysCpu), "\(job.ctx)", "\(job.majf)", "\(job.minf)"]
        fields += IODepthCounts.levelKeys.map { f("%3.1f%%", job.iodepthLevel?[$0] ?? 0) }
        let nsTotal = job.latencyNs?.entries.reduce(0) { $0 + $1.percent } ?? 0
        for (i, key) in CompletionLatencyBuckets.keys.enumerated() {
            let v = (job.latencyUs?[key] ?? 0) + (i == 0 ? nsTotal : 0)
            fields.append(f("%3.2f%%", v))
        }
        fields += CompletionLatencyBuckets.msKeys.map { f("%3.2f%%", job.latencyMs?[$0] ?? 0) }
        for d in disks {
            fields += [
                d.name, "\(d.readIOs)", "\(d.writeIOs)", "\(d.readMerges)", "\(d.writeMerges)",
                "\(d.readTicks)", "\(d.writeTicks)", "\(d.inQueue)", f("%3.2f%%", d.util),
            ]
        }
        if let total = job.totalErr { fields += ["\(total)", "\(job.firstError ?? 0)"] }
        if let desc = job.desc, !desc.isEmpty { fields.append(desc) }
        return fields.joined(separator: ";")
    }

    static func direction(_ r: DirectionResult, percentileList: [Double], elapsedNs: UInt64?) -> [String] {
        var out = ["\(r.ioKBytes)", "\(r.bw)", "\(wholeIOPS(r, elapsedNs: elapsedNs))", "\(r.runtime)"]
        out += microseconds(r.slat)
        out += microseconds(r.clat)
        let p = r.percentileLatency.percentiles?.entries ?? (r.totalIOs == 0 ? percentileList.map { ($0, 0) } : [])
        for i in 0..<JobReportSettings.maxPercentiles {
            out.append(i < p.count ? "\(f("%f", p[i].percent))%=\(p[i].valueNs / 1000)" : "0%=0")
        }
        out += microseconds(r.lat)
        if r.bwSamples > 0 {
            out += ["\(r.bwMin)", "\(r.bwMax)", pct(r.bwAgg), f("%f", r.bwMean), f("%f", r.bwDev)]
        } else {
            out += ["0", "0", pct(0), f("%f", 0.0), f("%f", 0.0)]
        }
        return out
    }

    static func microseconds(_ s: LatencySummary) -> [String] {
        guard s.count > 0 else { return ["0", "0", f("%f", 0.0), f("%f", 0.0)] }
        return ["\(s.min / 1000)", "\(s.max / 1000)", f("%f", s.mean / 1000), f("%f", s.stddev / 1000)]
    }

    /// Whole IOPS: exact from our ns timing when known, else fio's integer 1000 × ios / runtime
    /// (the JSON's `iops` is rounded to 6 decimals and could round up across an integer).
    static func wholeIOPS(_ r: DirectionResult, elapsedNs: UInt64?) -> UInt64 {
        if let ns = elapsedNs, ns > 0 { return UInt64(Double(r.totalIOs) * 1e9 / Double(ns)) }
        return r.runtime > 0 ? 1000 &* r.totalIOs / r.runtime : 0
    }

    static func pct(_ v: Double) -> String { f("%f%%", v) }
}
