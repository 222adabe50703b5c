import DiobenchTestSupport
import Foundation
import Testing

/// Issue 15 item 5: the same job does the same things to its files under fio and diobench, not only the same
/// amount of I/O. Each case runs fio 3.33 and diobench under strace on identical job text, each in its own
/// directory, and compares per file: page-cache drops (posix_fadvise DONTNEED), fsync and fdatasync calls,
/// the flags files are opened with and the fadvise hints; and the syncs each tool counts in its JSON (the only
/// view of io_uring's syncs, which go through the ring). fio reopens its files for every loop where
/// diobench keeps them open, so the number of opens is not compared (README, differences).
@Suite(
    .enabled(if: fioAvailable, "fio is not installed (apt-get install fio)"),
    .enabled(if: straceAvailable, "strace is not installed (apt-get install strace)"))
struct FioEffectsTests {
    struct Case: CustomStringConvertible, Sendable {
        var name: String
        var options: String
        /// Run the job once untraced first, so the traced run finds its files laid out.
        var existing = false
        var description: String { name }
    }

    /// io_uring at depth 1 where syncs are counted: at a greater depth fio 3.33 may queue a due sync again
    /// before the first completes (it notes a sync on completion), which diobench does not copy.
    static func engine(_ name: String, syncs: Bool) -> String {
        switch name {
        case "io_uring": return "ioengine=io_uring\niodepth=\(syncs ? 1 : 4)"
        case "libaio": return "ioengine=libaio\niodepth=4"
        default: return "ioengine=\(name)"
        }
    }

    /// Syncs at the end of a pass or of the job: with a queueing engine fio 3.33's count there varies by one from
    /// run to run (README, differences), so those cases run with the synchronous engines only.
    static let perEngine: [Case] =
        ["psync", "sync", "io_uring", "libaio"].flatMap { name in
            [
                Case(
                    name: "\(name) buffered randread loops=3",
                    options: engine(name, syncs: false) + "\nrw=randread\nbs=4k\nsize=1m\nloops=3"),
                Case(
                    name: "\(name) O_DIRECT randread loops=2",
                    options: engine(name, syncs: false) + "\nrw=randread\nbs=4k\nsize=1m\nloops=2\ndirect=1"),
                Case(
                    name: "\(name) randwrite fsync=16",
                    options: engine(name, syncs: true) + "\nrw=randwrite\nbs=4k\nsize=1m\nfsync=16"),
                Case(
                    name: "\(name) write fdatasync=8",
                    options: engine(name, syncs: true) + "\nrw=write\nbs=4k\nsize=512k\nfdatasync=8"),
            ]
        }
        + ["psync", "sync"].flatMap { name in
            [
                Case(
                    name: "\(name) randwrite fsync=16 end_fsync",
                    options: engine(name, syncs: true) + "\nrw=randwrite\nbs=4k\nsize=1m\nfsync=16\nend_fsync=1"),
                Case(
                    name: "\(name) write fdatasync=8 loops=2",
                    options: engine(name, syncs: true) + "\nrw=write\nbs=4k\nsize=512k\nfdatasync=8\nloops=2"),
            ]
        }

    static let shapes: [Case] = [
        Case(name: "invalidate=0", options: "rw=read\nbs=4k\nsize=1m\nloops=2\ninvalidate=0"),
        Case(name: "existing file, buffered write", options: "rw=write\nbs=16k\nsize=1m", existing: true),
        Case(
            name: "existing file, O_DIRECT randread", options: "rw=randread\nbs=4k\nsize=1m\ndirect=1", existing: true),
        Case(name: "create_on_open", options: "rw=write\nbs=4k\nsize=1m\ncreate_on_open=1"),
        Case(name: "nrfiles=2 fsync=8 loops=2", options: "rw=write\nbs=4k\nsize=1m\nnrfiles=2\nfsync=8\nloops=2"),
        Case(name: "overwrite=1 end_fsync", options: "rw=randwrite\nbs=8k\nsize=1m\noverwrite=1\nend_fsync=1"),
        Case(name: "mixed reads at end_fsync", options: "rw=randrw\nbs=4k\nsize=1m\nend_fsync=1"),
        Case(name: "end_fsync loops=2", options: "rw=write\nbs=4k\nsize=256k\nnrfiles=2\nend_fsync=1\nloops=2"),
        Case(name: "fsync_on_close", options: "rw=write\nbs=4k\nsize=256k\nnrfiles=2\nfsync_on_close=1"),
        Case(
            name: "fsync_on_close loops=2",
            options: "rw=randwrite\nbs=4k\nsize=256k\nnrfiles=2\nfsync_on_close=1\nloops=2"),
        Case(
            name: "fsync_on_close, files done one by one",
            options: "rw=write\nbs=4k\nsize=384k\nnrfiles=3\nfsync_on_close=1\nfile_service_type=sequential\nloops=2"),
        Case(name: "fsync_on_close, reads only", options: "rw=read\nbs=4k\nsize=256k\nfsync_on_close=1"),
        Case(
            name: "null engine touches no file",
            options: "ioengine=null\nrw=randwrite\nbs=4k\nsize=1m\nfsync=4\nloops=2"),
    ]

    @Test(arguments: perEngine + shapes)
    func sameEffectsOnTheFiles(_ testCase: Case) async throws {
        let (fio, ours) = try await traceBoth(testCase.options, existing: testCase.existing)
        #expect(ours.effects == fio.effects, "fio: \(fio.effects)\ndiobench: \(ours.effects)")
        // fio's JSON counts fsyncs only under "sync"; diobench's counts fdatasyncs there too (README).
        if !testCase.options.contains("fdatasync") {
            #expect(ours.syncs == fio.syncs, "sync total_ios in the JSON")
        }
        if testCase.options.contains("ioengine=null") { #expect(fio.effects.isEmpty) }
    }

    /// time_based: both tools drop the cache once after the layout, once at the open, and then once per pass
    /// over the file for a buffered job (at every wrap); an O_DIRECT job drops it only the first two times.
    @Test(arguments: ["psync", "sync", "io_uring", "libaio"])
    func timeBasedDropsTheCacheEveryPass(_ engine: String) async throws {
        let job = Self.engine(engine, syncs: false) + "\nrw=randread\nbs=4k\nsize=256k\ntime_based\nruntime=1"
        for (tool, run) in zip(["fio", "diobench"], [try await traceBoth(job)].flatMap { [$0.fio, $0.ours] }) {
            let drops = try #require(run.effects["job.0.0"], "\(tool) left no trace of job.0.0").cacheDrops
            let passes = Int(run.readBytes / 262_144)
            #expect(passes >= 2, "\(tool): a second of reads covers the file more than once")
            #expect((passes + 1)...(passes + 3) ~= drops, "\(tool): \(drops) drops for \(passes) passes")
        }
        let direct = try await traceBoth(job + "\ndirect=1")
        #expect(direct.fio.effects["job.0.0"]?.cacheDrops == 2)
        #expect(direct.ours.effects["job.0.0"]?.cacheDrops == 2)
    }

    /// Sequential time_based: a buffered job drops at every wrap of its file; over several files fio reopens each
    /// file at its end instead, which drops the cache even for O_DIRECT.
    @Test(arguments: ["size=256k", "size=512k\nnrfiles=2\ndirect=1"])
    func sequentialTimeBasedDropsAtEveryWrap(_ shape: String) async throws {
        let (fio, ours) = try await traceBoth("rw=read\nbs=64k\ntime_based\nruntime=1\n" + shape)
        for (tool, run) in [("fio", fio), ("diobench", ours)] {
            #expect(run.effects.count == (shape.contains("nrfiles=2") ? 2 : 1), "\(tool): \(run.effects.keys)")
            for (file, effects) in run.effects {
                // Each file is 256 KiB, and the reads go round the files in turn.
                let passes = Int(run.readBytes / 262_144) / run.effects.count
                #expect(passes >= 2, "\(tool): a second of reads covers the files more than once")
                #expect(
                    (passes + 1)...(passes + 3) ~= effects.cacheDrops,
                    "\(tool) \(file): \(effects.cacheDrops) drops for \(passes) passes")
            }
        }
    }

    struct Traced {
        var effects: [String: FileEffects]
        /// Each jobs[] entry's sync.total_ios.
        var syncs: [Double]
        var readBytes: Double
    }

    /// Runs the job `[job]` with `options` under fio and under diobench, each in a directory of its own.
    private func traceBoth(_ options: String, existing: Bool = false) async throws -> (fio: Traced, ours: Traced) {
        let fioDir = try TemporaryDirectory("effects", under: TemporaryDirectory.memory),
            ourDir = try TemporaryDirectory("effects", under: TemporaryDirectory.memory)
        func job(_ dir: TemporaryDirectory) throws -> String {
            try dir.write("job.fio", "[job]\ndirectory=\(dir.path)\n\(options)\n")
        }
        let fioArguments = ["--output-format=json", try job(fioDir)]
        let ourArguments = ["run", "--output-format=json", try job(ourDir)]
        if existing {
            try #require(try await runProgram(fioPath, fioArguments).status == 0)
            try #require(try await diobench(ourArguments).status == 0)
        }
        let fio = try await runTraced(fioPath, fioArguments, filesUnder: fioDir.path)
        try #require(fio.output.status == 0, "fio failed: \(fio.output.stderr)")
        let ours = try await runTraced(diobenchBinary, ourArguments, filesUnder: ourDir.path)
        try #require(ours.output.status == 0, "diobench failed: \(ours.output.stderr)")
        return (try traced(fio.output, fio.effects), try traced(ours.output, ours.effects))
    }

    private func traced(_ output: ProcessOutput, _ effects: [String: FileEffects]) throws -> Traced {
        let jobs = try jsonObject(output.stdout).jobs
        // The job file itself is read, not a target. fio reopens its files for every loop where diobench keeps
        // them open: the number of opens is left out, their flags are compared.
        var files = effects.mapValues {
            var file = $0
            file.opens = 0
            return file
        }
        files["job.fio"] = nil
        return Traced(
            effects: files, syncs: jobs.map { $0.object("sync").number("total_ios") },
            readBytes: jobs.map { $0.object("read").number("io_bytes") }.reduce(0, +))
    }
}
