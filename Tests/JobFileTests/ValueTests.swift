// Value forms: sizes and kb_base, percentages, times, ranges, bssplit and read,write,trim triples.

import Testing
@testable import JobFile

@Suite("Values")
struct ValueTests {
    @Test(
        "size suffixes with the default kb_base=1024",
        arguments: [
            ("512", 512), ("512b", 512), ("4096B", 4096), ("4k", 4096), ("4K", 4096), ("4kb", 4096), ("4KB", 4096),
            ("4ki", 4096), ("1m", 1 << 20), ("1M", 1 << 20), ("1mb", 1 << 20), ("1g", 1 << 30), ("1t", 1 << 40),
            ("1p", 1 << 50), ("0x1000", 4096),
            // fio: the KiB forms mean powers of 1000 in its default (compatibility) mode
            ("4KiB", 4000), ("1MiB", 1_000_000), ("1gib", 1_000_000_000),
        ] as [(String, UInt64)])
    func sizes1024(text: String, bytes: UInt64) throws {
        #expect(try job(options: "offset=\(text)").offset == bytes)
    }

    @Test(
        "size suffixes with kb_base=1000",
        arguments: [
            ("4k", 4000), ("1m", 1_000_000), ("1MB", 1_000_000), ("1g", 1_000_000_000), ("4KiB", 4096),
            ("1MiB", 1 << 20),
            ("1mi", 1_000_000),
        ] as [(String, UInt64)])
    func sizes1000(text: String, bytes: UInt64) throws {
        #expect(try job(options: "kb_base=1000", "offset=\(text)").offset == bytes)
    }

    @Test("kb_base applies before the other options of its section, wherever it is written")
    func kbBaseOrder() throws {
        #expect(try job(options: "size=1m", "kb_base=1000").size == 1_000_000)
    }

    @Test("a [global] size keeps the global's kb_base; the job's kb_base applies to the job's own sizes")
    func kbBaseLayers() throws {
        let j = try job("[global]\nsize=1m\n[j]\nkb_base=1000\nbs=4k\n")
        #expect(j.size == 1 << 20)
        #expect(j.blockSize.read == 4000)
        #expect(j.kbBase == 1000)
    }

    @Test(
        "sizes fio would silently misread are errors here",
        arguments: ["4q", "1.5k", "4k4", "k", "-4k", "3*4096", "4 k"])
    func badSizes(text: String) throws {
        let error = try #require(parseError("[j]\nbs=\(text)\n"))
        #expect(error.kind == .badValue && error.line == 2 && error.option == "bs")
    }

    @Test("percentages for size, offset and offset_increment")
    func percentages() throws {
        let j = try job(options: "size=50%", "offset=20%", "offset_increment=12.5%")
        #expect(j.size == nil && j.sizePercent == 50)
        #expect(j.offset == 0 && j.offsetPercent == 20)
        #expect(j.offsetIncrementPercent == 12.5)
        #expect(parseError("[j]\nsize=0%\n")?.option == "size")
        #expect(parseError("[j]\nsize=150%\n")?.description.contains("1% to 100%") == true)
        #expect(parseError("[j]\nio_size=50%\n")?.option == "io_size", "io_size takes no percentage")
    }

    @Test(
        "times: plain numbers are seconds for runtime, ramp_time and startdelay",
        arguments: [
            ("10", 10_000_000_000), ("10s", 10_000_000_000), ("10sec", 10_000_000_000), ("250ms", 250_000_000),
            ("250msec", 250_000_000), ("1500us", 1_500_000), ("2m", 120_000_000_000), ("2M", 120_000_000_000),
            ("1h", 3_600_000_000_000), ("1d", 86_400_000_000_000),
        ] as [(String, UInt64)])
    func times(text: String, ns: UInt64) throws {
        let j = try job(options: "runtime=\(text)", "ramp_time=\(text)", "startdelay=\(text)")
        #expect(j.runtimeNs == ns && j.rampTimeNs == ns && j.startDelayNs == ns)
    }

    @Test("runtime=0 means no limit; a bad time unit is an error")
    func runtimeEdges() throws {
        #expect(try job(options: "runtime=0").runtimeNs == nil)
        let error = try #require(parseError("[j]\nruntime=10x\n"))
        #expect(error.description.contains("'10x' is not a time"))
        #expect(error.description.contains("us/ms/s/m/h/d"))
    }

    @Test("startdelay takes a range")
    func startDelayRange() throws {
        let j = try job(options: "startdelay=1-3s")
        #expect(j.startDelayNs == 1_000_000_000 && j.startDelayMaxNs == 3_000_000_000)
        #expect(parseError("[j]\nstartdelay=5-1\n")?.description.contains("minimum above its maximum") == true)
    }

    @Test(
        "bs: one value for all directions, read,write[,trim] forms as fio documents them",
        arguments: [
            ("256k", [262144, 262144, 262144]),
            ("8k,32k", [8192, 32768, 32768]),
            ("8k,32k,", [8192, 32768, 4096]),
            (",8k", [4096, 8192, 8192]),
            (",8k,", [4096, 8192, 4096]),
            ("8k,", [8192, 4096, 4096]),
            ("1k,2k,3k", [1024, 2048, 3072]),
        ] as [(String, [UInt64])])
    func perDirection(text: String, expected: [UInt64]) throws {
        let bs = try job(options: "bs=\(text)").blockSize
        #expect([bs.read, bs.write, bs.trim] == expected)
    }

    @Test("an empty direction keeps the value inherited from [global]")
    func perDirectionInherits() throws {
        let bs = try job("[global]\nbs=16k\n[j]\nbs=,64k,\n").blockSize
        #expect([bs.read, bs.write, bs.trim] == [16384, 65536, 16384])
    }

    @Test("more than three directions, or none, are errors")
    func perDirectionErrors() throws {
        #expect(parseError("[j]\nbs=1k,2k,3k,4k\n")?.description.contains("at most three") == true)
        #expect(parseError("[j]\nbs=,\n")?.description.contains("no value given") == true)
    }

    @Test("bsrange: MIN-MAX or MIN:MAX, per direction with ',' or '/'")
    func bsrange() throws {
        let r = try #require(try job(options: "bsrange=1k-4k,2k:8k").blockSizeRange)
        #expect(r.read == SizeRange(min: 1024, max: 4096))
        #expect(r.write == SizeRange(min: 2048, max: 8192) && r.trim == r.write)
        let slash = try #require(try job(options: "blocksize_range=1k-4k/8k-32k").blockSizeRange)
        #expect(slash.write == SizeRange(min: 8192, max: 32768))
        let error = try #require(parseError("[j]\nbsrange=64k-4k\n"))
        #expect(
            error.description.contains("test.fio:2: option 'bsrange': range '64k-4k' has its minimum above its maximum")
        )
    }

    @Test("bssplit: sorted by size, blanks share the rest, percentages add up to 100")
    func bssplit() throws {
        let split = try #require(try job(options: "bssplit=4k/10:64k/50:32k/40").bssplit)
        #expect(
            split.read == [
                BlockSizeShare(size: 4096, percent: 10), BlockSizeShare(size: 32768, percent: 40),
                BlockSizeShare(size: 65536, percent: 50),
            ])
        #expect(split.write == split.read && split.trim == split.read)
        // HOWTO: 4k/50:1k/:32k/ is 50% 4k and 25% each of 1k and 32k
        let blanks = try #require(try job(options: "bssplit=4k/50:1k/:32k/").bssplit).read
        #expect(blanks.map(\.size) == [1024, 4096, 32768] && blanks.map(\.percent) == [25, 50, 25])
        // Three blanks: 33 each, the leftover 1% to the largest, where fio's selection puts it.
        let thirds = try #require(try job(options: "bssplit=4k:8k:16k").bssplit).read
        #expect(thirds.map(\.percent) == [33, 33, 34])
        let perDirection = try #require(try job(options: "bssplit=2k/50:4k/50,4k/90:8k/10").bssplit)
        #expect(perDirection.read.map(\.size) == [2048, 4096] && perDirection.write.map(\.percent) == [90, 10])
    }

    @Test("bssplit errors: over 100%, bad percent, empty entry")
    func bssplitErrors() throws {
        #expect(parseError("[j]\nbssplit=4k/60:8k/50\n")?.description.contains("percentages add up to 110%") == true)
        #expect(parseError("[j]\nbssplit=4k/x\n")?.option == "bssplit")
        #expect(parseError("[j]\nbssplit=4k/50::8k/50\n")?.description.contains("empty entry") == true)
    }

    @Test("bools are 0 or 1, as in fio")
    func bools() throws {
        #expect(try job(options: "direct=1").direct)
        #expect(try !job(options: "direct=0").direct)
        let error = try #require(parseError("[j]\ndirect=yes\n"))
        #expect(
            error.description
                == "test.fio:2: option 'direct': 'yes' is not 0 or 1 (expected 0 or 1, or the option name alone for 1)")
    }

    @Test("counts take fio's k suffix and hex; ranges are enforced")
    func counts() throws {
        #expect(try job(options: "iodepth=1k").iodepth == 1024)
        #expect(try job(options: "randseed=0x1234").randseed == 0x1234)
        #expect(parseError("[j]\nnumjobs=0\n")?.description.contains("expected 1 to 65536") == true)
        #expect(parseError("[j]\nrwmixread=101\n")?.description.contains("expected 0 to 100") == true)
    }
}
