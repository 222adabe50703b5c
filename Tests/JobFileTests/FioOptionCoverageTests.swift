// Every option and engine the installed fio 3.33 has is either implemented or refused with a reason, and every
// name diobench calls fio's really is fio's: what the refusals and docs/OPTIONS.md's count say stays true.

import Testing
import Engines
@testable import JobFile

@Suite(
    "fio 3.33's options and engines, one by one", .enabled("needs fio at /usr/bin/fio") { await FioReference.available }
)
struct FioOptionCoverageTests {
    /// Names from fio's option listings ("  name   : help" lines; sub-options are indented).
    static func optionNames(_ arguments: [String]) async throws -> Set<String> {
        let text = try await FioReference.run(arguments, environment: [:])
        return Set(
            text.split(separator: "\n").compactMap { line -> String? in
                let parts = line.split(separator: ":", maxSplits: 1)
                guard parts.count == 2 else { return nil }
                let name = parts[0].trimmingCharacters(in: .whitespaces)
                return name.isEmpty || name.contains(" ") ? nil : name
            })
    }

    static func fioEngines() async throws -> Set<String> {
        let text = try await FioReference.run(["--enghelp"], environment: [:])
        return Set(
            text.split(separator: "\n").dropFirst().map { $0.trimmingCharacters(in: .whitespaces) }.filter {
                !$0.isEmpty
            })
    }

    @Test("each fio option is implemented or refused with a reason, and no refused name is foreign to fio")
    func options() async throws {
        let fio = try await Self.optionNames(["--cmdhelp=all"])
        #expect(fio.count > 200, "fio --cmdhelp=all listed only \(fio.count) options")
        let implemented = Set(OptionTable.allNames)
        let unaccounted = fio.subtracting(implemented).subtracting(FioOnlyOptions.names)
        #expect(unaccounted.isEmpty, "fio options diobench calls unknown: \(unaccounted.sorted())")
        // Refused names may also be engine options (pvsync2's nowait, io_uring's cmdprio).
        var engineOptions = Set<String>()
        for engine in try await Self.fioEngines() {
            engineOptions.formUnion(try await Self.optionNames(["--enghelp=\(engine)"]))
        }
        #expect(engineOptions.contains("userspace_reap"), "no libaio options among \(engineOptions.sorted())")
        let foreign = FioOnlyOptions.names.subtracting(fio).subtracting(engineOptions)
        #expect(foreign.isEmpty, "refused as fio's but fio 3.33 lacks them: \(foreign.sorted())")
        let both = FioOnlyOptions.names.intersection(implemented)
        #expect(both.isEmpty, "implemented and refused at once: \(both.sorted())")
    }

    @Test("each fio engine is in the catalog or refused with a reason")
    func engines() async throws {
        let fio = try await Self.fioEngines()
        #expect(fio.contains("psync") && fio.contains("libaio"), "fio --enghelp: \(fio.sorted())")
        let ours = Set(EngineCatalog.all.map(\.kind.rawValue))
        let unaccounted = fio.subtracting(ours).subtracting(FioOnlyEngines.reasons.keys)
        #expect(unaccounted.isEmpty, "fio engines diobench calls unknown: \(unaccounted.sorted())")
        let both = ours.intersection(FioOnlyEngines.reasons.keys)
        #expect(both.isEmpty, "run and refused at once: \(both.sorted())")
    }

    @Test("fio's profile options (threads=1 in fio's steadystate example) parse, do nothing, and say so")
    func profileOptions() throws {
        for (name, profile) in FioProfileOptions.names {
            let parsed = try JobFileParser(environment: [:]).parse(
                text: "[j]\nioengine=null\nsize=1m\n\(name)=1\n", fileName: "p.fio")
            let job = try #require(parsed.jobs.first)
            var plain = try #require(
                try JobFileParser(environment: [:]).parse(text: "[j]\nioengine=null\nsize=1m\n", fileName: "p.fio")
                    .jobs.first)
            plain.writtenOptions = job.writtenOptions
            plain.explicitOptions = job.explicitOptions
            #expect(plain == job, "\(name) changed the job")
            #expect(
                parsed.warnings.contains { $0.option == name && $0.message.contains("fio's \(profile) profile") },
                "\(name): \(parsed.warnings)")
        }
    }
}
