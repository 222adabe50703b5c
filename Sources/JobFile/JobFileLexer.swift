// Turns job-file text into statements: section headers, options and includes. Knows nothing of what options mean.

/// One meaningful line of a job file.
enum Statement: Equatable {
    case section(String)
    /// `name=value`, or `name` alone (value nil).
    case option(name: String, value: String?)
    case include(String)
}

struct LexedLine: Equatable {
    var statement: Statement
    var location: JobFileLocation
}

enum JobFileLexer {
    // Lines, comments, `[`, `]` and `=` are matched as Unicode scalars, as fio matches bytes: Swift's
    // Characters would join a combining mark to the `=` or `]` before it and hide that character.
    static func lex(_ text: String, file: String) throws(JobFileError) -> [LexedLine] {
        var out: [LexedLine] = []
        var number = 0
        for raw in text.unicodeScalars.split(separator: "\n", omittingEmptySubsequences: false) {
            number += 1
            let location = JobFileLocation(file: file, line: number)
            var line = String(Substring(raw))
            if number == 1, line.unicodeScalars.first == "\u{FEFF}" { line.unicodeScalars.removeFirst() }
            line = stripComment(line).trimmingWhitespace()  // a "\r" before the "\n" goes with the trimming
            if line.isEmpty { continue }
            out.append(LexedLine(statement: try statement(line, at: location), location: location))
        }
        return out
    }

    /// Drops a comment: `;` or `#` at the start of a line, or later on it outside double quotes
    /// (fio cuts at the first one anywhere; quotes here keep `verify_pattern="a;b"` intact).
    static func stripComment(_ line: String) -> String {
        var inQuotes = false
        let scalars = line.unicodeScalars
        for index in scalars.indices {
            let c = scalars[index]
            if c == "\"" { inQuotes.toggle() }
            if !inQuotes, c == ";" || c == "#" { return String(Substring(scalars[..<index])) }
        }
        return line
    }

    private static func statement(_ line: String, at location: JobFileLocation) throws(JobFileError) -> Statement {
        let scalars = line.unicodeScalars
        if scalars.first == "[" {
            guard scalars.last == "]", scalars.count >= 2 else {
                throw JobFileError(
                    kind: .syntax, location: location, message: "section header '\(line)' has no closing ']'",
                    valid: "expected [name]")
            }
            let name = String(Substring(scalars.dropFirst().dropLast())).trimmingWhitespace()
            guard !name.isEmpty else {
                throw JobFileError(
                    kind: .syntax, location: location, message: "empty section name '[]'",
                    valid: "expected [global] or [job name]")
            }
            return .section(name)
        }
        if let path = includePath(line) {
            guard !path.isEmpty else {
                throw JobFileError(
                    kind: .syntax, location: location, message: "include without a file name",
                    valid: "expected include FILE")
            }
            return .include(path)
        }
        guard let eq = scalars.firstIndex(of: "=") else { return .option(name: line, value: nil) }
        let name = String(Substring(scalars[..<eq])).trimmingWhitespace()
        guard !name.isEmpty else {
            throw JobFileError(
                kind: .syntax, location: location, message: "'\(line)' has a value but no option name",
                valid: "expected name=value")
        }
        return .option(name: name, value: String(Substring(scalars[scalars.index(after: eq)...])).trimmingWhitespace())
    }

    /// `include FILE` (fio also reads `include=FILE` that way).
    private static func includePath(_ line: String) -> String? {
        let scalars = line.unicodeScalars
        guard scalars.starts(with: "include".unicodeScalars) else { return nil }
        let rest = scalars.dropFirst("include".unicodeScalars.count)
        guard let first = rest.first, first == " " || first == "\t" || first == "=" else { return nil }
        return String(Substring(rest.dropFirst())).trimmingWhitespace()
    }
}
