// Bad input: unknown options, bad values and impossible combinations, with file, line, option,
// what would be valid and a "did you mean".

import Testing
@testable import JobFile

@Suite("Validation")
struct ValidationTests {
    @Test("the error description names file, line, option and what is valid")
    func badSizeMessage() throws {
        let error = try #require(parseError("[global]\nsize=1m\n\n[a]\nrw=read\n\nbs=4q\n", file: "jobs/a.fio"))
        #expect(
            error.description
                == "jobs/a.fio:7: option 'bs': '4q' is not a size (expected a number with an optional k/m/g/t suffix, e.g. 4k)"
        )
        #expect(error.kind == .badValue && error.file == "jobs/a.fio" && error.line == 7 && error.option == "bs")
        #expect(error.valid == "expected a number with an optional k/m/g/t suffix, e.g. 4k")
    }

    @Test(
        "unknown options get a did-you-mean for near misses",
        arguments: [
            ("blocksiz", "blocksize"), ("iodpeth", "iodepth"), ("ramptime", "ramp_time"), ("numjob", "numjobs"),
            ("direkt", "direct"), ("rwmixreed", "rwmixread"), ("fixedbuf", "fixedbufs"), ("BS", "bs"),
            ("group-reporting", "group_reporting"), ("iodepth_batch_comp", "iodepth_batch_complete_min"),
        ])
    func didYouMean(written: String, suggested: String) throws {
        let error = try #require(parseError("[j]\n\(written)=1\n"))
        #expect(error.kind == .unknownOption && error.option == written && error.line == 2)
        #expect(error.suggestion == suggested)
        #expect(error.description.hasSuffix("(did you mean '\(suggested)'?)"))
    }

    @Test("a word far from every option gets no guess; a fio option diobench lacks says so")
    func noGuess() throws {
        let far = try #require(parseError("[j]\nflubber=3\n"))
        #expect(far.suggestion == nil && far.description.contains("unknown option (fio 3.33 has no option"))
        let fio = try #require(parseError("[j]\nread_iolog=trace.log\n"))
        #expect(fio.kind == .unknownOption && fio.description.contains("fio 3.33 accepts this option, but diobench"))
        #expect(fio.description.contains("replays or merges I/O traces"))
    }

    @Test("io_uring options under another engine: the error points at the later of the two lines")
    func engineOptionConflicts() throws {
        let later = try #require(parseError("[j]\nioengine=psync\nfixedbufs\n"))
        #expect(later.kind == .conflict && later.line == 3 && later.option == "fixedbufs")
        #expect(later.description.contains("ioengine=psync (test.fio:2)"))
        let engineLater = try #require(parseError("[global]\nregisterfiles=1\n[j]\nioengine=sync\n"))
        #expect(engineLater.line == 4 && engineLater.option == "ioengine")
        let defaultEngine = try #require(parseError("[j]\nsqthread_poll\n"))
        #expect(defaultEngine.line == 2 && defaultEngine.description.contains("ioengine=psync (default)"))
    }

    @Test("hipri without direct=1")
    func hipriNeedsDirect() throws {
        let error = try #require(parseError("[j]\nioengine=io_uring\nhipri\n"))
        #expect(error.line == 3 && error.option == "hipri" && error.description.contains("set direct=1"))
        let buffered = try #require(parseError("[j]\nioengine=io_uring\nhipri\nbuffered=1\n"))
        #expect(buffered.line == 4 && buffered.option == "buffered")
    }

    @Test("hipri, nowait and uncached belong to io_uring and pvsync2; pvsync2's own options name pvsync2 elsewhere")
    func sharedEngineOption() throws {
        let job = try parse("[j]\nioengine=pvsync2\nhipri\nhipri_percentage=25\nnowait=1\nuncached=1\n")
        let spec = try #require(job.jobs.first)
        #expect(spec.engineOptions.hipri && spec.engineOptions.hipriPercentage == 25)
        #expect(spec.engineOptions.nowait && spec.engineOptions.uncached)
        #expect(try parse("[j]\nioengine=pvsync2\n").jobs.first?.engineOptions.hipriPercentage == 100)
        let wrong = try #require(parseError("[j]\nioengine=psync\nhipri\n"))
        #expect(wrong.option == "hipri" && wrong.description.contains("ioengine=io_uring or ioengine=pvsync2"))
        let own = try #require(parseError("[j]\nioengine=io_uring\nhipri_percentage=50\n"))
        #expect(own.option == "hipri_percentage" && own.description.contains("an option of ioengine=pvsync2"))
        // nowait and uncached belong to io_uring too, as in fio 3.33.
        let ring = try parse("[j]\nioengine=io_uring\nnowait=1\nuncached=1\n")
        #expect(ring.jobs.first?.engineOptions.nowait == true && ring.warnings.count == 1)
        let uncached = try parse("[j]\nioengine=pvsync2\nuncached=1\n").warnings
        #expect(uncached.count == 1 && uncached[0].message.contains("RWF_DONTCACHE") && uncached[0].location.line == 3)
        let range = try #require(parseError("[j]\nioengine=pvsync2\nhipri_percentage=101\n"))
        #expect(range.option == "hipri_percentage" && range.line == 3)
    }

    @Test("mmap with direct, fsync or fdatasync needs whole pages, as fio's mmap engine; buffered 3k is fine")
    func mmapBlockSize() throws {
        let direct = try #require(parseError("[j]\nioengine=mmap\nbs=3k\ndirect=1\n"))
        #expect(direct.kind == .conflict && direct.line == 4 && direct.option == "direct")
        #expect(direct.description.contains("multiples of the page size"))
        let sync = try #require(parseError("[j]\nioengine=mmap\nfsync=4\nbs=2k\n"))
        #expect(sync.line == 4 && sync.option == "bs" && sync.description.contains("with fsync"))
        #expect(throws: Never.self) { try parse("[j]\nioengine=mmap\nbs=3k\n") }
        #expect(throws: Never.self) { try parse("[j]\nioengine=mmap\nbs=8k\ndirect=1\nthp=1\n") }
    }

    @Test("loop options without loop_backing; read-only loop with writes; loop plus filename")
    func loopConflicts() throws {
        let missing = try #require(parseError("[j]\nloop_block_size=4096\n"))
        #expect(
            missing.line == 2 && missing.option == "loop_block_size"
                && missing.description.contains("needs loop_backing"))
        let readOnly = try #require(parseError("[j]\nloop_backing=/f\nloop_read_only\nrw=randwrite\n"))
        #expect(readOnly.line == 4 && readOnly.option == "rw")
        let both = try #require(parseError("[j]\nfilename=/dev/sdb\nloop_backing=/f\n"))
        #expect(both.line == 3 && both.option == "loop_backing")
        let small = try parse("[j]\nloop_backing=/f\nloop_block_size=4096\ndirect=1\nbs=512\n")
        #expect(small.warnings.contains { $0.message.contains("EINVAL") })
    }

    @Test("scratch pool and vdevs need each other")
    func scratchPool() throws {
        #expect(parseError("[j]\nzfs_scratch_pool=p\n")?.description.contains("needs vdevs") == true)
        #expect(parseError("[j]\nzfs_scratch_vdevs=file:1g\n")?.description.contains("need a pool name") == true)
    }

    @Test("rate and rate_iops together; size below the block size; verify=pattern without a pattern")
    func otherConflicts() throws {
        #expect(parseError("[j]\nrate=1m\nrate_iops=100\n")?.line == 3)
        let small = try #require(parseError("[j]\nsize=1k\nbs=4k\n"))
        #expect(
            small.line == 3 && small.option == "bs"
                && small.description.contains("smaller than the smallest block size"))
        #expect(parseError("[j]\nrw=write\nbs=4k,64k\nsize=32k\n")?.line == 4)
        #expect(try job(options: "rw=read", "bs=4k,64k", "size=32k").size == 32768, "only the directions used count")
        #expect(parseError("[j]\nverify=pattern\n")?.description.contains("needs verify_pattern") == true)
    }

    @Test("syntax errors: option outside a section, unclosed header, value without a name, include problems")
    func syntax() throws {
        #expect(
            parseError("bs=4k\n[j]\n")?.description.hasPrefix("test.fio:1: option 'bs': option outside of any section")
                == true)
        #expect(parseError("[j\nbs=4k\n")?.kind == .syntax)
        #expect(parseError("[]\n")?.kind == .syntax)
        #expect(parseError("[j]\n=4k\n")?.kind == .syntax)
        #expect(parseError("include x.fio\n[j]\n")?.kind == .include)
        #expect(parseError("[j]\ninclude /nonexistent/diobench.inc\n")?.description.contains("does not exist") == true)
        #expect(parseError("[j]\nbs\n")?.description.contains("needs a value") == true)
    }

    @Test("no jobs at all is an error")
    func noJobs() throws {
        #expect(parseError("[global]\nbs=4k\n")?.kind == .noJobs)
        #expect(parseError("; nothing\n")?.kind == .noJobs)
    }

    @Test("fio-style warnings for verify with shared files and norandommap with several block sizes")
    func verifyWarnings() throws {
        let shared = try parse("[j]\nrw=write\nverify=crc32c\nnumjobs=2\nfilename=/tmp/x\n")
        #expect(shared.warnings.contains { $0.option == "numjobs" && $0.message.contains("overwrite") })
        let norandom = try parse("[j]\nrw=randwrite\nverify=crc32c\nbsrange=4k-16k\nnorandommap\n")
        #expect(norandom.warnings.contains { $0.option == "norandommap" })
        let timed = try parse("[j]\nrw=write\nverify=crc32c\ntime_based\nruntime=5\n")
        #expect(timed.warnings.contains { $0.message.contains("never starts") })
    }
}
