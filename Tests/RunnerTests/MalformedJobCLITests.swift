import DiobenchTestSupport
import Foundation
import Testing

/// Issue 2: every malformed job file stops the CLI with exit status 2 and a message naming file and line.
/// The files and their expected messages live with the parser's tests (Tests/JobFileTests/Malformed).
@Suite struct MalformedJobCLITests {
    static let folder = packageRoot + "/Tests/JobFileTests/Malformed"

    static var cases: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).filter { $0.hasSuffix(".fio") }.sorted()
    }

    @Test func thereAreAtLeast25() {
        #expect(Self.cases.count >= 25)
    }

    @Test(arguments: cases)
    func exitsWithStatusTwoAndFileLine(_ name: String) async throws {
        let path = Self.folder + "/" + name
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let expectLine = try #require(text.split(separator: "\n").first { $0.hasPrefix("# expect: ") })
        let expected = String(expectLine.dropFirst("# expect: ".count))
        // Run from the folder with a relative path, so the message's file name is the one the test expects.
        let out = try await diobench(["run", name], directory: Self.folder, timeout: 30)
        #expect(out.status == 2, "\(name): exit status \(out.status), stderr: \(out.stderr)")
        #expect(out.stderr.contains(expected), "\(name): stderr lacks '\(expected)': \(out.stderr)")
        #expect(out.stdout.isEmpty, "\(name): stdout should be empty, got \(out.stdout.prefix(200))")
    }

    @Test func usageErrorsAlsoExitWithTwo() async throws {
        let unknownFlag = try await diobench(["run", "--no-such-flag", "x.fio"])
        #expect(unknownFlag.status == 2)
        let badFormat = try await diobench(["run", "--output-format=xml", packageRoot + "/Jobs/quickstart.fio"])
        #expect(badFormat.status == 2)
        #expect(badFormat.stderr.contains("xml"))
        let missing = try await diobench(["run", "/nonexistent/job.fio"])
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("/nonexistent/job.fio"))
    }
}
