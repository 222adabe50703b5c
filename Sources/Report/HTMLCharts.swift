import Foundation

// Inline SVG charts for the HTML report, drawn by hand so the page needs no script and no network.
// Each chart is a fixed-size <svg> with a viewBox, so it scales with the page and prints.

/// A bar with its interval (whisker) in a bar chart.
struct IntervalBar {
    var label: String
    var median: Double
    var lower: Double
    var upper: Double
    var color: String
}

/// A named polyline in a line chart.
struct LineSeries {
    var name: String
    var color: String
    /// (x, y) in data units.
    var points: [(x: Double, y: Double)]
}

/// One segment of a stacked bar.
struct StackSegment {
    var name: String
    var value: Double
    var color: String
}

enum HTMLCharts {
    /// Tableau's ten categorical colours: distinct for readers with common colour-vision deficiencies.
    static let palette = [
        "#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f",
        "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac",
    ]

    static func color(_ index: Int) -> String { palette[index % palette.count] }

    static let width = 560.0
    static let height = 320.0
    static let margin = (left: 78.0, right: 16.0, top: 34.0, bottom: 52.0)

    // MARK: bars with whiskers

    static func intervalBars(title: String, bars: [IntervalBar], unit: MetricUnit) -> String {
        let plotW = width - margin.left - margin.right, plotH = height - margin.top - margin.bottom
        let top = niceCeiling(bars.map { max($0.upper, $0.median) }.max() ?? 1, unit: unit)
        let ticks = linearTicks(upTo: top)
        var svg = open(title: title)
        for t in ticks {
            let y = margin.top + plotH * (1 - t / top)
            svg += line(margin.left, y, margin.left + plotW, y, stroke: "#e3e3e3")
            svg += text(margin.left - 6, y + 4, tickLabel(t, top: top, unit), anchor: "end", size: 11)
        }
        let slot = plotW / Double(max(bars.count, 1))
        let barW = min(slot * 0.6, 90)
        for (i, bar) in bars.enumerated() {
            let cx = margin.left + slot * (Double(i) + 0.5)
            let y = margin.top + plotH * (1 - bar.median / top)
            svg +=
                "<rect x=\"\(f(cx - barW / 2))\" y=\"\(f(y))\" width=\"\(f(barW))\" height=\"\(f(margin.top + plotH - y))\" fill=\"\(bar.color)\"><title>\(escape(bar.label)): \(escape(CompareFormat.value(bar.median, unit))) [\(escape(CompareFormat.value(bar.lower, unit)))–\(escape(CompareFormat.value(bar.upper, unit)))]</title></rect>\n"
            if bar.upper > bar.lower {
                let yl = margin.top + plotH * (1 - bar.lower / top), yu = margin.top + plotH * (1 - bar.upper / top)
                svg += line(cx, yl, cx, yu, stroke: "#222", width: 1.5)
                svg += line(cx - barW / 5, yl, cx + barW / 5, yl, stroke: "#222", width: 1.5)
                svg += line(cx - barW / 5, yu, cx + barW / 5, yu, stroke: "#222", width: 1.5)
            }
            svg += text(
                cx,
                min(y, margin.top + plotH) - 6 - (bar.upper > bar.median ? plotH * (bar.upper - bar.median) / top : 0),
                CompareFormat.value(bar.median, unit), anchor: "middle", size: 11)
            svg += categoryLabel(cx, margin.top + plotH + 16, bar.label, width: slot)
        }
        svg += axes(plotW: plotW, plotH: plotH)
        return svg + "</svg>\n"
    }

    // MARK: percentile curves

    /// Latency (log scale) against percentile on a "nines" scale (50, 90, 99, 99.9, …), where the tail
    /// gets room in proportion to how rare it is: x = log10(100 / (100 − p)).
    static func percentileCurves(title: String, series: [LineSeries]) -> String {
        let plotW = width - margin.left - margin.right - legendWidth(series.map(\.name)),
            plotH = height - margin.top - margin.bottom
        let xs = series.flatMap { $0.points.map(\.x) }.filter { $0 < 100 }
        let ys = series.flatMap { $0.points.map(\.y) }.filter { $0 > 0 }
        var svg = open(title: title)
        guard let xMaxP = xs.max(), let yMin = ys.min(), let yMax = ys.max() else {
            return svg + text(width / 2, height / 2, "no latency percentiles in these runs", anchor: "middle", size: 13)
                + "</svg>\n"
        }
        func nines(_ p: Double) -> Double { log10(100 / (100 - min(p, 99.9999))) }
        let xLo = 0.0, xHi = max(nines(xMaxP), 1)
        let decadeLo = floor(log10(yMin)), decadeHi = max(ceil(log10(yMax)), decadeLo + 1)
        func px(_ p: Double) -> Double { margin.left + plotW * (nines(p) - xLo) / (xHi - xLo) }
        func py(_ ns: Double) -> Double { margin.top + plotH * (1 - (log10(ns) - decadeLo) / (decadeHi - decadeLo)) }
        for d in stride(from: decadeLo, through: decadeHi, by: 1) {
            let y = py(pow(10, d))
            svg += line(margin.left, y, margin.left + plotW, y, stroke: "#e3e3e3")
            svg += text(margin.left - 6, y + 4, CompareFormat.value(pow(10, d), .nanoseconds), anchor: "end", size: 11)
        }
        for p in [50, 90, 99, 99.9, 99.99, 99.999] where nines(p) <= xHi + 1e-9 {
            let x = px(p)
            svg += line(x, margin.top, x, margin.top + plotH, stroke: "#e3e3e3")
            svg += text(
                x, margin.top + plotH + 16, String(format: p == p.rounded() ? "%.0f" : "%g", p), anchor: "middle",
                size: 11)
        }
        svg += text(
            margin.left + plotW / 2, margin.top + plotH + 34, "percentile (log scale of 1 / (1 − p))", anchor: "middle",
            size: 11)
        for s in series where !s.points.isEmpty {
            let pts = s.points.filter { $0.y > 0 && $0.x < 100 }.map { "\(f(px($0.x))),\(f(py($0.y)))" }.joined(
                separator: " ")
            svg +=
                "<polyline points=\"\(pts)\" fill=\"none\" stroke=\"\(s.color)\" stroke-width=\"2\"><title>\(escape(s.name))</title></polyline>\n"
            for p in s.points where p.y > 0 && p.x < 100 {
                svg +=
                    "<circle cx=\"\(f(px(p.x)))\" cy=\"\(f(py(p.y)))\" r=\"2.5\" fill=\"\(s.color)\"><title>\(escape(s.name)) p\(String(format: "%g", p.x)): \(escape(CompareFormat.value(p.y, .nanoseconds)))</title></circle>\n"
            }
        }
        svg += legend(x: margin.left + plotW + 12, y: margin.top, entries: series.map { ($0.name, $0.color) })
        svg += axes(plotW: plotW, plotH: plotH)
        return svg + "</svg>\n"
    }

    // MARK: stacked bars

    static func stackedBars(title: String, categories: [(label: String, segments: [StackSegment])], unit: MetricUnit)
        -> String
    {
        let names = categories.flatMap { $0.segments.map(\.name) }
        let plotW = width - margin.left - margin.right - legendWidth(names), plotH = height - margin.top - margin.bottom
        let top = niceCeiling(categories.map { $0.segments.reduce(0) { $0 + max($1.value, 0) } }.max() ?? 1, unit: unit)
        var svg = open(title: title)
        for t in linearTicks(upTo: top) {
            let y = margin.top + plotH * (1 - t / top)
            svg += line(margin.left, y, margin.left + plotW, y, stroke: "#e3e3e3")
            svg += text(margin.left - 6, y + 4, tickLabel(t, top: top, unit), anchor: "end", size: 11)
        }
        let slot = plotW / Double(max(categories.count, 1))
        let barW = min(slot * 0.6, 80)
        var legendEntries: [(String, String)] = []
        for (i, category) in categories.enumerated() {
            let cx = margin.left + slot * (Double(i) + 0.5)
            var base = margin.top + plotH
            for s in category.segments {
                if !legendEntries.contains(where: { $0.0 == s.name }) { legendEntries.append((s.name, s.color)) }
                let h = plotH * max(s.value, 0) / top
                guard h > 0 else { continue }
                base -= h
                svg +=
                    "<rect x=\"\(f(cx - barW / 2))\" y=\"\(f(base))\" width=\"\(f(barW))\" height=\"\(f(h))\" fill=\"\(s.color)\"><title>\(escape(category.label)): \(escape(s.name)) \(escape(CompareFormat.value(s.value, unit)))</title></rect>\n"
            }
            svg += categoryLabel(cx, margin.top + plotH + 16, category.label, width: slot)
        }
        svg += legend(x: margin.left + plotW + 12, y: margin.top, entries: legendEntries)
        svg += axes(plotW: plotW, plotH: plotH)
        return svg + "</svg>\n"
    }

    // MARK: pieces

    static func open(title: String) -> String {
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(f(width)) \(f(height))\" width=\"\(f(width))\" height=\"\(f(height))\" role=\"img\" aria-label=\"\(escape(title))\">\n"
            + "<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>\n"
            + text(margin.left, 20, title, anchor: "start", size: 14, weight: "600")
    }

    static func axes(plotW: Double, plotH: Double) -> String {
        line(margin.left, margin.top, margin.left, margin.top + plotH, stroke: "#444")
            + line(margin.left, margin.top + plotH, margin.left + plotW, margin.top + plotH, stroke: "#444")
    }

    /// Room for a legend right of the plot: its longest name at about 6.5 px a character (11 px type).
    static func legendWidth(_ names: [String]) -> Double {
        min(max(Double(names.map(\.count).max() ?? 0) * 6.5 + 30, 90), 240)
    }

    static func legend(x: Double, y: Double, entries: [(String, String)]) -> String {
        var svg = ""
        for (i, entry) in entries.enumerated() {
            let yy = y + Double(i) * 18
            svg += "<rect x=\"\(f(x))\" y=\"\(f(yy))\" width=\"12\" height=\"12\" fill=\"\(entry.1)\"/>\n"
            svg += text(x + 17, yy + 10, entry.0, anchor: "start", size: 11)
        }
        return svg
    }

    /// A category name under its bar, broken at spaces into lines that fit the slot.
    static func categoryLabel(_ x: Double, _ y: Double, _ label: String, width: Double) -> String {
        let maxChars = max(Int(width / 6.5), 6)
        var lines: [String] = []
        for word in label.split(separator: " ").map(String.init) {
            if let last = lines.last, last.count + 1 + word.count <= maxChars {
                lines[lines.count - 1] = last + " " + word
            } else {
                lines.append(word)
            }
        }
        return lines.prefix(3).enumerated().map { i, l in text(x, y + Double(i) * 13, l, anchor: "middle", size: 11) }
            .joined()
    }

    static func line(_ x1: Double, _ y1: Double, _ x2: Double, _ y2: Double, stroke: String, width: Double = 1)
        -> String
    {
        "<line x1=\"\(f(x1))\" y1=\"\(f(y1))\" x2=\"\(f(x2))\" y2=\"\(f(y2))\" stroke=\"\(stroke)\" stroke-width=\"\(f(width))\"/>\n"
    }

    static func text(_ x: Double, _ y: Double, _ s: String, anchor: String, size: Int, weight: String = "400") -> String
    {
        "<text x=\"\(f(x))\" y=\"\(f(y))\" text-anchor=\"\(anchor)\" font-size=\"\(size)\" font-weight=\"\(weight)\" fill=\"#222\">\(escape(s))</text>\n"
    }

    /// 1, 2, 2.5 or 5 times a power of ten, at least `value`; for bytes, in the binary unit the value is shown
    /// in (so a bandwidth axis reads 0, 1, 2 … GiB/s rather than 0.93, 1.86 …).
    static func niceCeiling(_ value: Double, unit: MetricUnit = .count) -> Double {
        guard value.isFinite, value > 0 else { return 1 }
        if unit == .bytesPerSecond {
            var scale = 1.0
            while value / scale >= 1024 { scale *= 1024 }
            return niceCeiling(value / scale) * scale
        }
        let power = pow(10, floor(log10(value)))
        for m in [1.0, 2, 2.5, 5, 10] where m * power >= value { return m * power }
        return 10 * power
    }

    /// An axis label in the unit of the axis's top, so the ticks read 0, 0.4, 0.8 … GiB/s.
    static func tickLabel(_ v: Double, top: Double, _ unit: MetricUnit) -> String {
        if v == 0 { return "0" }
        let scaled: (Double, String)?
        switch unit {
        case .iops, .count: scaled = top >= 1e6 ? (1e6, "M") : top >= 1e3 ? (1e3, "k") : nil
        default: scaled = CompareFormat.sharedScale(top, unit)
        }
        guard let (scale, name) = scaled else { return CompareFormat.value(v, unit) }
        var number = String(format: "%.2f", v / scale)
        while number.hasSuffix("0") { number.removeLast() }
        if number.hasSuffix(".") { number.removeLast() }
        return number + name
    }

    static func linearTicks(upTo top: Double) -> [Double] { (0...5).map { top * Double($0) / 5 } }

    static func f(_ v: Double) -> String { String(format: "%.1f", v) }

    static func escape(_ s: String) -> String {
        var out = ""
        for c in s {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(c)
            }
        }
        return out
    }
}
