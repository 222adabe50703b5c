import Foundation
import Stats

/// What `diobench compare` writes as `compare.json`: the matrix, the order runs were made in, and every run's
/// full result (fio's JSON with diobench's keys), with per-cell medians and intervals for tools such as jq.
/// `diff` and `baseline save` read it back; the summary is recomputed from the runs, never trusted.
public struct CompareResult: Sendable, Codable {
    public var info: CompareInfo
    public var cells: [CompareCell]

    public init(info: CompareInfo, cells: [CompareCell]) {
        self.info = info
        self.cells = cells
    }

    enum CodingKeys: String, CodingKey { case info = "diobench compare", cells }

    /// All runs with their cell labels, in schedule order where it is known.
    public var labeledRuns: [LabeledRun] {
        cells.flatMap { cell in cell.runs.map { LabeledRun(cell: cell.label, run: $0) } }
    }

    /// Fills each cell's `summary` from its runs.
    public mutating func summarize() {
        let table = SampleTable(labeledRuns)
        for i in cells.indices {
            cells[i].summary = table.groups.filter { $0.cell == cells[i].label }.map { group in
                JobSummary(
                    job: group.job, runs: group.values.values.map(\.count).max() ?? 0, failedRuns: group.failedRuns,
                    metrics: group.metricIDs.map { id in
                        let m = Statistics.medianInterval(group.values[id] ?? [])
                        return MetricSummary(
                            metric: id, median: m.median, lower: m.lower, upper: m.upper,
                            confidence: m.confidence, count: m.count)
                    })
            }
        }
    }

    /// Every job of the cells' summaries, in the order they first appear.
    var summarizedJobs: [String] {
        var jobs: [String] = []
        for cell in cells { for s in cell.summary ?? [] where !jobs.contains(s.job) { jobs.append(s.job) } }
        return jobs
    }

    /// Each cell's summary of `job`, nil where the cell has none.
    func summaries(of job: String) -> [JobSummary?] { cells.map { cell in cell.summary?.first { $0.job == job } } }

    /// The grid the table and the HTML page show for `job`: one row per metric that some cell has, in
    /// table order, with each cell's figure (nil where the cell has none).
    func metricRows(job: String) -> [(definition: MetricDefinition, cells: [MetricSummary?])] {
        let summaries = summaries(of: job)
        return CompareMetrics.all.compactMap { def in
            let figures = summaries.map { $0?.metrics.first { $0.metric == def.id } }
            return figures.contains { $0 != nil } ? (def, figures) : nil
        }
    }

    /// Reads a compare result; nil when the JSON is something else (a run, fio's output).
    public static func decodeIfCompare(_ data: Data) throws -> CompareResult? {
        guard isCompare(data) else { return nil }
        var result = try JSONDecoder().decode(CompareResult.self, from: data)
        result.summarize()
        return result
    }

    /// A compare result is a JSON object with the top-level key "diobench compare"; anything else is a run.
    static func isCompare(_ data: Data) -> Bool {
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return false }
        return object[CodingKeys.info.rawValue] != nil
    }

    public func json() throws -> String { try FioJSONEncoder(includeBins: false).encode(self) + "\n" }
}

public struct CompareInfo: Sendable, Codable {
    public var version: String
    /// Layout of this file.
    public var format = 1
    public var jobFiles: [String]
    public var matrix: [MatrixAxis]
    public var repetitions: Int
    /// The runs in the order they were made.
    public var order: [RunSlot]
    public var environment: RunEnvironment?
    public var commandLine: [String]?
    /// UTC, ISO 8601.
    public var started: String?
    /// Stopped by a signal: cells may have fewer runs.
    public var interrupted: Bool?
    /// Run in the lab VM (`lab compare`, or a `lab_image` axis): images, boots, and whether timings are emulated.
    public var lab: CompareLabInfo?

    public init(
        version: String, jobFiles: [String], matrix: [MatrixAxis], repetitions: Int, order: [RunSlot],
        environment: RunEnvironment? = nil, commandLine: [String]? = nil, started: String? = nil
    ) {
        self.version = version; self.jobFiles = jobFiles; self.matrix = matrix; self.repetitions = repetitions
        self.order = order; self.environment = environment; self.commandLine = commandLine; self.started = started
    }

    enum CodingKeys: String, CodingKey {
        case version, format, jobFiles = "job_files", matrix, repetitions, order, environment
        case commandLine = "command_line", started, interrupted, lab
    }
}

/// One matrix cell: its settings and its runs, one per repetition.
public struct CompareCell: Sendable, Codable {
    public var label: String
    public var settings: [MatrixSetting]
    /// Lab compares: the guest kernel crashed in a boot of this cell's image (its later boots were skipped).
    /// Before the runs, so that it is near the top of the cell in compare.json.
    public var crash: CrashSummary?
    /// Lab compares: the boots of this cell's image that ran.
    public var boots: Int?
    public var runs: [RunResult]
    public var summary: [JobSummary]?

    public init(label: String, settings: [MatrixSetting], runs: [RunResult] = []) {
        self.label = label; self.settings = settings; self.runs = runs
    }
}

public struct JobSummary: Sendable, Codable, Equatable {
    public var job: String
    public var runs: Int
    public var failedRuns: Int
    public var metrics: [MetricSummary]

    enum CodingKeys: String, CodingKey { case job, runs, failedRuns = "failed_runs", metrics }
}

/// A metric's median over the repetitions and its distribution-free interval.
public struct MetricSummary: Sendable, Codable, Equatable {
    public var metric: String
    public var median: Double
    public var lower: Double
    public var upper: Double
    /// The interval's real coverage (0.95, or less with under 6 runs).
    public var confidence: Double
    public var count: Int

    enum CodingKeys: String, CodingKey { case metric, median, lower, upper, confidence, count = "n" }
}
