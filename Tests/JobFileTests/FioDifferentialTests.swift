// Differential check against the installed fio: for the valid job files in Valid/, what fio resolves and what
// diobench resolves must agree on the key options.
//
// fio has no mode that prints every resolved option, so the test reads three fio outputs:
// - the normal output's job header ("name: (g=G): rw=R, bs=(R) min-max, (W) …, (T) …, ioengine=E, iodepth=D"),
//   which fio prints from its resolved options after applying globals, defaults and bs/bsrange/bssplit;
// - JSON output: one entry per numjobs clone, io_bytes (= size for plain sequential jobs), and the "job options"
//   and "global options" as fio recorded them;
// - `--debug=parse --parse-only`, whose "out=" lines give the parsed runtime in microseconds.
// Every file uses ioengine=null, so fio does no I/O and finishes at once.

import DiobenchTestSupport
import Foundation
import Testing
@testable import JobFile
import Vocabulary

enum FioReference {
    static let path = "/usr/bin/fio"
    static var available: Bool {
        get async {
            guard FileManager.default.isExecutableFile(atPath: path) else { return false }
            return (try? await run(["--version"], environment: [:]))?.hasPrefix("fio-") == true
        }
    }

    /// fio's stdout, then its stderr (each is read line by line); fio runs in a scratch directory so nothing
    /// lands in the tree, with `environment` and PATH as its whole environment.
    static func run(_ arguments: [String], environment: [String: String]) async throws -> String {
        let scratch = try TemporaryDirectory("jobfile-fio")
        let out = try await runProgram(
            path, arguments, directory: scratch.path,
            environment: environment.merging(["PATH": "/usr/bin:/bin"]) { a, _ in a },
            inheritEnvironment: false)
        return out.stdout + out.stderr
    }
}

/// What fio resolved for one job section.
struct FioJob {
    var group: Int
    var rw: String
    /// Smallest and largest block per direction (read, write, trim), from fio's rounded units.
    var blockSizes: [(min: Double, max: Double)]
    var ioengine: String
    var iodepth: Int
    var clones = 0
    var ioBytesPerClone: [UInt64] = []
    var jobOptions: [String: String] = [:]
    var runtimeUs: UInt64 = 0
}

@Suite("Differential against fio", .enabled("needs fio at /usr/bin/fio") { await FioReference.available })
struct FioDifferentialTests {
    static let environment = [
        "DIFF_SIZE": "2m", "DIFF_RW": "randwrite", "DIFF_BS": "16k", "DIFF_QD": "12",
        "DIFF_JOBS": "2", "DIFF_RUNTIME": "45",
    ]

    static let files: [URL] = {
        let urls =
            (try? FileManager.default.contentsOfDirectory(at: TestPaths.valid, includingPropertiesForKeys: nil)) ?? []
        return urls.filter { $0.pathExtension == "fio" }.sorted { $0.lastPathComponent < $1.lastPathComponent }
    }()

    @Test("there are job files to compare")
    func inventory() { #expect(Self.files.count >= 5) }

    @Test("bs, size, rw, iodepth, numjobs, runtime, group and ioengine agree with fio", arguments: files)
    func agree(file: URL) async throws {
        let fio = try await Self.fioResolution(of: file)
        let ours = try JobFileParser(environment: Self.environment, system: .current).parse(path: file.path)
        #expect(ours.jobs.map(\.name) == fio.order, "same jobs in the same order")
        for job in ours.jobs {
            let theirs = try #require(fio.jobs[job.name], "fio has job \(job.name)")
            let label = "\(file.lastPathComponent) [\(job.name)]"
            #expect(job.rw.rawValue == theirs.rw, "\(label) rw")
            #expect(job.iodepth == theirs.iodepth, "\(label) iodepth")
            #expect(job.ioengine.rawValue == theirs.ioengine, "\(label) ioengine")
            #expect(job.group == theirs.group, "\(label) group")
            #expect(job.numjobs == theirs.clones, "\(label) numjobs")
            #expect((job.runtimeNs ?? 0) / 1000 == theirs.runtimeUs, "\(label) runtime")
            for (index, direction) in IODirection.allCases.enumerated() {
                let (low, high) = Self.blockRange(job, direction)
                #expect(
                    Self.close(low, theirs.blockSizes[index].min) && Self.close(high, theirs.blockSizes[index].max),
                    "\(label) bs \(direction): ours \(low)-\(high), fio \(theirs.blockSizes[index])")
            }
            // A plain sequential, size-bound job moves exactly `size` bytes per clone.
            if (job.rw == .read || job.rw == .write), job.rwSequenceModifier == 0, let size = job.size,
                size % job.blockSize[job.rw == .read ? .read : .write] == 0
            {
                #expect(
                    theirs.ioBytesPerClone.allSatisfy { $0 == size },
                    "\(label) size \(size), fio moved \(theirs.ioBytesPerClone)")
            }
            #expect(job.writtenOptions.fioDictionary == theirs.jobOptions, "\(label) job options as written")
        }
        #expect(ours.globalOptions.fioDictionary == fio.globalOptions, "\(file.lastPathComponent) global options")
    }

    // MARK: reading fio

    struct Resolution {
        var jobs: [String: FioJob] = [:]
        var order: [String] = []
        var globalOptions: [String: String] = [:]
    }

    static func fioResolution(of file: URL) async throws -> Resolution {
        var result = Resolution()
        // 1. The normal output's header line per job.
        let normal = try await FioReference.run(["--output-format=normal", file.path], environment: environment)
        let header = try Regex(
            #"^(\S+): \(g=(\d+)\): rw=(\w+), bs=\(R\) (\S+)-(\S+), \(W\) (\S+)-(\S+), \(T\) (\S+)-(\S+), ioengine=(\S+), iodepth=(\d+)$"#
        )
        for line in normal.split(separator: "\n") {
            guard let m = try header.wholeMatch(in: String(line)) else { continue }
            let f = (1...11).map { String(m.output[$0].substring ?? "") }
            let sizes = try (0..<3).map { i in (min: try bytes(f[3 + 2 * i]), max: try bytes(f[4 + 2 * i])) }
            result.jobs[f[0]] = FioJob(
                group: Int(f[1])!, rw: f[2], blockSizes: sizes, ioengine: f[9], iodepth: Int(f[10])!)
            result.order.append(f[0])
        }
        try #require(!result.order.isEmpty, "fio printed job headers for \(file.lastPathComponent):\n\(normal)")

        // 2. JSON: clones, bytes moved, options as written.
        let json = try await FioReference.run(["--output-format=json", file.path], environment: environment)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        result.globalOptions = object["global options"] as? [String: String] ?? [:]
        for entry in object["jobs"] as? [[String: Any]] ?? [] {
            guard let name = entry["jobname"] as? String else { continue }
            let read = (entry["read"] as? [String: Any])?["io_bytes"] as? NSNumber
            let write = (entry["write"] as? [String: Any])?["io_bytes"] as? NSNumber
            result.jobs[name]?.clones += 1
            result.jobs[name]?.ioBytesPerClone.append((read?.uint64Value ?? 0) + (write?.uint64Value ?? 0))
            // fio keeps the spaces after "name = " in the value; diobench trims them.
            result.jobs[name]?.jobOptions = (entry["job options"] as? [String: String] ?? [:]).mapValues {
                $0.trimmingWhitespace()
            }
        }

        // 3. Parsed runtime per section; a job without its own inherits the [global] value at that point.
        let trace = try await FioReference.run(["--debug=parse", "--parse-only", file.path], environment: environment)
        var section = "", global: UInt64 = 0, handling = ""
        var own: [String: UInt64] = [:], inherited: [String: UInt64] = [:]
        for line in trace.split(separator: "\n").map(String.init) {
            if let r = line.range(of: "Parsing section [") {
                section = String(line[r.upperBound...].dropLast())
                if section != "global" { inherited[section] = global }
            } else if let r = line.range(of: "__handle_option=") {
                handling = String(line[r.upperBound...].prefix { $0 != "," })
            } else if handling == "runtime", let r = line.range(of: "ret=0, out=") {
                let value = UInt64(line[r.upperBound...]) ?? 0
                if section == "global" { global = value } else { own[section] = value }
            }
        }
        for name in result.order { result.jobs[name]?.runtimeUs = own[name] ?? inherited[name] ?? 0 }
        return result
    }

    /// fio's num2str output: "4096B", "64.0KiB", "16.0kB", "128KiB", "1.00MiB".
    static func bytes(_ text: String) throws -> Double {
        let units: [(String, Double)] = [
            ("KiB", 1024), ("MiB", 1_048_576), ("GiB", 1_073_741_824), ("kB", 1000), ("MB", 1e6),
            ("GB", 1e9), ("B", 1),
        ]
        for (suffix, factor) in units where text.hasSuffix(suffix) {
            return try #require(Double(text.dropLast(suffix.count))) * factor
        }
        Issue.record("unknown fio size '\(text)'")
        return -1
    }

    /// fio rounds to a few significant figures.
    static func close(_ ours: UInt64, _ theirs: Double) -> Bool {
        abs(Double(ours) - theirs) <= max(0.005 * Double(ours), 0.5)
    }

    /// The block sizes a direction can see: bssplit over bsrange over bs, as fio decides them.
    static func blockRange(_ job: JobSpec, _ direction: IODirection) -> (UInt64, UInt64) {
        if let split = job.bssplit?[direction] { return (split.map(\.size).min()!, split.map(\.size).max()!) }
        if let range = job.blockSizeRange?[direction] { return (range.min, range.max) }
        return (job.blockSize[direction], job.blockSize[direction])
    }
}
