import Foundation

/// Short human forms of metric values for tables and charts: three significant digits and a unit.
public enum CompareFormat {
    public static func value(_ v: Double, _ unit: MetricUnit) -> String {
        guard v.isFinite else { return "-" }
        if let (scale, name) = sharedScale(v, unit) { return significant(v / scale) + name }
        switch unit {
        // Counts stay exact up to 9999 (a count of 4096 direct I/Os is worth reading as such).
        case .count: return scaled(v, steps: [(1e9, 1e9, "G"), (1e6, 1e6, "M"), (1e4, 1e3, "k")])
        default: return scaled(v, steps: [(1e9, 1e9, "G"), (1e6, 1e6, "M"), (1e3, 1e3, "k")])  // IOPS
        }
    }

    /// "12.3k [11.9k–12.8k]", "21.2 [18.8–33.6] µs" (one unit, the median's, for all three); a single value alone.
    public static func interval(_ m: MetricSummary, _ unit: MetricUnit) -> String {
        if m.count < 2 || m.lower == m.upper && m.lower == m.median { return value(m.median, unit) }
        if let (scale, name) = sharedScale(m.median, unit) {
            return
                "\(significant(m.median / scale)) [\(significant(m.lower / scale))–\(significant(m.upper / scale))] \(name)"
        }
        return "\(value(m.median, unit)) [\(value(m.lower, unit))–\(value(m.upper, unit))]"
    }

    /// The divisor and unit name of a bandwidth or latency figure (B/s … TiB/s, ns … s); nil for IOPS and
    /// counts, which take k/M/G suffixes. `interval` prints all three figures with the median's.
    static func sharedScale(_ v: Double, _ unit: MetricUnit) -> (Double, String)? {
        let a = abs(v)
        switch unit {
        case .bytesPerSecond:
            let units = ["B/s", "KiB/s", "MiB/s", "GiB/s", "TiB/s"]
            var scale = 1.0, i = 0
            while a / scale >= 1024 && i < units.count - 1 { scale *= 1024; i += 1 }
            return (scale, units[i])
        case .nanoseconds:
            return a >= 1e9 ? (1e9, "s") : a >= 1e6 ? (1e6, "ms") : a >= 1e3 ? (1e3, "µs") : (1, "ns")
        case .iops, .count:
            return nil
        }
    }

    /// "+12.5%", "−3.0%".
    public static func percent(_ v: Double) -> String {
        guard v.isFinite else { return v > 0 ? "+∞%" : v < 0 ? "−∞%" : "-" }
        let text = String(format: abs(v) >= 100 ? "%.0f%%" : "%.1f%%", abs(v))
        return (v > 0.05 ? "+" : v < -0.05 ? "−" : "±") + text
    }

    /// The first step whose threshold `v` reaches: v / divisor with the suffix.
    static func scaled(_ v: Double, steps: [(threshold: Double, divisor: Double, suffix: String)]) -> String {
        for step in steps where abs(v) >= step.threshold { return significant(v / step.divisor) + step.suffix }
        return abs(v) >= 100 || v == v.rounded() ? String(format: "%.0f", v) : significant(v)
    }

    /// Three significant digits without a trailing ".0" on whole hundreds: 1.23, 12.3, 123, 1234.
    static func significant(_ v: Double) -> String {
        let a = abs(v)
        if a >= 100 || a == 0 { return String(format: "%.0f", v) }
        if a >= 10 { return String(format: "%.1f", v) }
        return String(format: "%.2f", v)
    }
}
