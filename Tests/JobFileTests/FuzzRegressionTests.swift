// Inputs the job-file fuzzer (Sources/JobFileFuzz, .ci/fuzz) found to crash or hang the parser, kept so
// they never come back. Each must end quickly with the value or the clear error below.

import Foundation
import Testing
@testable import JobFile

@Suite("Fuzzer findings")
struct FuzzRegressionTests {
    /// Parses `text`, timing it: every input here once took seconds to forever.
    func timed<T>(_ body: () throws -> T) rethrows -> (T, Duration) {
        let clock = ContinuousClock()
        let start = clock.now
        let value = try body()
        return (value, clock.now - start)
    }

    /// Found by .ci/fuzz (timeout after 10 s): `0^8001000000000` multiplied 0 by itself eight trillion times.
    @Test func hugeExponentOfZeroIsInstant() throws {
        let (spec, elapsed) = try timed { try job("[j]\nbs=4k\nsize=((4k + 0^8001000000000))\n") }
        #expect(spec.size == 4096)
        #expect(elapsed < .seconds(1), "took \(elapsed)")
    }

    @Test(arguments: [
        ("((1^9223372036854775807 * 8k))", UInt64(8192)),
        ("((-1^9223372036854775806 * 4k))", UInt64(4096)),
        ("((2^62))", UInt64(1) << 62),
        ("((3^39))", UInt64(4_052_555_153_018_976_267)),
        ("((2^3^2 * 1k))", UInt64(512 * 1024)),  // right-associative: 2^9
    ])
    func powersAreExactAndFast(_ expression: String, _ expected: UInt64) throws {
        let (spec, elapsed) = try timed { try job("[j]\nbs=512\nsize=\(expression)\n") }
        #expect(spec.size == expected)
        #expect(elapsed < .seconds(1), "\(expression) took \(elapsed)")
    }

    @Test(arguments: ["((2^63))", "((3^40))", "((7^9223372036854775807))", "((-3^9223372036854775807))"])
    func powersThatOverflowSaySo(_ expression: String) throws {
        let (error, elapsed) = timed { parseError("[j]\nsize=\(expression)\n") }
        let message = try #require(error).description
        #expect(message.contains("test.fio:2"), "\(message)")
        #expect(message.contains("option 'size'"), "\(message)")
        #expect(message.contains("expression overflows 64 bits"), "\(message)")
        #expect(elapsed < .seconds(1), "\(expression) took \(elapsed)")
    }

    /// Found by .ci/fuzz: `$${EMPTY}{X}` expands to `${X}`, which fio keeps as written but a resolved job,
    /// written back (--parse-only, saved runs), would lose on its next reading. Refused, with the reason.
    @Test(arguments: ["filename=a$${EMPTY}{X}b", "description=${NESTED}"])
    func aVariableLeftByExpansionIsRefused(_ line: String) throws {
        let error = try #require(parseError("[j]\n\(line)\n", environment: ["EMPTY": "", "NESTED": "${HOME}"]))
        #expect(error.kind == .badValue)
        #expect(error.description.contains("test.fio:2"), "\(error)")
        #expect(error.description.contains("after expanding variables the value holds '${"), "\(error)")
    }

    /// Found by .ci/fuzz: the quote that kept `;` in the value was inside `${…}` and went with it.
    @Test(arguments: [
        ("description=a${\"X}b;c", "a ';' or '#' outside double quotes"),
        ("description=${SEMI}", "a ';' or '#' outside double quotes"),
        ("description=${LINES}", "a line break"),
    ])
    func aValueThatWouldReadBackDifferentlyIsRefused(_ line: String, _ reason: String) throws {
        let error = try #require(parseError("[j]\n\(line)\n", environment: ["SEMI": "a;b", "LINES": "a\nb"]))
        #expect(error.description.contains("test.fio:2: option 'description': after expanding variables"), "\(error)")
        #expect(error.description.contains(reason), "\(error)")
        // Quoted, the `;` stays, as it does when written in the file.
        #expect(try job("[j]\ndescription=${QUOTED}\n", environment: ["QUOTED": "\"a;b\""]).description == "\"a;b\"")
        // Spaces a variable brings to the ends are trimmed, as a line's are.
        #expect(try job("[j]\ndescription=${PADDED}\n", environment: ["PADDED": " a b "]).description == "a b")
    }

    @Test func aCommentCharacterOnTheCommandLineIsRefused() throws {
        let error = try #require(throws: JobFileError.self) {
            try JobFileParser().parse(
                paths: [],
                commandLine: [
                    CommandLineJobOption(name: "name", value: "j"),
                    CommandLineJobOption(name: "description", value: "run 1; qd32"),
                ])
        }
        #expect(error.description.contains("the value holds a ';' or '#' outside double quotes"), "\(error)")
    }

    /// From a second read: `name=global` would be written back as `[global]`, the section of defaults.
    @Test func aJobCannotBeNamedGlobal() throws {
        let error = try #require(parseError("[j]\nname=global\n"))
        #expect(error.description.contains("test.fio:2: option 'name': a job can't be named 'global'"), "\(error)")
    }

    /// `--name` is not expanded (fio does not expand its command line) and, as a header, never needs to be.
    @Test func aNameFromTheCommandLineIsTakenAsWritten() throws {
        let parsed = try JobFileParser().parse(
            paths: [],
            commandLine: [
                CommandLineJobOption(name: "name", value: "x${HOME}"), CommandLineJobOption(name: "size", value: "1m"),
            ])
        #expect(parsed.jobs.map(\.name) == ["x${HOME}"])
        #expect(try job(parsed.jobs[0].renderResolved()).name == "x${HOME}")
    }

    @Test func aVariableOnTheCommandLineIsRefused() throws {
        #expect(throws: JobFileError.self) {
            try JobFileParser().parse(
                paths: [],
                commandLine: [
                    CommandLineJobOption(name: "name", value: "j"),
                    CommandLineJobOption(name: "filename", value: "/tmp/${X}"),
                ])
        }
        // `${}` and an unclosed `${` are not variables, in a file or on the command line.
        let parsed = try JobFileParser().parse(
            paths: [],
            commandLine: [
                CommandLineJobOption(name: "name", value: "j"),
                CommandLineJobOption(name: "filename", value: "/tmp/${}:/tmp/${a"),
            ])
        #expect(parsed.jobs.first?.filenames == ["/tmp/${}", "/tmp/${a"])
    }

    /// Found by .ci/fuzz: a path with a space at one end, or with a quote (which let a `;` in), could not be
    /// written back unchanged; both are refused, naming the path.
    @Test(arguments: [
        ("filename=a: b", "' b' begins or ends with white space"),
        ("directory=/tmp :/var", "'/tmp ' begins or ends with white space"),
        ("filename=\"/mnt/my disk/f\"", "holds a double quote"),
        ("filename=a\"b;c", "holds a double quote"),
    ])
    func aPathWithEdgeSpacesOrQuotesIsRefused(_ line: String, _ reason: String) throws {
        let error = try #require(parseError("[j]\n\(line)\n"))
        #expect(error.description.contains("test.fio:2"), "\(error)")
        #expect(error.description.contains(reason), "\(error)")
    }

    /// The fuzzer's input itself (bytes that are not UTF-8 included, decoded as the fuzz target does).
    @Test func theFuzzersInputEndsWithAnError() throws {
        let base64 =
            "OyBmaW8ncyByZTBzZfcJbGwKW2tleXdvcmRzXQpydz1yZWFkCmJzPSRwYWdlc2l6ZQpzaXplPTAwXjAwMDAwMDAwMDAwMDAw"
            + "MDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwODAwMTAwMDAwMDAwMCswMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAw"
            + "MDAwMDAwMDAwMDAwMDAwMDAxNTc4OTUx/////////zk0MTk1NzI5NTIxNTR2ZXJpZnlfcGF0NTU1NTU1NTU1NTU1MTA6NjU1NTU1NSok"
            + "cGFnZT0qMgpudW1qb2JzPSMgZQ=="
        let bytes = try #require(Data(base64Encoded: base64))
        let text = String(decoding: bytes, as: UTF8.self)
        let (error, elapsed) = timed { parseError(text) }
        let message = try #require(error).description
        #expect(message.contains("test.fio:5"), "names the size line: \(message)")
        #expect(message.contains("option 'size'"), "\(message)")
        #expect(elapsed < .seconds(1), "took \(elapsed)")
    }
}
