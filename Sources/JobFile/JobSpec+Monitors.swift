// What a job asks to be watched for while it runs: fio's steadystate and rate_min/rate_iops_min.
import Vocabulary

/// fio's `steadystate=iops_slope:0.01%`: which series (IOPS or bandwidth) is judged, by its slope or its largest
/// deviation from the mean, against a limit (a percentage of the mean, or an absolute value).
public struct SteadyStateCriterion: Codable, Sendable, Equatable {
    public enum Series: String, Codable, Sendable { case iops, bw }
    public var series: Series
    public var slope: Bool
    public var limit: Double
    public var percent: Bool

    public init(series: Series, slope: Bool, limit: Double, percent: Bool) {
        self.series = series
        self.slope = slope
        self.limit = limit
        self.percent = percent
    }

    public static let fioDefault = SteadyStateCriterion(series: .iops, slope: true, limit: 0.01, percent: true)

    /// The name before the colon, as fio writes it (`iops_slope`).
    public var name: String { series.rawValue + (slope ? "_slope" : "") }
}

/// fio's steady-state detection for one job: once `durationSeconds` one-second samples (after `rampNs`) meet
/// the criterion, the job (its reporting group, with group_reporting) ends.
public struct SteadyStateOptions: Codable, Sendable, Equatable {
    public var criterion = SteadyStateCriterion.fioDefault
    /// `ss_dur`; 0: off.
    public var durationNs: UInt64 = 0
    public var rampNs: UInt64 = 0
    public init() {}
    public var isOn: Bool { durationNs >= 1_000_000_000 }
}

/// fio's rate_min/rate_iops_min with rate_cycle: a worker that falls below the floor over a cycle fails.
public struct RateFloor: Codable, Sendable, Equatable {
    /// Bytes per second per direction (0: none).
    public var bytes = PerDirection<UInt64>(0)
    public var ios = PerDirection<UInt64>(0)
    /// `rate_cycle`, in milliseconds.
    public var cycleMs: UInt64 = 1000
    public init() {}
    public var isOn: Bool { IODirection.allCases.contains { bytes[$0] > 0 || ios[$0] > 0 } }
}
