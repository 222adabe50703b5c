// libFuzzer target for the job-file parser and validation (issue 8). Every input is parsed as a job
// file; a parse must either give jobs or throw a JobFileError with a message, never crash or hang.
// Each parsed job is rendered (`--parse-only`) and parsed again, which must give the same job.
//
// Built two ways:
//   .ci/fuzz: `-sanitize=fuzzer -D JOBFILE_FUZZER`: libFuzzer supplies `main` and calls the entry point.
//   `swift build`: a replayer, `JobFileFuzz FILE…` runs the same check on each file (to reproduce a crash).
import Foundation
import JobFile

/// Fixed inputs so that a crash reproduces: a small environment for `${VAR}`, fixed system keywords,
/// and a job-file name in a directory that does not exist, so relative includes find nothing.
let fuzzParser = JobFileParser(
    environment: ["FUZZ_SIZE": "1m", "FUZZ_DIR": "/tmp", "EMPTY": ""],
    system: SystemValues(pageSize: 4096, memoryMiB: 4096, onlineCPUs: 4))
let fuzzFileName = "/nonexistent-diobench-fuzz/job.fio"

/// One input through the parser and the render round trip; traps (with the reason) on a broken rule.
func checkJobFile(_ bytes: UnsafeRawBufferPointer) {
    let text = String(decoding: bytes, as: UTF8.self)
    let parsed: ParsedJobFile
    do {
        parsed = try fuzzParser.parse(text: text, fileName: fuzzFileName)
    } catch {
        // Every error must explain itself.
        precondition(!error.description.isEmpty, "a JobFileError without a message")
        return
    }
    for job in parsed.jobs {
        // A job that names another (wait_for) cannot be parsed alone.
        guard job.waitFor == nil else { continue }
        let rendered = job.renderResolved()
        let again: JobSpec
        do {
            guard let first = try fuzzParser.parse(text: rendered, fileName: fuzzFileName).jobs.first else {
                fatalError("rendering of job '\(job.name)' parses to no job:\n\(rendered)")
            }
            again = first
        } catch {
            fatalError("rendering of job '\(job.name)' does not parse: \(error)\n\(rendered)")
        }
        var normalized = again
        normalized.sourceLine = job.sourceLine
        normalized.writtenOptions = job.writtenOptions
        normalized.explicitOptions = job.explicitOptions
        normalized.group = job.group
        normalized.stonewall = job.stonewall
        if normalized != job {
            fatalError(
                "job '\(job.name)' changes when rendered and parsed again (\(differences(job, normalized))):\n\(rendered)"
            )
        }
    }
}

/// The fields that differ, as `name: first → second`, so a failure says what changed.
func differences(_ a: JobSpec, _ b: JobSpec) -> String {
    let left = Mirror(reflecting: a).children, right = Mirror(reflecting: b).children
    return zip(left, right).compactMap { l, r in
        let (x, y) = (String(reflecting: l.value), String(reflecting: r.value))
        return x == y ? nil : "\(l.label ?? "?"): \(x) → \(y)"
    }.joined(separator: "; ")
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    checkJobFile(UnsafeRawBufferPointer(start: data, count: data == nil ? 0 : size))
    return 0
}

/// libFuzzer's dictionary format: one quoted token per line. Option names and their choices come from
/// the option table, so the dictionary follows it; the rest is the dialect's syntax.
func fuzzDictionary() -> String {
    var tokens: [String] = [
        "[global]", "[job]", "include ", "${", "}", "${FUZZ_SIZE}", "${FUZZ_DIR}", "${EMPTY}", "${UNSET}",
        "$pagesize", "$mb_memory", "$ncpus", "((", "))", "0x", "k", "KiB", "m", "g", "t", "p", "%",
        "ms", "us", "s", "h", ":", ",", "/", "-", "=", ";", "#", "\"", "'", "\\", "\\:",
        "/dev/null", "/dev/zero", "/proc/self/", "/tmp/",
    ]
    for option in OptionTable.all {
        for name in [option.name] + option.aliases {
            tokens.append(name + "=")
            tokens.append(name)
        }
        for choice in option.choices { tokens.append(choice.value) }
    }
    var seen = Set<String>()
    return tokens.filter { seen.insert($0).inserted }.map { token in
        "\""
            + token.unicodeScalars.map { c -> String in
                switch c {
                case "\"": return "\\\""
                case "\\": return "\\\\"
                case "\n": return "\\x0A"
                default: return String(c)
                }
            }.joined() + "\""
    }.joined(separator: "\n") + "\n"
}
