// Helpers shared by the JobFile tests: parse a snippet with pinned system values, and find the test folders.

import Foundation
import Testing
@testable import JobFile

/// Pinned `$pagesize`, `$mb_memory`, `$ncpus`, so keyword tests don't depend on the machine.
let pinnedSystem = SystemValues(pageSize: 4096, memoryMiB: 2048, onlineCPUs: 4)

func parse(
    _ text: String, file: String = "test.fio", environment: [String: String] = [:],
    sections: [String]? = nil
) throws -> ParsedJobFile {
    try JobFileParser(environment: environment, system: pinnedSystem).parse(
        text: text, fileName: file, sections: sections)
}

/// The only job of a snippet.
func job(_ text: String, environment: [String: String] = [:]) throws -> JobSpec {
    let parsed = try parse(text, environment: environment)
    try #require(parsed.jobs.count == 1)
    return parsed.jobs[0]
}

/// A one-job snippet's job from a list of option lines.
func job(options lines: String...) throws -> JobSpec {
    try job("[j]\n" + lines.joined(separator: "\n") + "\n")
}

/// The error a snippet must raise.
func parseError(
    _ text: String, file: String = "test.fio", environment: [String: String] = [:],
    sourceLocation: Testing.SourceLocation = #_sourceLocation
) -> JobFileError? {
    do {
        let parsed = try parse(text, file: file, environment: environment)
        Issue.record("expected an error, got \(parsed.jobs.count) job(s)", sourceLocation: sourceLocation)
        return nil
    } catch let error as JobFileError {
        return error
    } catch {
        Issue.record("unexpected error type \(error)", sourceLocation: sourceLocation)
        return nil
    }
}

/// Folders next to this file.
enum TestPaths {
    static let here = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    static let malformed = here.appendingPathComponent("Malformed")
    static let valid = here.appendingPathComponent("Valid")
    static let packageRoot = here.deletingLastPathComponent().deletingLastPathComponent()
}
