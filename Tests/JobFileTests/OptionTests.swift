// Option by option where the meaning is more than storing a value: aliases, fio's defaults, derived values.

import Testing
@testable import JobFile
import Vocabulary

@Suite("Options")
struct OptionTests {
    @Test("a job with no options has fio's defaults")
    func defaults() throws {
        let j = try job("[j]\n")
        #expect(j.rw == .read && j.blockSize == PerDirection(4096) && j.ioengine == .psync)
        #expect(j.iodepth == 1 && j.iodepthBatchSubmit == 1 && j.iodepthBatchCompleteMin == 1)
        #expect(j.iodepthBatchCompleteMax == 1 && j.iodepthLow == 1)
        #expect(j.numjobs == 1 && j.loops == 1 && j.nrfiles == 1 && !j.direct && j.invalidate && j.randrepeat)
        #expect(j.randseed == 0x89 && j.rwmixread == 50 && j.kbBase == 1024 && j.fallocate == .native)
        #expect(j.percentileList == JobSpec.fioDefaultPercentiles && j.clatPercentiles && !j.latPercentiles)
        #expect(j.size == nil && j.runtimeNs == nil && j.loop == nil && j.zfs == nil && j.verify.method == .none)
        #expect(j.explicitOptions.isEmpty && j.writtenOptions.isEmpty)
    }

    @Test(
        "aliases set the same field and are recorded under the canonical name",
        arguments: [
            ("readwrite=randwrite", "rw"), ("blocksize=8k", "bs"), ("blocksize_range=4k-8k", "bsrange"),
            ("ba=8k", "blockalign"),
            ("mem_align=512", "iomem_align"), ("io_limit=1m", "io_size"), ("iodepth_batch=2", "iodepth_batch_submit"),
            ("iodepth_batch_complete=1", "iodepth_batch_complete_min"), ("timeout=5", "runtime"),
            ("wait_for_previous", "stonewall"), ("nr_files=2", "nrfiles"),
        ])
    func aliases(line: String, canonical: String) throws {
        let j = try job(options: line)
        #expect(j.writtenOptions.map(\.name) == [canonical])
        #expect(j.explicitOptions.contains(canonical))
    }

    @Test("rw values, readwrite as a value, and the :N suffix")
    func rw() throws {
        #expect(try job(options: "rw=readwrite").rw == .readwrite)
        #expect(try job(options: "rw=rw").rw == .readwrite)
        let random = try job(options: "rw=randread:8")
        #expect(random.rw == .randread && random.rwSequenceModifier == 8)
        let holes = try job(options: "rw=write:4k")
        #expect(holes.rw == .write && holes.rwSequenceModifier == 4096)
        #expect(parseError("[j]\nrw=randread:4k\n")?.description.contains("count of I/Os") == true)
        let typo = try #require(parseError("[j]\nrw=randred\n"))
        #expect(
            typo.description
                == "test.fio:2: option 'rw': 'randred' is not a valid I/O pattern (expected one of: read, write, trim, randread, randwrite, randtrim, rw, randrw, trimwrite; did you mean 'randread'?)"
        )
    }

    @Test("rwmixwrite sets rwmixread; when both are given the later wins, with a warning")
    func rwmix() throws {
        #expect(try job(options: "rw=randrw", "rwmixwrite=30").rwmixread == 70)
        let parsed = try parse("[j]\nrw=randrw\nrwmixread=30\nrwmixwrite=80\n")
        #expect(parsed.jobs[0].rwmixread == 20)
        #expect(parsed.warnings.contains { $0.location.line == 4 && $0.message.contains("don't add up to 100") })
        // Read as the options parse them: 0x32 is 50, so these agree and there is nothing to warn about.
        #expect(try parse("[j]\nrw=randrw\nrwmixread=0x32\nrwmixwrite=50\n").warnings.isEmpty)
        let hex = try parse("[j]\nrw=randrw\nrwmixread=0x32\nrwmixwrite=(100/4)\n")
        #expect(
            hex.warnings.map(\.message) == [
                "rwmixread=50 and rwmixwrite=25 don't add up to 100; the later one wins: 75% reads"
            ])
        let sequential = try parse("[j]\nrwmixread=70\n")
        #expect(sequential.warnings.contains { $0.message.contains("only applies to mixed workloads") })
    }

    @Test("direct and buffered are opposites; the later one wins")
    func directBuffered() throws {
        #expect(try job(options: "buffered=0").direct)
        #expect(try !job(options: "direct=1", "buffered=1").direct)
        #expect(try job(options: "buffered=1", "direct").direct)
        #expect(try job(options: "buffered=0").explicitOptions.contains("direct"))
    }

    @Test("filename: ':'-separated, '\\:' escapes a colon; nrfiles follows the list")
    func filenames() throws {
        let j = try job(options: "filename=/dev/sda:/dev/dsk/foo@3,0\\:c:F\\:\\file")
        #expect(j.filenames == ["/dev/sda", "/dev/dsk/foo@3,0:c", "F:\\file"])
        #expect(j.nrfiles == 3)
        let parsed = try parse("[j]\nnrfiles=4\nfilename=/a:/b\n")
        #expect(parsed.jobs[0].nrfiles == 2)
        #expect(parsed.warnings.contains { $0.option == "nrfiles" })
        #expect(parseError("[j]\nfilename=/a::/b\n")?.description.contains("empty entry") == true)
    }

    @Test("directory lists, size, io_size and offsets")
    func filesAndSizes() throws {
        let j = try job(
            options: "directory=/mnt/a:/mnt/b", "size=1g", "io_size=4g", "offset=1m", "offset_increment=64m")
        #expect(j.directories == ["/mnt/a", "/mnt/b"])
        #expect(j.size == 1 << 30 && j.ioSize == 4 << 30 && j.offset == 1 << 20 && j.offsetIncrement == 64 << 20)
    }

    @Test("iodepth batching resolves as fio does: 0 or too big means iodepth; complete_max never below min")
    func depthResolution() throws {
        let a = try job(options: "ioengine=io_uring", "iodepth=16", "iodepth_batch_submit=0", "iodepth_low=0")
        #expect(a.iodepthBatchSubmit == 16 && a.iodepthLow == 16 && a.iodepthBatchCompleteMax == 1)
        let b = try parse(
            "[j]\nioengine=io_uring\niodepth=8\niodepth_batch=32\niodepth_low=12\niodepth_batch_complete_min=4\niodepth_batch_complete_max=2\n"
        )
        let j = b.jobs[0]
        #expect(j.iodepthBatchSubmit == 8 && j.iodepthLow == 8)
        #expect(j.iodepthBatchCompleteMin == 4 && j.iodepthBatchCompleteMax == 4)
        #expect(Set(b.warnings.compactMap(\.option)) == ["iodepth_batch", "iodepth_low", "iodepth_batch_complete_max"])
        let c = try job(
            options: "ioengine=io_uring", "iodepth=32", "iodepth_batch_complete_min=1", "iodepth_batch_complete_max=32")
        #expect(c.iodepthBatchCompleteMax == 32)
    }

    @Test("iodepth above 1 with a synchronous engine is accepted with a warning")
    func syncDepth() throws {
        let parsed = try parse("[j]\nioengine=psync\niodepth=8\n")
        #expect(parsed.jobs[0].iodepth == 8)
        #expect(parsed.warnings.contains { $0.option == "iodepth" && $0.message.contains("no effect") })
        #expect(try parse("[j]\nioengine=io_uring\niodepth=8\n").warnings.isEmpty)
    }

    @Test("io_uring options; sqthread_poll implies registerfiles")
    func ioUringOptions() throws {
        let j = try job(
            options: "ioengine=io_uring", "direct=1", "fixedbufs", "sqthread_poll", "sqthread_poll_cpu=1", "hipri")
        let e = j.engineOptions
        #expect(e.fixedBuffers && e.sqPoll && e.registerFiles && e.hipri && e.sqPollCPU == 1)
        let parsed = try parse("[j]\nioengine=io_uring\nsqthread_poll_cpu=1\n")
        #expect(parsed.warnings.contains { $0.option == "sqthread_poll_cpu" })
    }

    @Test("io_uring options may sit in [global] when the job picks io_uring")
    func engineOptionInGlobal() throws {
        let parsed = try parse("[global]\nfixedbufs\n[a]\nioengine=io_uring\n")
        #expect(parsed.jobs[0].engineOptions.fixedBuffers)
    }

    @Test("time_based without runtime is dropped with a warning, as fio does")
    func timeBasedNeedsRuntime() throws {
        let parsed = try parse("[j]\ntime_based\n")
        #expect(!parsed.jobs[0].timeBased)
        #expect(
            parsed.warnings.first?.description
                == "test.fio:2: warning: option 'time_based': job 'j': needs runtime; ignored, as fio does")
        #expect(try job(options: "time_based", "runtime=1m").timeBased)
    }

    @Test("loops=0 counts as 1; randseed forces a repeatable sequence")
    func loopsAndSeed() throws {
        #expect(try job(options: "loops=0").loops == 1)
        let seeded = try job(options: "randrepeat=0", "randseed=42")
        #expect(seeded.randrepeat && seeded.randseed == 42)
        #expect(try !job(options: "randrepeat=0").randrepeat)
    }

    @Test("blockalign turns off the random map for random I/O, with a warning")
    func blockalign() throws {
        let parsed = try parse("[j]\nrw=randread\nbs=4k\nba=512\n")
        #expect(parsed.jobs[0].norandommap)
        #expect(parsed.jobs[0].blockAlign == PerDirection(512))
        #expect(parsed.warnings.contains { $0.option == "ba" && $0.message.contains("random map") })
        let aligned = try parse("[j]\nrw=randread\nbs=4k\nba=4k\n")
        #expect(!aligned.jobs[0].norandommap && aligned.warnings.isEmpty)
    }

    @Test("rate and rate_iops per direction; rate=,500k caps only writes")
    func rates() throws {
        let writes = try #require(try job(options: "rate=,500k").rateBytes)
        #expect(writes.read == 0 && writes.write == 512_000)
        let both = try #require(try job(options: "rate=1m,500k").rateBytes)
        #expect(both.read == 1 << 20 && both.write == 512_000)
        let reads = try #require(try job(options: "rate=500k,").rateBytes)
        #expect(reads.read == 512_000 && reads.write == 0)
        #expect(try job(options: "rate_iops=1000").rateIOPS == PerDirection(1000))
    }

    @Test("choices: random_generator, fallocate (with fio's 0/1 aliases), continue_on_error, kb_base")
    func choices() throws {
        #expect(try job(options: "random_generator=lfsr").randomGenerator == .lfsr)
        #expect(try job(options: "fallocate=0").fallocate == FileAllocation.none)
        #expect(try job(options: "fallocate=1").fallocate == .posix)
        #expect(try job(options: "continue_on_error=1").continueOnError == .all)
        #expect(try job(options: "continue_on_error=io").continueOnError == .io)
        #expect(parseError("[j]\nkb_base=1001\n")?.description.contains("expected one of: 1024, 1000") == true)
        #expect(
            parseError("[j]\nioengine=vsync\n")?.description
                .contains("expected one of: psync, sync, null, io_uring, libaio, pvsync, pvsync2, posixaio, mmap")
                == true)
        #expect(parseError("[j]\nioengine=io-uring\n")?.suggestion == "io_uring")
    }

    @Test("cpus_allowed and cpumask name CPUs this machine has; split hands them out round robin")
    func cpus() throws {
        #expect(try job(options: "cpus_allowed=3, 0-1,1").cpusAllowed == [0, 1, 3])
        #expect(try job(options: "cpumask=0x6").cpusAllowed == [1, 2])
        #expect(try job(options: "cpumask=9").cpusAllowed == [0, 3])
        #expect(try job("[j]\n").cpusAllowed == nil)
        // pinnedSystem has 4 CPUs.
        #expect(parseError("[j]\ncpus_allowed=4\n")?.description.contains("CPU 4 does not exist") == true)
        #expect(parseError("[j]\ncpumask=0x10\n")?.description.contains("numbered 0 to 3") == true)
        #expect(parseError("[j]\ncpumask=0\n")?.option == "cpumask")
        #expect(parseError("[j]\ncpus_allowed=a\n")?.option == "cpus_allowed")
        #expect(parseError("[j]\ncpus_allowed=1,\n")?.option == "cpus_allowed")
        let split = try job(options: "cpus_allowed=1-3", "cpus_allowed_policy=split")
        #expect(
            (0..<4).map { split.cpusAllowedPolicy.cpus(from: [1, 2, 3], workerNumber: $0) } == [[1], [2], [3], [1]])
        #expect(CPUsAllowedPolicy.shared.cpus(from: [1, 2], workerNumber: 5) == [1, 2])
        #expect(CPUListKind.render([0, 1, 2, 5, 7, 8]) == "0-2,5,7-8")
    }

    @Test("percentile_list")
    func percentiles() throws {
        #expect(try job(options: "percentile_list=50:99:99.9").percentileList == [50, 99, 99.9])
        #expect(parseError("[j]\npercentile_list=50:0\n")?.option == "percentile_list")
        let many = (1...21).map(String.init).joined(separator: ":")
        #expect(parseError("[j]\npercentile_list=\(many)\n")?.description.contains("too many") == true)
    }

    @Test("verify options; verify_pattern alone means verify=pattern")
    func verify() throws {
        let j = try job(options: "rw=write", "verify=crc32c", "do_verify=0", "verify_fatal", "verify_backlog=16")
        #expect(
            j.verify.method == .crc32c && !j.verify.doVerify && j.verify.verifyFatal && j.verify.verifyBacklog == 16)
        #expect(try job(options: "verify=crc32c-intel").verify.method == .crc32c)
        let pattern = try job(options: "verify_pattern=0xdeadbeef")
        #expect(pattern.verify.method == .pattern && pattern.verify.pattern == [0xde, 0xad, 0xbe, 0xef])
        #expect(try job(options: "verify_pattern=0xabc\"Z\"").verify.pattern == [0x0a, 0xbc, 0x5a])
        #expect(try job(options: "verify=sha256", "verify_pattern=\"ab\"").verify.method == .sha256)
        #expect(parseError("[j]\nverify_pattern=%o\n")?.option == "verify_pattern")
        #expect(
            parseError("[j]\nverify=md5\n")?.description.contains("expected one of: 0, crc32c, sha256, pattern") == true
        )
        let useless = try parse("[j]\ndo_verify=1\n")
        #expect(useless.warnings.contains { $0.option == "do_verify" })
    }

    @Test("loop options build spec.loop")
    func loop() throws {
        let loop = try #require(
            try job(options: "loop_backing=/tank/f", "loop_dio=1", "loop_block_size=4096", "loop_read_only").loop)
        #expect(
            loop
                == {
                    var l = LoopOptions(backingFile: "/tank/f"); l.directIO = true; l.logicalBlockSize = 4096;
                    l.readOnly = true; return l
                }())
        #expect(
            try job(options: "loop_block_size=4096", "loop_backing=/f").loop?.logicalBlockSize == 4096,
            "order within the section doesn't matter")
        #expect(parseError("[j]\nloop_backing=/f\nloop_block_size=4069\n")?.suggestion == "4096")
    }

    @Test("zfs options build spec.zfs; file vdev sizes resolve to bytes")
    func zfs() throws {
        let zfs = try #require(
            try job(
                options: "zfs_dataset=tank/bench", "zfs_direct=always", "zfs_recordsize=128k",
                "zfs_scratch_pool=scratch", "zfs_scratch_vdevs=file:1g,/dev/sdb",
                "zfs_allow_known_crash"
            ).zfs)
        #expect(zfs.dataset == "tank/bench" && zfs.direct == .always && zfs.recordsize == 131072)
        #expect(
            zfs.scratchPool == "scratch" && zfs.scratchVdevs == ["file:1073741824", "/dev/sdb"] && zfs.allowKnownCrash)
        #expect(try job(options: "zfs_direct=standard").zfs?.direct == .standard)
        #expect(parseError("[j]\nzfs_recordsize=96k\n")?.description.contains("power of two") == true)
        #expect(parseError("[j]\nzfs_recordsize=32m\n")?.option == "zfs_recordsize")
        #expect(parseError("[j]\nzfs_dataset=/tank\n")?.option == "zfs_dataset")
        #expect(
            parseError("[j]\nzfs_scratch_pool=mirror1\nzfs_scratch_vdevs=file:1g\n")?.description.contains("reserved")
                == true)
        #expect(parseError("[j]\nzfs_scratch_pool=p\nzfs_scratch_vdevs=file:1m\n")?.description.contains("64m") == true)
        #expect(parseError("[j]\nzfs_direct=alwys\n")?.suggestion == "always")
    }

    @Test("safety switches")
    func safety() throws {
        let j = try job(options: "allow_mounted_write=1", "allow_data_overwrite")
        #expect(j.allowMountedWrite && j.allowOverwriteData)
    }

    @Test("name= renames the job; description is kept as written")
    func nameAndDescription() throws {
        let j = try job(options: "name=renamed", "description=\"a; quoted description\"")
        #expect(j.name == "renamed")
        #expect(j.description == "\"a; quoted description\"")
        #expect(try job("[global]\nname=g\n[sect]\n").name == "sect", "the section name wins over a global name=")
    }
}
