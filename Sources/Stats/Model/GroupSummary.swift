/// fio's "Run status group N" numbers for one reporting group and direction: total I/O,
/// aggregate bandwidth (total bytes over the longest runtime), slowest and fastest job.
import Vocabulary
public struct GroupDirectionSummary: Sendable, Equatable, Codable {
    public var ioBytes: UInt64 = 0
    /// Bytes/s: ioBytes × 1000 / maxRunMs.
    public var aggregateBytesPerSec: UInt64 = 0
    public var minBytesPerSec: UInt64 = .max
    public var maxBytesPerSec: UInt64 = 0
    public var minRunMs: UInt64 = .max
    public var maxRunMs: UInt64 = 0

    public var isEmpty: Bool { maxRunMs == 0 }
}

public struct GroupSummary: Sendable, Equatable {
    public var groupID: Int
    public var directions: PerDirection<GroupDirectionSummary>

    /// One summary per group id present in `jobs`, ascending, from the jobs' fio numbers
    /// (so it works as well for fio's own JSON).
    public static func summaries(of jobs: [JobResult]) -> [GroupSummary] {
        let ids = Set(jobs.map(\.groupid)).sorted()
        return ids.map { id in
            var dirs = [GroupDirectionSummary](repeating: GroupDirectionSummary(), count: 3)
            for job in jobs where job.groupid == id {
                for d in IODirection.allCases {
                    let r = job[d]
                    guard r.runtime > 0 else { continue }
                    var g = dirs[d.rawValue]
                    g.ioBytes &+= r.ioBytes
                    g.minRunMs = Swift.min(g.minRunMs, r.runtime)
                    g.maxRunMs = Swift.max(g.maxRunMs, r.runtime)
                    let bw = r.ioBytes &* 1000 / r.runtime
                    g.minBytesPerSec = Swift.min(g.minBytesPerSec, bw)
                    g.maxBytesPerSec = Swift.max(g.maxBytesPerSec, bw)
                    dirs[d.rawValue] = g
                }
            }
            for i in 0..<3 where dirs[i].maxRunMs > 0 {
                dirs[i].aggregateBytesPerSec = dirs[i].ioBytes &* 1000 / dirs[i].maxRunMs
            }
            return GroupSummary(groupID: id, directions: PerDirection(read: dirs[0], write: dirs[1], trim: dirs[2]))
        }
    }
}

extension RunResult {
    /// Sets each job's `bw_agg` (its share of the group's aggregate bandwidth, capped at 100 %),
    /// as fio does once all jobs of a group are known.
    public mutating func updateGroupShares() {
        let groups = Dictionary(uniqueKeysWithValues: GroupSummary.summaries(of: jobs).map { ($0.groupID, $0) })
        for j in jobs.indices {
            guard let g = groups[jobs[j].groupid] else { continue }
            for d in IODirection.allCases {
                var r = jobs[j][d]
                guard r.bwSamples > 0 else { r.bwAgg = 0; jobs[j][d] = r; continue }
                let agg = g.directions[d].aggregateBytesPerSec
                r.bwAgg = agg > 1024 ? Swift.min(100, r.bwMean.rounded(.down) * 100 / (Double(agg) / 1024)) : 100
                jobs[j][d] = r
            }
        }
    }

    /// A diobench run: our version string, the environment, and group shares computed.
    public init(
        diobenchVersion: String, jobs: [JobResult], globalOptions: FioOptionList? = nil,
        environment: RunEnvironment? = RunEnvironment.current(), commandLine: [String]? = nil,
        jobFiles: [String]? = nil, partial: Bool? = nil, diskUtil: [DiskUtil]? = nil
    ) {
        self.init(
            fioVersion: "diobench-\(diobenchVersion)", jobs: jobs, globalOptions: globalOptions, diskUtil: diskUtil,
            diobench: RunExtension(
                version: diobenchVersion, environment: environment, commandLine: commandLine,
                jobFiles: jobFiles, partial: partial))
        updateGroupShares()
    }
}
