import Stats
import Vocabulary

/// What a figure measures, which decides how it is printed and which way is better.
public enum MetricUnit: String, Sendable, Codable {
    case iops, bytesPerSecond = "bytes_per_second", nanoseconds, count
}

/// A figure that `compare` tabulates and `diff` judges, e.g. `read.iops` or `read.clat_p99`.
public struct MetricDefinition: Sendable, Equatable {
    /// Stable id, used in JSON and to match the two sides of a diff.
    public var id: String
    /// "read IOPS", "write clat p99.9".
    public var label: String
    public var unit: MetricUnit
    /// true: more is better (IOPS); false: less is better (latency); nil: neither (counts shown for information).
    public var higherIsBetter: Bool?
}

/// The figures of one fio `jobs[]` entry, as numbers per metric id.
public enum CompareMetrics {
    /// The clat percentiles the table shows.
    public static let percentiles: [(percent: Double, name: String)] = [(50, "p50"), (99, "p99"), (99.9, "p99.9")]

    /// Every metric in table order; `values(of:)` gives a subset.
    public static let all: [MetricDefinition] = {
        var list: [MetricDefinition] = []
        for d in IODirection.allCases {
            let name = d.fioName
            list.append(MetricDefinition(id: "\(name).iops", label: "\(name) IOPS", unit: .iops, higherIsBetter: true))
            list.append(
                MetricDefinition(
                    id: "\(name).bw", label: "\(name) bandwidth", unit: .bytesPerSecond, higherIsBetter: true))
            for p in percentiles {
                list.append(
                    MetricDefinition(
                        id: "\(name).clat_\(p.name)", label: "\(name) clat \(p.name)",
                        unit: .nanoseconds, higherIsBetter: false))
            }
        }
        list.append(MetricDefinition(id: "cpu_per_io", label: "CPU per I/O", unit: .nanoseconds, higherIsBetter: false))
        list.append(MetricDefinition(id: "zfs.direct", label: "ZFS direct I/Os", unit: .count, higherIsBetter: nil))
        // Asked to be direct but served through the ARC: fewer is what the direct property promises.
        list.append(
            MetricDefinition(id: "zfs.fallback", label: "ZFS fallback I/Os", unit: .count, higherIsBetter: false))
        return list
    }()

    public static func definition(_ id: String) -> MetricDefinition? { all.first { $0.id == id } }

    /// The job's figures: per direction that did I/O, IOPS, bandwidth (bytes/s) and clat percentiles (ns);
    /// CPU time per I/O (ns); ZFS direct and inferred fallback counts when the job has ZFS accounting.
    public static func values(of job: JobResult) -> [String: Double] {
        var out: [String: Double] = [:]
        var totalIOs: UInt64 = 0
        for d in IODirection.allCases {
            let r = job[d]
            guard r.totalIOs > 0 || r.ioBytes > 0 else { continue }
            totalIOs += r.totalIOs
            out["\(d.fioName).iops"] = r.iops
            out["\(d.fioName).bw"] = Double(r.bwBytes)
            let latency = percentileSource(r)
            for p in percentiles {
                if let v = latency.percentiles?[p.percent] {
                    out["\(d.fioName).clat_\(p.name)"] = Double(v)
                } else if let bins = latency.bins, bins.totalCount > 0 {
                    out["\(d.fioName).clat_\(p.name)"] = Double(bins.value(atPercentile: p.percent))
                }
            }
        }
        // fio's usr_cpu/sys_cpu are percent of the job's runtime.
        let runtimeNs = job.diobench?.runtimeNs.map { Double($0) } ?? Double(job.jobRuntime) * 1e6
        if totalIOs > 0, runtimeNs > 0 {
            out["cpu_per_io"] = (job.usrCpu + job.sysCpu) / 100 * runtimeNs / Double(totalIOs)
        }
        if let zfs = job.diobench?.zfs {
            out["zfs.direct"] = Double(zfs.iostats.directReadCount + zfs.iostats.directWriteCount)
            if let fallbacks = zfs.inferredFallbacks {
                out["zfs.fallback"] = Double(fallbacks.reads + fallbacks.writes)
            }
        }
        return out
    }

    /// The latency curve of one direction: (percentile, ns) from the percentile list, or from json+ bins
    /// at fio's default percentiles when only bins are there.
    public static func percentileCurve(of job: JobResult, _ d: IODirection) -> [(percent: Double, ns: Double)] {
        let latency = percentileSource(job[d])
        if let list = latency.percentiles, !list.entries.isEmpty {
            return list.entries.map { ($0.percent, Double($0.valueNs)) }
        }
        if let bins = latency.bins, bins.totalCount > 0 {
            return JobReportSettings.fioDefaultPercentiles.map { ($0, Double(bins.value(atPercentile: $0))) }
        }
        return []
    }

    /// Where a direction's percentiles come from: clat when it has percentiles or bins, else lat
    /// (a job that reports lat percentiles instead).
    private static func percentileSource(_ r: DirectionResult) -> LatencySummary {
        r.clat.percentiles != nil || r.clat.bins != nil ? r.clat : r.lat
    }

    /// Names that tell a run's `jobs[]` entries apart: the job name, with "#2", "#3", … for later entries of
    /// the same name (numjobs clones without group_reporting).
    public static func jobKeys(_ jobs: [JobResult]) -> [String] {
        var seen: [String: Int] = [:]
        return jobs.map { job in
            let n = (seen[job.jobname] ?? 0) + 1
            seen[job.jobname] = n
            return n == 1 ? job.jobname : "\(job.jobname)#\(n)"
        }
    }
}
