/// One entry of fio's `jobs` array (one job, or one `group_reporting` group), with fio's keys,
/// plus diobench's own data under `"diobench"`.
import Vocabulary
public struct JobResult: Sendable, Equatable, Codable {
    public var jobname: String
    public var groupid: Int
    /// errno that stopped the job (0: none).
    public var error: Int32 = 0
    public var eta: Int64?
    /// Seconds since the run started.
    public var elapsed: Int64?
    public var jobOptions: FioOptionList?
    public var read = DirectionResult()
    public var write = DirectionResult()
    public var trim = DirectionResult()
    public var sync: SyncResult?
    /// Milliseconds.
    public var jobRuntime: UInt64 = 0
    public var usrCpu: Double = 0
    public var sysCpu: Double = 0
    public var ctx: UInt64 = 0
    public var majf: UInt64 = 0
    public var minf: UInt64 = 0
    public var iodepthLevel: FioDistribution?
    public var iodepthSubmit: FioDistribution?
    public var iodepthComplete: FioDistribution?
    public var latencyNs: FioDistribution?
    public var latencyUs: FioDistribution?
    public var latencyMs: FioDistribution?
    /// fio's `continue_on_error` extras.
    public var totalErr: UInt64?
    public var firstError: Int32?
    /// fio's latency_target block (diobench has no latency target: depth = iodepth, target 0).
    public var latencyDepth: Int64?
    public var latencyTarget: UInt64?
    public var latencyPercentile: Double?
    public var latencyWindow: UInt64?
    /// fio's steady-state block, for jobs with `ss_dur`.
    public var steadystate: SteadyStateReport?
    public var desc: String?
    public var diobench: JobExtension?

    public init(jobname: String, groupid: Int) {
        self.jobname = jobname
        self.groupid = groupid
    }

    public subscript(_ direction: IODirection) -> DirectionResult {
        get {
            switch direction {
            case .read: return read
            case .write: return write
            case .trim: return trim
            }
        }
        set {
            switch direction {
            case .read: read = newValue
            case .write: write = newValue
            case .trim: trim = newValue
            }
        }
    }

    enum CodingKeys: String, CodingKey {
        case jobname, groupid, error, eta, elapsed, jobOptions = "job options"
        case read, write, trim, sync
        case jobRuntime = "job_runtime", usrCpu = "usr_cpu", sysCpu = "sys_cpu", ctx, majf, minf
        case iodepthLevel = "iodepth_level", iodepthSubmit = "iodepth_submit", iodepthComplete = "iodepth_complete"
        case latencyNs = "latency_ns", latencyUs = "latency_us", latencyMs = "latency_ms"
        case totalErr = "total_err", firstError = "first_error"
        case latencyDepth = "latency_depth", latencyTarget = "latency_target"
        case latencyPercentile = "latency_percentile", latencyWindow = "latency_window", steadystate
        case desc, diobench
        // fio with unified_rw_reporting writes one "mixed" direction instead of read/write/trim.
        case mixed
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        jobname = c.string(.jobname) ?? ""
        groupid = Int(c.int(.groupid))
        error = Int32(truncatingIfNeeded: c.int(.error))
        eta = c.optionalInt(.eta)
        elapsed = c.optionalInt(.elapsed)
        jobOptions = try? c.decodeIfPresent(FioOptionList.self, forKey: .jobOptions)
        func direction(_ k: CodingKeys) -> DirectionResult {
            (try? c.decodeIfPresent(DirectionResult.self, forKey: k)) ?? DirectionResult()
        }
        read = direction(.read)
        write = direction(.write)
        trim = direction(.trim)
        if !c.contains(.read), c.contains(.mixed) { read = direction(.mixed) }
        sync = try? c.decodeIfPresent(SyncResult.self, forKey: .sync)
        jobRuntime = c.uint(.jobRuntime)
        usrCpu = c.double(.usrCpu)
        sysCpu = c.double(.sysCpu)
        ctx = c.uint(.ctx); majf = c.uint(.majf); minf = c.uint(.minf)
        func dist(_ k: CodingKeys) -> FioDistribution? { try? c.decodeIfPresent(FioDistribution.self, forKey: k) }
        iodepthLevel = dist(.iodepthLevel)
        iodepthSubmit = dist(.iodepthSubmit)
        iodepthComplete = dist(.iodepthComplete)
        latencyNs = dist(.latencyNs)
        latencyUs = dist(.latencyUs)
        latencyMs = dist(.latencyMs)
        totalErr = c.optionalUInt(.totalErr)
        firstError = c.optionalInt(.firstError).map { Int32(truncatingIfNeeded: $0) }
        latencyDepth = c.optionalInt(.latencyDepth)
        latencyTarget = c.optionalUInt(.latencyTarget)
        latencyPercentile = c.optionalDouble(.latencyPercentile)
        latencyWindow = c.optionalUInt(.latencyWindow)
        steadystate = try? c.decodeIfPresent(SteadyStateReport.self, forKey: .steadystate)
        desc = c.string(.desc)
        diobench = try? c.decodeIfPresent(JobExtension.self, forKey: .diobench)
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(jobname, forKey: .jobname)
        try c.encode(groupid, forKey: .groupid)
        try c.encode(error, forKey: .error)
        try c.encodeIfPresent(eta, forKey: .eta)
        try c.encodeIfPresent(elapsed, forKey: .elapsed)
        if let jobOptions, !jobOptions.isEmpty { try c.encode(jobOptions, forKey: .jobOptions) }
        try c.encode(read, forKey: .read)
        try c.encode(write, forKey: .write)
        try c.encode(trim, forKey: .trim)
        try c.encodeIfPresent(sync, forKey: .sync)
        try c.encode(jobRuntime, forKey: .jobRuntime)
        try c.encode(usrCpu, forKey: .usrCpu)
        try c.encode(sysCpu, forKey: .sysCpu)
        try c.encode(ctx, forKey: .ctx)
        try c.encode(majf, forKey: .majf)
        try c.encode(minf, forKey: .minf)
        try c.encodeIfPresent(iodepthLevel, forKey: .iodepthLevel)
        try c.encodeIfPresent(iodepthSubmit, forKey: .iodepthSubmit)
        try c.encodeIfPresent(iodepthComplete, forKey: .iodepthComplete)
        try c.encodeIfPresent(latencyNs, forKey: .latencyNs)
        try c.encodeIfPresent(latencyUs, forKey: .latencyUs)
        try c.encodeIfPresent(latencyMs, forKey: .latencyMs)
        try c.encodeIfPresent(totalErr, forKey: .totalErr)
        try c.encodeIfPresent(firstError, forKey: .firstError)
        try c.encodeIfPresent(latencyDepth, forKey: .latencyDepth)
        try c.encodeIfPresent(latencyTarget, forKey: .latencyTarget)
        try c.encodeIfPresent(latencyPercentile, forKey: .latencyPercentile)
        try c.encodeIfPresent(latencyWindow, forKey: .latencyWindow)
        try c.encodeIfPresent(steadystate, forKey: .steadystate)
        try c.encodeIfPresent(desc, forKey: .desc)
        try c.encodeIfPresent(diobench, forKey: .diobench)
    }
}
