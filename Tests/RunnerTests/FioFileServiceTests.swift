import DiobenchTestSupport
import Foundation
import Testing

/// Issue 15: file_service_type against fio 3.33. Both tools run the same job over three files under strace; the
/// order in which they touch (file, offset) must be the same for the deterministic kinds, and for `random` each
/// file must still be read whole, in order, with the same total.
@Suite(
    .enabled(if: fioAvailable, "fio is not installed (apt-get install fio)"),
    .enabled(if: straceAvailable, "strace is not installed (apt-get install strace)"))
struct FioFileServiceTests {
    /// Each pread64/pwrite64 as (file name, offset), in the order issued (one worker: one thread issues them).
    func accesses(
        _ tool: String, _ options: [String], shape: [String] = ["--nrfiles=3", "--size=192k"]
    ) async throws -> [(file: String, offset: Int)] {
        let dir = try TemporaryDirectory("runner", under: "/dev/shm")
        let arguments =
            (tool == fioPath ? [] : ["run"])
            + ["--name=s", "--directory=\(dir.path)", "--bs=4k", "--output=/dev/null"] + shape
            + options
        // Lay the files out first, so the traced run only reads or writes.
        let layout = try await runProgram(tool == fioPath ? fioPath : diobenchBinary, arguments, timeout: 120)
        try #require(layout.status == 0, "\(tool): \(layout.stderr)")
        let out = try await runProgram(
            "/usr/bin/strace",
            [
                "-f", "-qq", "-y", "-e", "trace=pread64,pwrite64", "-o", dir.file("trace"),
                tool == fioPath ? fioPath : diobenchBinary,
            ]
                + arguments,
            timeout: 120)
        try #require(out.status == 0, "\(tool): \(out.stderr)")
        let text = try String(contentsOfFile: dir.file("trace"), encoding: .utf8)
        let regex = try NSRegularExpression(
            pattern: #"p(?:read|write)64\(\d+<[^>]*/(s\.\d+\.\d+)>, .*, 4096, (\d+)\) = 4096"#)
        return regex.matches(in: text, range: NSRange(text.startIndex..., in: text)).map { match in
            (String(text[Range(match.range(at: 1), in: text)!]), Int(text[Range(match.range(at: 2), in: text)!])!)
        }
    }

    @Test(
        "roundrobin, sequential and :N switch files in fio's order",
        arguments: ["roundrobin", "roundrobin:5", "sequential", "sequential:3"], ["read", "write"])
    func sameOrderAsFio(_ service: String, _ rw: String) async throws {
        let options = ["--rw=\(rw)", "--file_service_type=\(service)"]
        let ours = try await accesses(diobenchBinary, options)
        let theirs = try await accesses(fioPath, options)
        #expect(ours.count == 48)
        #expect(ours.map { "\($0.file)@\($0.offset)" } == theirs.map { "\($0.file)@\($0.offset)" })
    }

    @Test("random picks files at random; a done file is left out until all are", arguments: ["random", "random:4"])
    func randomCoversEachFile(_ service: String) async throws {
        for tool in [diobenchBinary, fioPath] {
            let seen = try await accesses(tool, ["--rw=read", "--file_service_type=\(service)"])
            #expect(seen.count == 48, "\(tool)")
            let byFile = Dictionary(grouping: seen, by: \.file)
            #expect(byFile.count == 3, "\(tool)")
            for (file, hits) in byFile {
                #expect(hits.map(\.offset) == Array(stride(from: 0, to: 65536, by: 4096)), "\(tool) \(file)")
            }
            // Not round robin: some file is picked twice in a row somewhere (or for :4, runs of 4).
            let switches = zip(seen, seen.dropFirst()).filter { $0.file != $1.file }.count
            #expect(switches < 47, "\(tool)")
        }
    }

    @Test("randread with the random map: each file is done once all its blocks are read")
    func randomReadsWithSequentialService() async throws {
        for tool in [diobenchBinary, fioPath] {
            let seen = try await accesses(tool, ["--rw=randread", "--file_service_type=sequential"])
            #expect(seen.count == 48, "\(tool)")
            // One file after the other, each read whole.
            let files = seen.map(\.file)
            #expect(
                files == Array(repeating: "s.0.0", count: 16) + Array(repeating: "s.0.1", count: 16)
                    + Array(repeating: "s.0.2", count: 16), "\(tool)")
            #expect(Set(seen.prefix(16).map(\.offset)).count == 16, "\(tool)")
        }
    }

    /// fio's non-uniform kinds draw files from a distribution over nr_files << 10 ranges (with its hash, so the
    /// hot file is not file 0): the files' shares, largest first, must match fio's.
    @Test(
        "zipf, pareto and normal file choice skew like fio's",
        arguments: ["zipf:1.2", "pareto:0.3", "normal:20", "gauss"])
    func nonUniformSharesLikeFio(_ service: String) async throws {
        let shape = ["--nrfiles=4", "--size=256k", "--io_size=8m"]
        var shares: [[Double]] = []
        for tool in [diobenchBinary, fioPath] {
            let seen = try await accesses(tool, ["--rw=randread", "--file_service_type=\(service)"], shape: shape)
            #expect(seen.count == 2048, "\(tool)")
            let counts = Dictionary(grouping: seen, by: \.file).values.map { Double($0.count) / 2048 }
            shares.append((counts + Array(repeating: 0, count: 4 - counts.count)).sorted(by: >))
        }
        for (ours, theirs) in zip(shares[0], shares[1]) {
            #expect(abs(ours - theirs) < 0.08, "diobench \(shares[0]), fio \(shares[1])")
        }
    }
}
