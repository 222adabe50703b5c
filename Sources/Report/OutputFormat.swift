import Foundation

/// fio's `--output-format` values.
public enum OutputFormat: String, Sendable, CaseIterable, Equatable {
    case normal
    case json
    case jsonPlus = "json+"
    case terse

    /// Parses a comma list as fio accepts it ("normal,json", "json+"). Order and repeats do not
    /// matter: the output order is fixed (see `ReportRenderer.render`).
    public static func parseList(_ text: String) throws -> [OutputFormat] {
        let names = text.split(separator: ",", omittingEmptySubsequences: false).map {
            String($0).trimmingCharacters(in: .whitespaces)
        }
        var formats: [OutputFormat] = []
        for name in names {
            guard let f = OutputFormat(rawValue: name.lowercased()) else {
                throw OutputFormatError(value: name, list: text)
            }
            if !formats.contains(f) { formats.append(f) }
        }
        return formats
    }
}

public struct OutputFormatError: Error, CustomStringConvertible, Equatable {
    public var value: String
    public var list: String
    public var description: String {
        let valid = OutputFormat.allCases.map(\.rawValue).joined(separator: ", ")
        let shown = value.isEmpty ? "an empty name" : "'\(value)'"
        return
            "--output-format=\(list): \(shown) is not an output format; valid: \(valid) (comma-separated for several)"
    }
}
