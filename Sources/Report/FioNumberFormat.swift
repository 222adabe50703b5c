import Foundation

/// fio's number display rules (its `num2str`): at most `maxLength` digits, divided by 1000 or
/// 1024 with a unit prefix until they fit, the remainder shown as decimals when there is room.
/// Examples with 4 digits: 19611 IOPS → "19.6k"; 80303070 B/s → "76.6MiB/s" (pow2) or "80.3MB/s".
enum FioNumberFormat {
    enum Unit: String {
        case none = "", byte = "B", bytePerSecond = "B/s"
    }

    static func string(_ value: UInt64, maxLength: Int = 4, pow2: Bool, unit: Unit) -> String {
        let prefixes = pow2 ? ["", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"] : ["", "k", "M", "G", "T", "P", "E"]
        let thousand: UInt64 = pow2 ? 1024 : 1000
        var num = value
        var index = 0
        var modulo: UInt64?
        var carry = false
        while index < prefixes.count, String(num).count > maxLength {
            let m = num % thousand
            modulo = m
            num /= thousand
            carry = m >= thousand / 2
            index += 1
        }
        if index >= prefixes.count { index = 0 }
        guard let mod = modulo else { return "\(num)\(prefixes[index])\(unit.rawValue)" }
        let room = maxLength - String(num).count
        if room <= 1 {
            if carry { num += 1 }
            return "\(num)\(prefixes[index])\(unit.rawValue)"
        }
        let fraction = String(format: "%.*f", room - 1, Double(mod) / Double(thousand))
        // "0.58" → ".58"; a fraction that rounded up to "1.0" carries into the integer part.
        if fraction.hasPrefix("1") { num += 1 }
        let decimals = fraction.dropFirst(2)
        return "\(num).\(decimals)\(prefixes[index])\(unit.rawValue)"
    }

    /// A latency's min/max in `display_lat`: 6 digits, decimal prefixes ("6414.7k").
    static func latency(_ value: UInt64) -> String { string(value, maxLength: 6, pow2: false, unit: .none) }
}

/// printf-style formatting, as fio writes its reports (normal and terse).
func f(_ format: String, _ args: CVarArg...) -> String { String(format: format, arguments: args) }
