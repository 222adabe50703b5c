import DiobenchTestSupport
import Foundation
import Testing

/// What write jobs put on disk: pseudo-random bytes stamped per sector by default (`scramble_buffers`),
/// zeros with `zero_buffers` (as fio writes them), and new bytes for every write with `refill_buffers`.
@Suite struct BufferContentTests {
    /// Runs a 1 MiB sequential write of 4 KiB blocks with `extra` options; the file's 256 blocks.
    func writtenBlocks(_ extra: [String], tool: String = diobenchBinary) async throws -> [Data] {
        let dir = try TemporaryDirectory("runner")
        let out = try await runProgram(
            tool, ["--name=w", "--rw=write", "--bs=4k", "--size=1m", "--filename=data"] + extra,
            directory: dir.path)
        try #require(out.status == 0, "\(tool): \(out.stderr)")
        let data = try Data(contentsOf: URL(fileURLWithPath: dir.path + "/data"))
        try #require(data.count == 1 << 20)
        return stride(from: 0, to: data.count, by: 4096).map { data.subdata(in: $0..<($0 + 4096)) }
    }

    @Test("zero_buffers writes zeros, as fio does")
    func zeros() async throws {
        #expect(try await writtenBlocks(["--zero_buffers=1"]).allSatisfy { $0.allSatisfy { $0 == 0 } })
        if fioAvailable {
            #expect(
                try await writtenBlocks(["--zero_buffers=1"], tool: fioPath).allSatisfy { $0.allSatisfy { $0 == 0 } })
        }
        #expect(
            try await writtenBlocks(["--zero_buffers=1", "--refill_buffers=1"]).allSatisfy {
                $0.allSatisfy { $0 == 0 }
            },
            "zero_buffers wins over refill_buffers")
    }

    @Test("refill_buffers gives every write new bytes; without it one buffer is written again and again")
    func refill() async throws {
        let refilled = try await writtenBlocks(["--refill_buffers=1"])
        #expect(Set(refilled).count == 256)
        #expect(refilled.allSatisfy { block in block.contains { $0 != 0 } })
        #expect(
            Set(try await writtenBlocks(["--scramble_buffers=0"])).count == 1,
            "iodepth=1: one buffer, written 256 times")
    }

    @Test(
        "scramble_buffers, on by default as in fio: every written 512-byte sector differs; a written zero_buffers turns it off, a written scramble_buffers back on"
    )
    func scramble() async throws {
        for tool in [diobenchBinary] + (fioAvailable ? [fioPath] : []) {
            let blocks = try await writtenBlocks([], tool: tool)
            let sectors = blocks.flatMap { block in
                stride(from: 0, to: 4096, by: 512).map { block.subdata(in: $0..<($0 + 512)) }
            }
            #expect(Set(sectors).count == 2048, "\(tool): distinct sectors")
            #expect(Set(try await writtenBlocks(["--scramble_buffers=0"], tool: tool)).count == 1, "\(tool): off")
            #expect(Set(try await writtenBlocks(["--zero_buffers=1"], tool: tool)).count == 1, "\(tool): zero_buffers")
            #expect(
                Set(try await writtenBlocks(["--zero_buffers=1", "--scramble_buffers=1"], tool: tool)).count == 256,
                "\(tool): zero_buffers and scramble_buffers")
            #expect(
                try await writtenBlocks(["--zero_buffers=1", "--refill_buffers=1", "--scramble_buffers=1"], tool: tool)
                    .allSatisfy { $0.allSatisfy { $0 == 0 } },
                "\(tool): refill_buffers (of zeros) comes before scrambling")
        }
    }

    // Issue 15: buffer_pattern, buffer_compress_*, dedupe_* and sync=, against fio 3.33.

    /// The file a sequential write of `size` in `bs` blocks leaves, with `extra` options.
    func writtenFile(_ extra: [String], size: String, bs: String, tool: String) async throws -> Data {
        let dir = try TemporaryDirectory("runner")
        let out = try await runProgram(
            tool, ["--name=w", "--rw=write", "--bs=\(bs)", "--size=\(size)", "--filename=data"] + extra,
            directory: dir.path)
        try #require(out.status == 0, "\(tool): \(out.stderr)")
        return try Data(contentsOf: URL(fileURLWithPath: dir.path + "/data"))
    }

    /// `gzip -1`'s output size for `data`, as the issue measures compressibility.
    func gzipSize(_ data: Data) async throws -> Int {
        let dir = try TemporaryDirectory("runner")
        try data.write(to: URL(fileURLWithPath: dir.path + "/d"))
        let out = try await runProgram("/bin/sh", ["-c", "gzip -1 -c d | wc -c"], directory: dir.path)
        return try #require(Int(out.stdout.trimmingCharacters(in: .whitespacesAndNewlines)))
    }

    func distinctBlocks(_ data: Data, size: Int = 4096) -> Int {
        Set(stride(from: 0, to: data.count, by: size).map { data.subdata(in: $0..<($0 + size)) }).count
    }

    @Test("buffer_pattern fills every written block with the pattern, repeated from its first byte, as fio does")
    func pattern() async throws {
        let expected = Data((0..<1024).flatMap { _ in [0xDE, 0xAD, 0xBE, 0xEF] as [UInt8] })
        for tool in [diobenchBinary] + (fioAvailable ? [fioPath] : []) {
            let blocks = try await writtenBlocks(["--buffer_pattern=0xdeadbeef"], tool: tool)
            #expect(blocks.allSatisfy { $0 == expected }, "\(tool): every block is 0xdeadbeef repeated")
        }
        let text = try await writtenBlocks(["--buffer_pattern=\"ab\"0x01"])
        #expect(text[7].prefix(6) == Data([0x61, 0x62, 0x01, 0x61, 0x62, 0x01]))
    }

    @Test(
        "buffer_compress_percentage=66 with a pattern and 4k chunks: the data compresses like fio's (gzip -1, within 5%)",
        .enabled(if: fioAvailable, "fio is not installed (apt-get install fio)"))
    func compressLikeFio() async throws {
        let options = [
            "--buffer_compress_percentage=66", "--buffer_compress_chunk=4096", "--buffer_pattern=0xdeadbeef",
        ]
        let ours = try await writtenFile(options, size: "16m", bs: "1m", tool: diobenchBinary)
        let theirs = try await writtenFile(options, size: "16m", bs: "1m", tool: fioPath)
        let (a, b) = (try await gzipSize(ours), try await gzipSize(theirs))
        #expect(abs(Double(a) / Double(b) - 1) < 0.05, "gzip -1: diobench \(a) bytes, fio \(b) bytes of 16 MiB")
        // Without a pattern the fixed part is zeros; 512-byte chunks by default, the fio default.
        let zeros = try await writtenFile(
            ["--buffer_compress_percentage=50"], size: "4m", bs: "64k", tool: diobenchBinary)
        let fioZeros = try await writtenFile(["--buffer_compress_percentage=50"], size: "4m", bs: "64k", tool: fioPath)
        let (c, d) = (try await gzipSize(zeros), try await gzipSize(fioZeros))
        #expect(abs(Double(c) / Double(d) - 1) < 0.05, "gzip -1 at 50%: diobench \(c), fio \(d)")
        #expect(zeros.subdata(in: 256..<512).allSatisfy { $0 == 0 }, "each 512-byte chunk ends in zeros")
        #expect(Set(zeros.subdata(in: 0..<256)).count > 64, "and begins with random bytes")
    }

    @Test("buffer_compress_percentage=100 writes zeros (fio turns it into zero_buffers), the pattern if one is set")
    func compressAll() async throws {
        #expect(try await writtenBlocks(["--buffer_compress_percentage=100"]).allSatisfy { $0.allSatisfy { $0 == 0 } })
        let patterned = try await writtenBlocks(["--buffer_compress_percentage=100", "--buffer_pattern=0x5a"])
        #expect(patterned.allSatisfy { $0.allSatisfy { $0 == 0x5A } })
    }

    @Test(
        "dedupe_percentage: that share of 4k writes repeat another block, as in fio (modes repeat and working_set)",
        .enabled(if: fioAvailable, "fio is not installed (apt-get install fio)"))
    func dedupe() async throws {
        for mode in ["repeat", "working_set"] {
            // working_set keeps dedupe_working_set_percentage (5) of the size unique, so 100% is refused.
            for percent in mode == "repeat" ? [0, 50, 100] : [0, 50] {
                let options = ["--dedupe_percentage=\(percent)", "--dedupe_mode=\(mode)"]
                var unique: [String: Int] = [:]
                for tool in [diobenchBinary, fioPath] {
                    let data = try await writtenFile(options, size: "8m", bs: "4k", tool: tool)
                    unique[tool] = distinctBlocks(data)
                }
                let ours = try #require(unique[diobenchBinary]), theirs = try #require(unique[fioPath])
                switch percent {
                case 0: #expect(ours == 2048 && theirs == 2048, "\(mode) 0%: all unique")
                case 100: #expect(ours == 1 && theirs == 1, "\(mode) 100%: one block")
                default:
                    // 2048 coin flips: 1024 ± 23 (one standard deviation); 7 of them is far outside chance.
                    #expect((1024 - 160...1024 + 160).contains(ours), "\(mode) \(percent)%: diobench \(ours) unique")
                    #expect((1024 - 160...1024 + 160).contains(theirs), "\(mode) \(percent)%: fio \(theirs) unique")
                }
            }
        }
    }

    @Test("dedupe_mode=working_set without size is refused, naming the option, as fio refuses it")
    func workingSetNeedsSize() async throws {
        let dir = try TemporaryDirectory("runner")
        let job = "[w]\nfilename=f\nrw=write\ndedupe_percentage=20\ndedupe_mode=working_set\n"
        try job.write(toFile: dir.path + "/ws.fio", atomically: true, encoding: .utf8)
        let out = try await runProgram(diobenchBinary, ["--parse-only", "ws.fio"], directory: dir.path)
        #expect(out.status == 2)
        #expect(out.stderr.contains("ws.fio:5") && out.stderr.contains("needs size"), "\(out.stderr)")
        let full = try await runProgram(
            diobenchBinary,
            ["--parse-only", "--name=w", "--size=1m", "--dedupe_percentage=100", "--dedupe_mode=working_set"],
            directory: dir.path)
        #expect(full.status == 2 && full.stderr.contains("can't be reached"), "\(full.stderr)")
    }

    // Issue 15, "mkfiles writes the same bytes": fio's generator, seeded as fio seeds each thread.

    /// Runs `arguments` (a job file in `dir`, or command-line options) with `tool` in a fresh directory
    /// (`--directory=`); every file it wrote, by name.
    func filesWritten(_ arguments: [String], tool: String, job: String? = nil) async throws -> [String: Data] {
        let dir = try TemporaryDirectory("bytes")
        if let job { try job.write(toFile: dir.path + "/job.fio", atomically: true, encoding: .utf8) }
        try FileManager.default.createDirectory(atPath: dir.path + "/out", withIntermediateDirectories: false)
        let run = tool == fioPath ? ["--output=/dev/null"] : ["run"]
        let out = try await runProgram(
            tool, run + ["--directory=out"] + arguments + (job == nil ? [] : ["job.fio"]), directory: dir.path)
        try #require(out.status == 0, "\(tool): \(out.stderr)")
        var files: [String: Data] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: dir.path + "/out") {
            files[name] = try Data(contentsOf: URL(fileURLWithPath: dir.path + "/out/" + name))
        }
        return files
    }

    /// Both tools' files: the same names, the same bytes (as `cmp` compares them). With `anyOrder` (a block
    /// size), each file holds the same set of distinct blocks: at iodepth > 1 which buffer carries which write
    /// follows the completion order, which the kernel chooses, for fio as for diobench.
    func expectSameBytes(
        _ arguments: [String], job: String? = nil, files expected: Int, anyOrder blockSize: Int? = nil
    ) async throws {
        let ours = try await filesWritten(arguments, tool: diobenchBinary, job: job)
        let theirs = try await filesWritten(arguments, tool: fioPath, job: job)
        #expect(ours.count == expected && Set(ours.keys) == Set(theirs.keys), "\(ours.keys) vs fio \(theirs.keys)")
        for (name, data) in theirs.sorted(by: { $0.key < $1.key }) {
            let mine = try #require(ours[name], "\(name) missing")
            if let blockSize {
                let blocks = { (d: Data) in
                    Set(
                        stride(from: 0, to: d.count, by: blockSize).map {
                            d.subdata(in: $0..<min($0 + blockSize, d.count))
                        })
                }
                let (a, b) = (blocks(mine), blocks(data))
                #expect(
                    mine.count == data.count && a == b, "\(arguments) \(name): \(a.count) vs \(b.count) distinct blocks"
                )
                continue
            }
            let first = zip(mine, data).enumerated().first { $0.element.0 != $0.element.1 }?.offset
            #expect(
                mine == data,
                "\(arguments) \(name): \(mine.count) vs \(data.count) bytes, first difference at \(first ?? -1)")
        }
        // Each worker has its own seeds (fio's thread number), so the files differ from one another.
        #expect(Set(ours.values).count == ours.count, "\(arguments): every file has its own bytes")
    }

    @Test(
        "OpenZFS's perf-suite layout job (compress 66%, pattern, 4k chunks, numjobs=2): byte-identical files to fio's",
        .enabled(if: fioAvailable, "fio is not installed (apt-get install fio)"))
    func perfSuiteLayoutSameBytes() async throws {
        let job = """
            [global]
            filename_format=file$jobnum
            group_reporting=1
            fallocate=0
            ioengine=psync
            bs=1024k
            rw=write
            thread=1
            numjobs=2
            filesize=4m
            randseed=1234
            buffer_compress_percentage=66
            buffer_pattern=0xdeadbeef
            buffer_compress_chunk=4096
            [job]

            """
        try await expectSameBytes([], job: job, files: 2)
    }

    @Test(
        "Write buffers hold fio's bytes for the same seed: refill, compression, dedupe, generators, several jobs",
        .enabled(if: fioAvailable, "fio is not installed (apt-get install fio)"),
        arguments: [
            ["--refill_buffers=1", "--scramble_buffers=0"],
            ["--buffer_compress_percentage=50"],
            ["--scramble_buffers=0"],
            ["--buffer_compress_percentage=30", "--buffer_compress_chunk=1000", "--bs=4k"],
            ["--refill_buffers=1", "--scramble_buffers=0", "--random_generator=tausworthe64", "--bs=3000"],
            ["--refill_buffers=1", "--scramble_buffers=0", "--allrandrepeat=1", "--randseed=7"],
            ["--dedupe_percentage=30", "--buffer_compress_percentage=20"],
            ["--dedupe_percentage=100"],
            ["--dedupe_percentage=40", "--dedupe_mode=working_set", "--buffer_compress_chunk=8k"],
            ["--loops=2", "--buffer_compress_percentage=40", "--dedupe_percentage=20"],
            // Files fio writes out before the job (overwrite, reads, mmap's NOEXTEND): filled from the same generator.
            ["--overwrite=1", "--buffer_compress_percentage=60", "--buffer_compress_chunk=4k", "--bs=16k"],
            ["--rw=read"],
            ["--ioengine=mmap", "--refill_buffers=1", "--scramble_buffers=0"],
        ])
    func sameBytesAsFio(_ options: [String]) async throws {
        let job = ["--name=w", "--rw=write", "--bs=64k", "--size=2m", "--numjobs=2", "--thread"]
        try await expectSameBytes(job + options, files: 2)
    }

    @Test(
        "At iodepth 4 (libaio, direct) the four buffers hold fio's bytes; which write each carries is the kernel's order",
        .enabled(if: fioAvailable, "fio is not installed (apt-get install fio)"))
    func sameBuffersAsFioAtDepth() async throws {
        let job = ["--name=w", "--rw=write", "--bs=64k", "--size=2m", "--numjobs=2", "--thread"]
        let options = ["--ioengine=libaio", "--iodepth=4", "--direct=1", "--scramble_buffers=0"]
        try await expectSameBytes(job + options, files: 2, anyOrder: 64 << 10)
        // Refilled buffers take the generator's next bytes at submission: the order is the submission order.
        try await expectSameBytes(job + options + ["--refill_buffers=1"], files: 2)
    }

    @Test(
        "Workers are numbered over the whole run as fio numbers its threads: later jobs write fio's bytes too",
        .enabled(if: fioAvailable, "fio is not installed (apt-get install fio)"))
    func severalJobsSameBytes() async throws {
        let job = """
            [global]
            rw=write
            bs=128k
            size=1m
            buffer_compress_percentage=40
            [a]
            numjobs=2
            [b]
            stonewall
            [c]
            buffer_compress_percentage=70

            """
        try await expectSameBytes([], job: job, files: 4)
    }

    @Test(
        "sync=1 and sync=dsync open the job's files with O_SYNC and O_DSYNC, as fio does (strace)",
        .enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/strace"), "strace is not installed"))
    func syncOpenFlags() async throws {
        for (value, flag) in [("1", "O_SYNC"), ("dsync", "O_DSYNC"), ("none", "")] {
            for tool in [diobenchBinary] + (fioAvailable ? [fioPath] : []) {
                let dir = try TemporaryDirectory("runner")
                let out = try await runProgram(
                    "/usr/bin/strace",
                    [
                        "-f", "-e", "trace=openat", "-o", "trace", tool, "--name=w", "--rw=write", "--bs=4k",
                        "--size=64k", "--filename=data", "--sync=\(value)",
                    ],
                    directory: dir.path)
                try #require(out.status == 0, "\(tool): \(out.stderr)")
                let opens = try String(contentsOfFile: dir.path + "/trace", encoding: .utf8)
                    .split(separator: "\n").filter { $0.contains("\"data\"") && $0.contains("O_RDWR") }
                try #require(!opens.isEmpty, "\(tool) opened data read-write")
                if flag.isEmpty {
                    #expect(opens.allSatisfy { !$0.contains("SYNC") }, "\(tool) sync=none: \(opens)")
                } else {
                    #expect(
                        opens.allSatisfy { $0.contains(flag + "|") || $0.contains(flag + ",") }, "\(tool): \(opens)")
                }
            }
        }
    }
}
