// fio's log files for a job's workers: which logs each worker keeps (from the job's options, as fio's init.c
// add_job sets them up) and, once the worker is joined, the files written (iolog.c flush_log).
import JobFile
import Stats
import SystemCalls
#if canImport(Glibc)
import Glibc
#endif

enum LogFiles {
    /// The logs a worker of `spec` keeps; nil when the job writes none. `plannedIOs`: a size-bound worker's
    /// I/O count, to size the first chunk of per-I/O logs.
    static func make(for spec: JobSpec, plannedIOs: UInt64?) -> WorkerLogs? {
        let logs = spec.logs
        guard logs.any else { return nil }
        var s = WorkerLogSettings()
        // fio creates no lat, clat or slat log for a statistic it does not keep (disable_*, gtod_reduce).
        s.latency = logs.latLogPrefix != nil && !spec.disableLat
        s.completionLatency = logs.latLogPrefix != nil && !spec.disableClat
        s.submissionLatency = logs.latLogPrefix != nil && !spec.disableSlat
        s.bandwidth = logs.bwLogPrefix != nil
        s.iops = logs.iopsLogPrefix != nil
        // Without clat there is no clat sample to put in a histogram: fio's file stays empty.
        s.histogram = logs.histLogPrefix != nil && !spec.disableClat
        s.bandwidthPerIO = !spec.disableBandwidthMeasurement
        s.averageMs = logs.averageMsec
        s.logsMaximum = logs.maxValue
        s.histogramMs = logs.histogramMsec
        s.histogramCoarseness = logs.histogramCoarseness
        s.histogramCounts = spec.clatPercentiles
        if logs.unixEpoch || logs.alternateEpoch { s.epochClock = logs.alternateEpochClockID }
        if let planned = plannedIOs { s.expectedIOs = Int(min(max(planned, 64), 1 << 18)) }
        return WorkerLogs(s)
    }

    /// fio's gen_log_name: `PREFIX_TYPE.N.log`, or `PREFIX_TYPE.log` with per_job_logs=0. `number` is the
    /// worker's number in the run, from 1 (fio's thread_number).
    static func name(prefix: String, type: String, number: Int, perJob: Bool) -> String {
        perJob ? "\(prefix)_\(type).\(number).log" : "\(prefix)_\(type).log"
    }

    /// Writes every log file of one worker; returns a message for each file that could not be written (fio
    /// reports those and goes on). With per_job_logs=0 the workers append to one file, which is not truncated
    /// first, as fio opens it for appending.
    static func write(_ logs: WorkerLogs, spec: JobSpec, number: Int) -> [String] {
        let options = spec.logs
        var problems: [String] = []
        func emit(_ prefix: String?, _ type: String, _ body: (inout LogFileText) throws -> Void) {
            guard let prefix else { return }
            let path = name(prefix: prefix, type: type, number: number, perJob: options.perJob)
            do {
                try writeFile(path, append: !options.perJob, body)
            } catch {
                problems.append("job '\(spec.name)': cannot write log file \(path): \(error)")
            }
        }
        let offset = options.offset
        let shift = logs.timeOffsetMs
        if let log = logs.bandwidth {
            emit(options.bwLogPrefix, "bw") { try $0.write(log, offsetColumn: offset, addingMs: shift) }
        }
        if let log = logs.latency {
            emit(options.latLogPrefix, "lat") { try $0.write(log, offsetColumn: offset, addingMs: shift) }
        }
        if let log = logs.submissionLatency {
            emit(options.latLogPrefix, "slat") { try $0.write(log, offsetColumn: offset, addingMs: shift) }
        }
        if let log = logs.completionLatency {
            emit(options.latLogPrefix, "clat") { try $0.write(log, offsetColumn: offset, addingMs: shift) }
        }
        if let log = logs.iops {
            emit(options.iopsLogPrefix, "iops") { try $0.write(log, offsetColumn: offset, addingMs: shift) }
        }
        if options.histLogPrefix != nil {
            emit(options.histLogPrefix, "clat_hist") { text in
                if let log = logs.histogram { try text.write(log, addingMs: shift) }
            }
        }
        return problems
    }

    private static func writeFile(_ path: String, append: Bool, _ body: (inout LogFileText) throws -> Void) throws {
        let flags = O_WRONLY | O_CREAT | O_CLOEXEC | (append ? O_APPEND : O_TRUNC)
        let fd = open(path, flags, 0o644)
        guard fd >= 0 else { throw LogFileError(errno: errno) }
        defer { close(fd) }
        var text = LogFileText { bytes in
            try bytes.withUnsafeBytes { raw in
                var done = 0
                while done < raw.count {
                    let n = Glibc.write(fd, raw.baseAddress! + done, raw.count - done)
                    if n < 0 {
                        if errno == EINTR { continue }
                        throw LogFileError(errno: errno)
                    }
                    done += n
                }
            }
        }
        try body(&text)
        try text.finish()
    }
}

struct LogFileError: Error, CustomStringConvertible {
    var errno: Int32
    var description: String { ErrnoNames.describe(errno) }
}
