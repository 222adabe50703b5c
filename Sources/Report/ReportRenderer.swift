import Foundation
import Stats

/// Settings of the text renderers that the result does not carry.
public struct ReportOptions: Sendable {
    /// fio's `kb_base`: 1024 shows KiB/MiB first and kB/MB in brackets; 1000 the reverse.
    public var kbBase: UInt64 = 1024
    /// fio's `sig_figs`.
    public var significantFigures = 4
    /// fio's `percentile_precision`.
    public var percentilePrecision = 2
    /// Process id shown in each job's header line.
    public var pid: Int32 = ProcessInfo.processInfo.processIdentifier

    public init() {}
}

/// Turns a run's results into what `--output-format` asks for.
public enum ReportRenderer {
    /// The text to print for `formats`, in fio's order: terse lines, then JSON, then the normal
    /// report (fio 3.33 prints them in that order whatever the order of the list). `json+`
    /// replaces `json` when both are given. With only `json`/`json+`, the text is the JSON alone.
    /// With `normal` too, fio's stdout is not pure JSON: it prints the JSON, then the text report
    /// (and the job banner before the run); we do the same.
    public static func render(_ result: RunResult, formats: [OutputFormat], options: ReportOptions = ReportOptions())
        throws -> String
    {
        var out = ""
        if formats.contains(.terse) {
            out += TerseReport.render(result)
        }
        if formats.contains(.jsonPlus) {
            out += try json(result, bins: true) + "\n"
        } else if formats.contains(.json) {
            out += try json(result, bins: false) + "\n"
        }
        if formats.contains(.normal) {
            out += NormalReport.render(result, options: options)
        }
        return out
    }

    /// fio-style JSON of the run; `bins` adds json+'s latency bins.
    public static func json(_ result: RunResult, bins: Bool) throws -> String {
        try FioJSONEncoder(includeBins: bins).encode(result)
    }
}
