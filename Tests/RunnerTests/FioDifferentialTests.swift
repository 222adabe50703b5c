import DiobenchTestSupport
import Foundation
import Testing

/// Issue 2: the same size-bound job does the same amount of I/O under fio and diobench.
/// Each case runs fio (the reference) and diobench on identical job text in separate directories
/// and compares total_ios and io_bytes of every jobs[] entry (for mixed jobs, the read+write sums:
/// which I/O is a read is random in both tools).
@Suite(.enabled(if: fioAvailable, "fio is not installed (apt-get install fio)"))
struct FioDifferentialTests {
    struct Case: CustomStringConvertible, Sendable {
        var name: String
        var options: String
        /// For mixed jobs with different read and write block sizes the byte count depends on each
        /// tool's random read/write choices: both must then end within one block of the budget
        /// (fio issues while fewer bytes than `size` were issued, so the last I/O may overshoot).
        var overshootBand: ClosedRange<Double>? = nil
        /// Also compare the files each tool left behind: names and sizes.
        var sameFiles = false
        var description: String { name }
    }

    static let basic: [Case] = {
        var cases: [Case] = []
        for rw in ["read", "write", "randread", "randwrite", "rw", "randrw"] {
            for bs in ["4k", "128k"] {
                for (engine, depth) in [
                    ("psync", 1), ("io_uring", 8), ("pvsync", 1), ("pvsync2", 1), ("posixaio", 8), ("mmap", 1),
                ] {
                    cases.append(
                        Case(
                            name: "\(rw)-\(bs)-\(engine)",
                            options: "rw=\(rw)\nbs=\(bs)\nioengine=\(engine)\niodepth=\(depth)\nsize=8m\ndirect=1"))
                }
            }
        }
        return cases
    }()

    static let shapes: [Case] = [
        Case(name: "loops=3", options: "rw=randread\nbs=4k\nsize=2m\nloops=3"),
        Case(name: "nrfiles=3", options: "rw=randwrite\nbs=16k\nsize=6m\nnrfiles=3\nfilename="),
        Case(name: "numjobs=2", options: "rw=read\nbs=64k\nsize=4m\nnumjobs=2\nfilename="),
        Case(
            name: "numjobs=2 group_reporting",
            options: "rw=randread\nbs=4k\nsize=4m\nnumjobs=2\ngroup_reporting\nfilename="),
        Case(name: "offset", options: "rw=randread\nbs=4k\nsize=4m\noffset=1m"),
        Case(name: "io_size beyond size", options: "rw=randread\nbs=8k\nsize=2m\nio_size=5m"),
        Case(name: "norandommap", options: "rw=randread\nbs=4k\nsize=4m\nnorandommap"),
        Case(
            name: "bs read,write", options: "rw=rw\nbs=4k,32k\nsize=4m", overshootBand: 4_194_304...(4_194_304 + 32_768)
        ),
        Case(
            name: "iodepth batching",
            options:
                "rw=randread\nbs=4k\nsize=4m\nioengine=io_uring\niodepth=16\niodepth_batch_submit=4\niodepth_batch_complete_min=2"
        ),
        Case(name: "sync engine", options: "rw=write\nbs=4k\nsize=2m\nioengine=sync\nfsync=16"),
        Case(name: "rw=write:8k holes", options: "rw=write:8k\nbs=4k\nsize=4m"),
        // Negative suffixes walk the file backwards, one block per I/O here (fio 3.33's get_next_seq_offset).
        Case(name: "rw=read:-8k backwards", options: "rw=read:-8k\nbs=4k\nsize=1m"),
        Case(name: "rw=write:-16k backwards", options: "rw=write:-16k\nbs=8k\nsize=1m\nloops=2"),
        Case(name: "rw=randread:8", options: "rw=randread:8\nbs=4k\nsize=1m"),
        Case(
            name: "verify_interval and verify_offset",
            options: "rw=randwrite\nbs=8k\nsize=1m\nverify=crc32c\nverify_interval=1k\nverify_offset=100"),
        Case(name: "rw_sequencer=identical", options: "rw=randread:8\nrw_sequencer=identical\nbs=4k\nsize=1m"),
        // file_service_type: every file is still done whole, whatever the order.
        Case(
            name: "file_service_type=random:4",
            options: "rw=randread\nbs=4k\nsize=3m\nnrfiles=3\nfile_service_type=random:4\nfilename="),
        Case(
            name: "file_service_type=sequential",
            options: "rw=write\nbs=16k\nsize=3m\nnrfiles=3\nfile_service_type=sequential\nfilename="),
        // A size that is not a multiple of bs: a pass does the region's whole blocks (2730 of 3k in 8m), no more.
        Case(name: "read bs=3k", options: "rw=read\nbs=3k\nsize=8m\nloops=2"),
        Case(name: "randwrite bs=3k", options: "rw=randwrite\nbs=3k\nsize=8m"),
        Case(name: "randrw bs=3k io_uring", options: "rw=randrw\nbs=3k\nsize=8m\nioengine=io_uring\niodepth=8"),
        // blockalign equal to bs keeps the random map, so a pass is the region's whole blocks too.
        Case(name: "randwrite bs=3k ba=3k", options: "rw=randwrite\nbs=3k\nba=3k\nsize=8m"),
        // Clones share one file; the second ends 1m further in, so the file is laid out to 5m for it.
        Case(
            name: "numjobs=2 offset_increment, one file",
            options: "rw=read\nbs=64k\nsize=4m\nnumjobs=2\noffset_increment=1m"),
        // fio adds to the file list each time filename is set: [global]'s data plus the job's second.
        Case(name: "filename in global and job", options: "filename=second\nrw=randread\nbs=4k\nsize=8m"),
        // number_ios ends each pass (of each clone) after that many I/Os, as fio 3.33 counts them.
        Case(name: "number_ios", options: "rw=randread\nbs=4k\nsize=4m\nnumber_ios=100"),
        Case(name: "number_ios loops=3", options: "rw=read\nbs=4k\nsize=1m\nloops=3\nnumber_ios=100"),
        Case(
            name: "number_ios io_uring numjobs=2",
            options: "rw=randread\nbs=4k\nsize=1m\nioengine=io_uring\niodepth=8\nnumjobs=2\nnumber_ios=100\nfilename="),
        Case(name: "number_ios above the size", options: "rw=write\nbs=4k\nsize=1m\nnumber_ios=1000"),
        // Skewed distributions draw blocks without the random map; a pass is still size/bs I/Os.
        Case(
            name: "random_distribution=zipf:1.1", options: "rw=randread\nbs=4k\nsize=4m\nrandom_distribution=zipf:1.1"),
        Case(
            name: "random_distribution=pareto", options: "rw=randwrite\nbs=8k\nsize=4m\nrandom_distribution=pareto:0.3"),
        Case(name: "random_distribution=normal", options: "rw=randrw\nbs=4k\nsize=4m\nrandom_distribution=normal:5"),
        Case(
            name: "random_distribution=zoned io_uring",
            options: "rw=randread\nbs=4k\nsize=4m\nioengine=io_uring\niodepth=8\nrandom_distribution=zoned:50/10:50/90"),
        Case(
            name: "random_distribution=zoned_abs loops=2",
            options: "rw=randread\nbs=4k\nsize=4m\nloops=2\nrandom_distribution=zoned_abs:70/1m:30/3m"),
    ]

    /// The engines of issue 15 beyond the basic grid: loops and depth for posixaio, pvsync2's flags, and mmap,
    /// which writes a file out before a write job as fio does (so the files match too).
    static let engines: [Case] = [
        Case(
            name: "posixaio randrw loops=2 iodepth=16",
            options: "rw=randrw\nbs=4k\nsize=4m\nioengine=posixaio\niodepth=16\nloops=2"),
        Case(
            name: "posixaio write fsync=8 iodepth=4",
            options: "rw=write\nbs=4k\nsize=1m\nioengine=posixaio\niodepth=4\nfsync=8"),
        Case(
            name: "posixaio buffered randread nrfiles=2 iodepth=32",
            options: "rw=randread\nbs=8k\nsize=4m\nioengine=posixaio\niodepth=32\nnrfiles=2\nfilename="),
        Case(
            name: "pvsync2 hipri_percentage=50 direct",
            options: "rw=randread\nbs=4k\nsize=4m\nioengine=pvsync2\nhipri\nhipri_percentage=50\ndirect=1"),
        Case(name: "pvsync rw loops=3", options: "rw=rw\nbs=16k\nsize=2m\nioengine=pvsync\nloops=3"),
        Case(name: "mmap randwrite", options: "rw=randwrite\nbs=4k\nsize=4m\nioengine=mmap", sameFiles: true),
        Case(name: "mmap write fdatasync=16", options: "rw=write\nbs=8k\nsize=2m\nioengine=mmap\nfdatasync=16"),
        Case(name: "mmap read bs=3k", options: "rw=read\nbs=3k\nsize=1m\nioengine=mmap"),
        Case(
            name: "mmap randrw nrfiles=2 loops=2",
            options: "rw=randrw\nbs=4k\nsize=2m\nioengine=mmap\nnrfiles=2\nloops=2\nfilename=", sameFiles: true),
    ]

    /// filename_format and filesize (issue 15): the same files, of the same sizes, and the same I/O.
    static let files: [Case] = [
        Case(
            name: "filename_format with keywords in any case",
            options:
                "filename_format=f.$JOBNAME.$jobnum.$filenum.$clientuid.x\nnrfiles=2\nnumjobs=2\nrw=write\nsize=64k\nfilename=",
            sameFiles: true),
        // The OpenZFS perf suite's naming: every file of a clone has the same name, so they are one file.
        Case(
            name: "filename_format=file$jobnum nrfiles=4",
            options: "filename_format=file$jobnum\nnrfiles=4\nnumjobs=2\nrw=write\nsize=64k\nfilename=", sameFiles: true
        ),
        Case(name: "filesize", options: "filesize=64k\nnrfiles=2\nrw=write\nfilename=", sameFiles: true),
        Case(
            name: "filesize caps size", options: "filesize=64k\nsize=256k\nnrfiles=2\nrw=write\nfilename=",
            sameFiles: true),
        Case(
            name: "size caps filesize", options: "filesize=64k\nsize=32k\nnrfiles=2\nrw=write\nfilename=",
            sameFiles: true),
        Case(
            name: "filesize with offset", options: "filesize=64k\noffset=16k\nnrfiles=2\nrw=randwrite\nfilename=",
            sameFiles: true),
        Case(name: "filesize with filename", options: "filesize=48k\nfilename=a:b\nrw=write", sameFiles: true),
    ]

    @Test(arguments: basic + shapes + engines + files)
    func sameAmountOfIO(_ testCase: Case) async throws {
        var job = "[global]\ndirectory=${DIR}\nfilename=data\n[job]\n" + testCase.options + "\n"
        // An empty `filename=` in a case means: let each tool name its files itself.
        if job.contains("filename=\n") {
            job = job.replacingOccurrences(of: "filename=data\n", with: "").replacingOccurrences(
                of: "filename=\n", with: "")
        }
        let fioDir = try TemporaryDirectory("runner", under: TemporaryDirectory.memory),
            ourDir = try TemporaryDirectory("runner", under: TemporaryDirectory.memory)
        let fioJob = try fioDir.write("job.fio", job.replacingOccurrences(of: "${DIR}", with: fioDir.path))
        let ourJob = try ourDir.write("job.fio", job.replacingOccurrences(of: "${DIR}", with: ourDir.path))

        let fio = try await runProgram(fioPath, ["--output-format=json", fioJob], timeout: 120)
        try #require(fio.status == 0, "fio failed: \(fio.stderr)")
        let ours = try await diobench(["run", "--output-format=json", ourJob], timeout: 120)
        try #require(ours.status == 0, "diobench failed: \(ours.stderr)")

        let fioJobs = try jsonObject(fio.stdout).jobs
        let ourJobs = try jsonObject(ours.stdout).jobs
        #expect(ourJobs.count == fioJobs.count, "jobs[] entries")
        for (theirs, mine) in zip(fioJobs, ourJobs) {
            let mixed = testCase.options.contains("rw=rw") || testCase.options.contains("rw=randrw")
            if let band = testCase.overshootBand {
                #expect(band.contains(total(theirs, "io_bytes")), "fio outside \(band)")
                #expect(band.contains(total(mine, "io_bytes")), "diobench outside \(band)")
            } else if mixed {
                #expect(total(mine, "total_ios") == total(theirs, "total_ios"))
                #expect(total(mine, "io_bytes") == total(theirs, "io_bytes"))
            } else {
                for direction in ["read", "write"] {
                    #expect(
                        mine.object(direction).number("total_ios") == theirs.object(direction).number("total_ios"),
                        "\(direction) total_ios")
                    #expect(
                        mine.object(direction).number("io_bytes") == theirs.object(direction).number("io_bytes"),
                        "\(direction) io_bytes")
                }
            }
            #expect(mine.number("error") == 0)
        }
        if testCase.sameFiles {
            #expect(try filesAndSizes(ourDir.path) == filesAndSizes(fioDir.path))
        }
    }

    /// A filesize range draws each file's size (from another generator than fio's, so other sizes): each is in
    /// the range and a multiple of the block size, and one pass writes exactly the files.
    @Test func filesizeRange() async throws {
        let dir = try TemporaryDirectory("runner", under: TemporaryDirectory.memory)
        let job = try dir.write(
            "job.fio", "[job]\ndirectory=\(dir.path)\nfilesize=16k-64k\nnrfiles=6\nbs=4k\nrw=write\n")
        let ours = try await diobench(["run", "--output-format=json", job], timeout: 120)
        try #require(ours.status == 0, "diobench failed: \(ours.stderr)")
        let sizes = try filesAndSizes(dir.path).filter { $0.key != "job.fio" }
        #expect(sizes.count == 6)
        for (name, size) in sizes { #expect((16384...65536).contains(size) && size % 4096 == 0, "\(name): \(size)") }
        #expect(
            try jsonObject(ours.stdout).jobs.first?.object("write").number("io_bytes")
                == Double(sizes.values.reduce(0, +)))
    }

    @Test func allowFileCreateOff() async throws {
        let dir = try TemporaryDirectory("runner", under: TemporaryDirectory.memory)
        let job = try dir.write("job.fio", "[job]\ndirectory=\(dir.path)\nsize=64k\nallow_file_create=0\nrw=read\n")
        let fio = try await runProgram(fioPath, ["--output-format=json", job], timeout: 120)
        #expect(fio.status != 0 && fio.stderr.contains("allow_file_create=0"), "fio: \(fio.stderr)")
        let ours = try await diobench(["run", job], timeout: 120)
        #expect(ours.status != 0, "diobench: \(ours.stdout)")
        #expect(ours.stderr.contains("\(dir.path)/job.0.0 does not exist, and allow_file_create=0"), "\(ours.stderr)")
        #expect(try filesAndSizes(dir.path).keys.sorted() == ["job.fio"])
    }

    private func filesAndSizes(_ directory: String) throws -> [String: Int] {
        var result: [String: Int] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: directory) {
            let attributes = try FileManager.default.attributesOfItem(atPath: directory + "/" + name)
            result[name] = (attributes[.size] as? NSNumber)?.intValue ?? -1
        }
        return result
    }

    private func total(_ job: [String: Any], _ key: String) -> Double {
        job.object("read").number(key) + job.object("write").number(key)
    }
}
