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
    static func lex(_ text: String, file: String) throws(JobFileError) -> [LexedLine] {
        var out: [LexedLine] = []
        var number = 0
        // "\r\n" is one Character in Swift, so both endings are matched explicitly.
        for raw in text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }) {
            number += 1
            let location = JobFileLocation(file: file, line: number)
            var line = String(raw)
            if number == 1, line.hasPrefix("\u{FEFF}") { line.removeFirst() }
            line = stripComment(line).trimmingWhitespace()
            if line.isEmpty { continue }
            out.append(LexedLine(statement: try statement(line, at: location), location: location))
        }
        return out
    }

    /// Drops a comment: `;` or `#` at the start of a line, or later on it outside double quotes
    /// (fio cuts at the first one anywhere; quotes here keep `verify_pattern="a;b"` intact).
    static func stripComment(_ line: String) -> String {
        var inQuotes = false
        var index = line.startIndex
        while index < line.endIndex {
            let c = line[index]
            if c == "\"" { inQuotes.toggle() }
            if !inQuotes, c == ";" || c == "#" { return String(line[..<index]) }
            index = line.index(after: index)
        }
        return line
    }

    private static func statement(_ line: String, at location: JobFileLocation) throws(JobFileError) -> Statement {
        if line.hasPrefix("[") {
            guard line.hasSuffix("]"), line.count >= 2 else {
                throw JobFileError(kind: .syntax, location: location, message: "section header '\(line)' has no closing ']'",
                                   valid: "expected [name]")
            }
            let name = String(line.dropFirst().dropLast()).trimmingWhitespace()
            guard !name.isEmpty else {
                throw JobFileError(kind: .syntax, location: location, message: "empty section name '[]'",
                                   valid: "expected [global] or [job name]")
            }
            return .section(name)
        }
        if let path = includePath(line) {
            guard !path.isEmpty else {
                throw JobFileError(kind: .syntax, location: location, message: "include without a file name",
                                   valid: "expected include FILE")
            }
            return .include(path)
        }
        guard let eq = line.firstIndex(of: "=") else { return .option(name: line, value: nil) }
        let name = String(line[..<eq]).trimmingWhitespace()
        guard !name.isEmpty else {
            throw JobFileError(kind: .syntax, location: location, message: "'\(line)' has a value but no option name",
                               valid: "expected name=value")
        }
        return .option(name: name, value: String(line[line.index(after: eq)...]).trimmingWhitespace())
    }

    /// `include FILE` (fio also reads `include=FILE` that way).
    private static func includePath(_ line: String) -> String? {
        guard line.hasPrefix("include") else { return nil }
        let rest = line.dropFirst("include".count)
        guard let first = rest.first, first == " " || first == "\t" || first == "=" else { return nil }
        return String(rest.dropFirst()).trimmingWhitespace()
    }
}
