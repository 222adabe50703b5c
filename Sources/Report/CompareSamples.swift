import Stats

/// A run with the matrix cell it belongs to ("" for a plain run that is no cell of a matrix).
public struct LabeledRun: Sendable {
    public var cell: String
    public var run: RunResult
    public init(cell: String, run: RunResult) { self.cell = cell; self.run = run }
}

/// The repeated values of every metric of one job in one cell: what statistics work on.
public struct SampleGroup: Sendable, Equatable {
    public var cell: String
    public var job: String
    /// Metric id → one value per run that had it, in run order.
    public var values: [String: [Double]]
    /// Runs in which this job's entry failed (error set) or was cut short by a signal: left out of `values`.
    public var failedRuns: Int

    /// Metric ids present, in table order.
    public var metricIDs: [String] { CompareMetrics.all.map(\.id).filter { values[$0] != nil } }
}

/// Runs regrouped by (cell, job): the table of samples both `compare` and `diff` summarise.
public struct SampleTable: Sendable {
    /// In the order cells and jobs first appear.
    public private(set) var groups: [SampleGroup] = []

    public init(_ runs: [LabeledRun]) {
        var index: [String: Int] = [:]
        for labeled in runs {
            let keys = CompareMetrics.jobKeys(labeled.run.jobs)
            for (job, key) in zip(labeled.run.jobs, keys) {
                let id = labeled.cell + "\u{0}" + key
                let slot: Int
                if let i = index[id] {
                    slot = i
                } else {
                    slot = groups.count
                    index[id] = slot
                    groups.append(SampleGroup(cell: labeled.cell, job: key, values: [:], failedRuns: 0))
                }
                // A failed or interrupted job's figures describe the failure or a fraction of the run, not the setting.
                guard job.error == 0, job.diobench?.errorMessage == nil, job.diobench?.partial != true,
                    labeled.run.diobench?.partial != true
                else {
                    groups[slot].failedRuns += 1
                    continue
                }
                for (metric, value) in CompareMetrics.values(of: job) where value.isFinite {
                    groups[slot].values[metric, default: []].append(value)
                }
            }
        }
    }

    public var cells: [String] {
        var seen = Set<String>()
        return groups.map(\.cell).filter { seen.insert($0).inserted }
    }

    public var jobs: [String] {
        var seen = Set<String>()
        return groups.map(\.job).filter { seen.insert($0).inserted }
    }

    public func group(cell: String, job: String) -> SampleGroup? { groups.first { $0.cell == cell && $0.job == job } }
}
