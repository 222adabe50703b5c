import Testing
@testable import JobFile

/// How fio-style job options are told apart from the rest of a command line.
@Suite struct CommandLineJobOptionTests {
    @Test("--opt=value, --opt value and bare flags are job options; own flags, files and anything after -- are not")
    func extract() {
        let (options, rest) = CommandLineJobOption.extract(
            from: [
                "run", "--name=a", "--bs", "8k", "--time_based", "--output-format=json", "job.fio", "--direct", "1",
                "--wait_for_previous", "other.fio", "--iodepth", "--save", "--no-such=1", "--", "--size=1m",
            ],
            reserved: ["output-format", "save"])
        #expect(
            options == [
                CommandLineJobOption(name: "name", value: "a"), CommandLineJobOption(name: "bs", value: "8k"),
                CommandLineJobOption(name: "time_based", value: nil), CommandLineJobOption(name: "direct", value: "1"),
                CommandLineJobOption(name: "wait_for_previous", value: nil),
                CommandLineJobOption(name: "iodepth", value: nil),
            ])
        #expect(
            rest == ["run", "--output-format=json", "job.fio", "other.fio", "--save", "--no-such=1", "--", "--size=1m"])
    }

    @Test("a combining mark after '=' does not hide it: the split is at the first '=' scalar, as in a job file")
    func splitAtTheEqualsScalar() {
        let (options, rest) = CommandLineJobOption.extract(from: ["--description=\u{0301}x"], reserved: [])
        #expect(options == [CommandLineJobOption(name: "description", value: "\u{0301}x")])
        #expect(rest.isEmpty)
    }

    @Test("options before the first --name are global; each --name starts a section and is one of its options")
    func sections() throws {
        let parsed = try JobFileParser().parse(
            paths: [],
            commandLine: [
                CommandLineJobOption(name: "size", value: "1m"), CommandLineJobOption(name: "name", value: "a"),
                CommandLineJobOption(name: "name", value: "b"), CommandLineJobOption(name: "bs", value: "8k"),
            ])
        #expect(parsed.jobs.map(\.name) == ["a", "b"])
        #expect(parsed.jobs.allSatisfy { $0.size == 1 << 20 })
        #expect(parsed.jobs.map { $0.writtenOptions.map(\.name) } == [["name"], ["name", "bs"]])
        #expect(parsed.files.isEmpty, "the command line is not a file to copy")
    }
}
