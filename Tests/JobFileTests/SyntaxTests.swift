// The INI dialect: sections, globals, comments, bare flags, whitespace, includes, variables and arithmetic.

import DiobenchTestSupport
import Foundation
import Testing
@testable import JobFile

@Suite("Job file syntax")
struct SyntaxTests {
    @Test("sections become jobs in order, with their header line")
    func sections() throws {
        let parsed = try parse("[a]\nrw=write\n\n[b]\nrw=randread\n")
        #expect(parsed.jobs.map(\.name) == ["a", "b"])
        #expect(parsed.jobs.map(\.rw) == [.write, .randread])
        #expect(parsed.jobs.map(\.sourceLine) == [1, 4])
        #expect(parsed.jobs[0].sourceFile == "test.fio")
    }

    @Test("a [global] applies to the jobs below it only; a later one does not change earlier jobs")
    func severalGlobals() throws {
        let parsed = try parse(
            """
            [global]
            bs=8k
            iodepth=4
            [a]
            [global]
            bs=16k
            [b]
            iodepth=2
            [c]
            """)
        #expect(parsed.jobs.map(\.blockSize.read) == [8192, 16384, 16384])
        #expect(parsed.jobs.map(\.iodepth) == [4, 2, 4])
        #expect(
            parsed.globalOptions
                == [
                    WrittenOption(name: "bs", value: "8k"), WrittenOption(name: "iodepth", value: "4"),
                    WrittenOption(name: "bs", value: "16k"),
                ].reduce(into: []) { list, o in
                    if let i = list.firstIndex(where: { $0.name == o.name }) { list[i] = o } else { list.append(o) }
                })
    }

    @Test("a job overrides a global option; the job's own options are its written options")
    func jobOverridesGlobal() throws {
        let parsed = try parse("[global]\nsize=1m\nrw=write\n[a]\nsize=2m\nblocksize=8k\n")
        let a = parsed.jobs[0]
        #expect(a.size == 2 << 20)
        #expect(a.rw == .write)
        #expect(a.writtenOptions == [WrittenOption(name: "size", value: "2m"), WrittenOption(name: "bs", value: "8k")])
        #expect(a.writtenOptions.fioDictionary == ["size": "2m", "bs": "8k"])
        #expect(parsed.globalOptions.fioDictionary == ["size": "1m", "rw": "write"])
        #expect(a.explicitOptions.isSuperset(of: ["size", "rw", "bs"]))
        #expect(!a.explicitOptions.contains("iodepth"))
    }

    @Test("; and # comments, whole-line and trailing, but not inside double quotes")
    func comments() throws {
        let j = try job(
            """
            ; a comment
            # another
            [j] ; header comment
              ; indented comment
            bs=8k ; trailing
            iodepth=2# trailing
            verify_pattern="a;b#c"
            """)
        #expect(j.blockSize.read == 8192)
        #expect(j.iodepth == 2)
        #expect(j.verify.pattern == Array("a;b#c".utf8))
    }

    @Test("a bool option written bare means =1, and spaces around = are fine")
    func bareFlagsAndWhitespace() throws {
        let j = try job(options: "direct", "time_based", "runtime = 5", "  bs\t=\t 16k  ", "group_reporting")
        #expect(j.direct && j.timeBased && j.groupReporting)
        #expect(j.runtimeNs == 5 * 1_000_000_000)
        #expect(j.blockSize.write == 16384)
        #expect(j.writtenOptions.first { $0.name == "direct" }?.value == nil)
        #expect(j.writtenOptions.fioDictionary["direct"] == nil, "fio's JSON leaves bare flags out")
    }

    @Test("CRLF line endings and a byte-order mark")
    func crlf() throws {
        let j = try job("\u{FEFF}[j]\r\nbs=8k\r\nrw=write\r\n")
        #expect(j.blockSize.read == 8192 && j.rw == .write)
    }

    @Test("${VAR} comes from the given environment; an undefined one expands to nothing, with a warning")
    func environmentVariables() throws {
        let parsed = try parse(
            "[j]\nsize=${SIZE}\nnumjobs=${N}\nfilename=/tmp/${UNSET}x\n",
            environment: ["SIZE": "64m", "N": "3"])
        let j = parsed.jobs[0]
        #expect(j.size == 64 << 20)
        #expect(j.numjobs == 3)
        #expect(j.filenames == ["/tmp/x"])
        #expect(
            j.writtenOptions.fioDictionary["size"] == "64m", "written options are recorded after expansion, as fio does"
        )
        #expect(parsed.warnings.contains { $0.message.contains("UNSET") && $0.location.line == 4 })
    }

    @Test("keywords $pagesize, $mb_memory and $ncpus, with arithmetic")
    func keywords() throws {
        let j = try job(
            options: "bs=$pagesize", "size=8*$mb_memory", "iodepth=($ncpus+1)", "numjobs=$ncpus/2",
            "iomem_align=$pagesize*2")
        #expect(j.blockSize.read == 4096)
        #expect(j.size == 8 * 2048, "as in fio, $mb_memory is a plain number: 8*$mb_memory bytes")
        #expect(j.iodepth == 5)
        #expect(j.numjobs == 2)
        #expect(j.iomemAlign == 8192)
        // Recorded the way fio's JSON shows them: keywords replaced and the arithmetic done.
        #expect(
            j.writtenOptions.fioDictionary == [
                "bs": "4096", "size": "16384", "iodepth": "5", "numjobs": "2",
                "iomem_align": "8192",
            ])
        #expect(
            try job(options: "filename=/tmp/cpus-$ncpus", "description=page $pagesize").filenames == ["/tmp/cpus-4"])
    }

    @Test("arithmetic in parentheses, with suffixes, precedence and power")
    func arithmetic() throws {
        let j = try job(
            options: "size=(3*4k)", "offset=(1m-4k)", "bs=(2^3*512)", "iodepth=(7%4+(10/3))",
            "ramp_time=(1500)", "runtime=(2s+500ms)")
        #expect(j.size == 12288)
        #expect(j.offset == 1048576 - 4096)
        #expect(j.blockSize.read == 4096)
        #expect(j.iodepth == 6)
        #expect(j.rampTimeNs == 1_500_000, "plain times in parentheses are microseconds (HOWTO)")
        #expect(j.runtimeNs == 2_500_000_000)
    }

    @Test("include FILE is read into the section, relative to the including file, nested")
    func includes() throws {
        let temporary = try TemporaryDirectory("jobfile")
        let dir = URL(fileURLWithPath: temporary.path, isDirectory: true)
        try FileManager.default.createDirectory(
            at: dir.appendingPathComponent("inc"), withIntermediateDirectories: true)
        try "thread\ngroup_reporting=1\n".write(
            to: dir.appendingPathComponent("inc/glob.fio"), atomically: true, encoding: .utf8)
        try "ioengine=io_uring\ninclude deeper.fio\n".write(
            to: dir.appendingPathComponent("inc/test.fio"), atomically: true, encoding: .utf8)
        try "iodepth=4\n".write(to: dir.appendingPathComponent("inc/deeper.fio"), atomically: true, encoding: .utf8)
        let main = dir.appendingPathComponent("main.fio")
        try "[global]\ninclude inc/glob.fio\n[t]\nrw=randread\ninclude inc/test.fio\nbs=8k\n[u]\n"
            .write(to: main, atomically: true, encoding: .utf8)
        let parsed = try JobFileParser(environment: [:], system: pinnedSystem).parse(path: main.path)
        let t = parsed.jobs[0], u = parsed.jobs[1]
        #expect(t.thread && t.groupReporting && u.thread)
        #expect(t.ioengine == .ioUring && t.iodepth == 4 && t.blockSize.read == 8192)
        #expect(u.ioengine == .psync && u.iodepth == 1, "settings included into a job section stay in that section")
        #expect(t.writtenOptions.map(\.name) == ["rw", "ioengine", "iodepth", "bs"])
        #expect(parsed.files.count == 4)
    }

    @Test("an error in an included file names that file and its line")
    func includeErrorLocation() throws {
        let temporary = try TemporaryDirectory("jobfile")
        let dir = URL(fileURLWithPath: temporary.path, isDirectory: true)
        try "iodepth=4\nbs=4q\n".write(to: dir.appendingPathComponent("part.fio"), atomically: true, encoding: .utf8)
        let main = dir.appendingPathComponent("main.fio")
        try "[j]\ninclude part.fio\n".write(to: main, atomically: true, encoding: .utf8)
        #expect(throws: JobFileError.self) { try JobFileParser(environment: [:]).parse(path: main.path) }
        do {
            _ = try JobFileParser(environment: [:]).parse(path: main.path)
        } catch {
            #expect(error.file.hasSuffix("part.fio") && error.line == 2 && error.option == "bs")
        }
    }

    @Test("include cycles are detected, at the include that closes the loop")
    func includeCycle() throws {
        let temporary = try TemporaryDirectory("jobfile")
        let dir = URL(fileURLWithPath: temporary.path, isDirectory: true)
        try "bs=4k\ninclude b.inc\n".write(to: dir.appendingPathComponent("a.inc"), atomically: true, encoding: .utf8)
        try "include a.inc\n".write(to: dir.appendingPathComponent("b.inc"), atomically: true, encoding: .utf8)
        let main = dir.appendingPathComponent("main.fio")
        try "[j]\ninclude a.inc\n".write(to: main, atomically: true, encoding: .utf8)
        do {
            _ = try JobFileParser(environment: [:]).parse(path: main.path)
            Issue.record("cycle not detected")
        } catch {
            #expect(error.kind == .include)
            #expect(error.file.hasSuffix("b.inc") && error.line == 1)
            #expect(error.description.contains("a.inc -> b.inc -> a.inc"))
        }
    }

    @Test("sections: selects jobs like --section; globals still apply; an unknown name is an error")
    func sectionSelection() throws {
        let text = "[global]\nbs=8k\n[light]\niodepth=1\n[heavy]\niodepth=32\n[other]\n"
        let parsed = try parse(text, sections: ["heavy"])
        #expect(parsed.jobs.map(\.name) == ["heavy"])
        #expect(parsed.jobs[0].blockSize.read == 8192 && parsed.jobs[0].group == 0)
        do {
            _ = try parse(text, sections: ["haevy"])
            Issue.record("unknown section accepted")
        } catch let error as JobFileError {
            #expect(error.kind == .unknownSection)
            #expect(error.suggestion == "heavy")
        }
    }

    @Test("a non-selected section is not parsed at all, as in fio")
    func skippedSectionNotParsed() throws {
        let parsed = try parse("[good]\n[bad]\nbs=${MISSING}\n", sections: ["good"])
        #expect(parsed.jobs.map(\.name) == ["good"])
    }

    @Test("several job files: globals don't cross files, and each later file starts a new group")
    func severalFiles() throws {
        let temporary = try TemporaryDirectory("jobfile")
        let dir = URL(fileURLWithPath: temporary.path, isDirectory: true)
        let f1 = dir.appendingPathComponent("one.fio"), f2 = dir.appendingPathComponent("two.fio")
        try "[global]\nbs=64k\n[a]\n[b]\n".write(to: f1, atomically: true, encoding: .utf8)
        try "[c]\n[d]\n".write(to: f2, atomically: true, encoding: .utf8)
        let parsed = try JobFileParser(environment: [:]).parse(paths: [f1.path, f2.path])
        #expect(parsed.jobs.map(\.blockSize.read) == [65536, 65536, 4096, 4096])
        #expect(parsed.jobs.map(\.group) == [0, 0, 1, 1])
        #expect(parsed.jobs.map(\.stonewall) == [false, false, true, false])
    }
}
