// Every file in Malformed/ must fail to parse with the text its first line promises (`# expect: …`), which
// includes the file:line part. The CLI's tests run the same files and expect exit status 2.

import Foundation
import Testing
@testable import JobFile

@Suite("Malformed job files")
struct MalformedFilesTests {
    static let files: [URL] = {
        let urls =
            (try? FileManager.default.contentsOfDirectory(at: TestPaths.malformed, includingPropertiesForKeys: nil))
            ?? []
        return urls.filter { $0.pathExtension == "fio" }.sorted { $0.lastPathComponent < $1.lastPathComponent }
    }()

    @Test("there are at least 30, each numbered and self-describing")
    func inventory() throws {
        #expect(Self.files.count >= 30)
        let numbers = Self.files.map { String($0.lastPathComponent.prefix(3)) }
        #expect(Set(numbers).count == numbers.count, "NN- prefixes are unique")
        for file in Self.files {
            let expectation = try Self.expectation(in: file)
            #expect(
                expectation.contains("\(file.lastPathComponent.prefix(3))")
                    && expectation.range(of: #"\.(fio|inc):\d+: "#, options: .regularExpression) != nil,
                "\(file.lastPathComponent): the expectation names a file:line")
        }
    }

    @Test("each fails with its expected message", arguments: files)
    func fails(file: URL) throws {
        let expected = try Self.expectation(in: file)
        do {
            let parsed = try JobFileParser(environment: [:]).parse(path: file.path)
            Issue.record("\(file.lastPathComponent) parsed into \(parsed.jobs.count) job(s); expected: \(expected)")
        } catch {
            #expect(error.description.contains(expected), "\(file.lastPathComponent): got \(error.description)")
            #expect(error.line > 0)
        }
    }

    static func expectation(in file: URL) throws -> String {
        let text = try String(contentsOf: file, encoding: .utf8)
        let first = text.split(separator: "\n", maxSplits: 1).first.map(String.init) ?? ""
        let prefix = "# expect: "
        try #require(first.hasPrefix(prefix), "\(file.lastPathComponent) starts with '# expect: '")
        return String(first.dropFirst(prefix.count))
    }
}
