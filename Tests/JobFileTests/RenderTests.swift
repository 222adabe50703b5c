// `--parse-only`'s resolved rendering: every option with its effective value, defaults marked, and parseable.

import Testing
@testable import JobFile

@Suite("Resolved rendering")
struct RenderTests {
    static let jobs = [
        "[j]\n",
        "[j]\nrw=randrw:8\nbs=4k,64k\nsize=1g\nioengine=io_uring\niodepth=32\ndirect\nfixedbufs\nsqthread_poll\nruntime=90s\ntime_based\n",
        "[j]\nkb_base=1000\nbs=4KiB,8k\nsize=50%\noffset=10%\nrate=,500k\nrw=write:4k\nstartdelay=1s-3s\nramp_time=1500ms\n",
        "[j]\nbssplit=4k/10:64k/50:32k/40,8k\nbsrange=1k-4k\nrandom_generator=lfsr\nrandseed=42\nverify_pattern=0xdeadbeef\n",
        "[j]\nfilename=/dev/a\\:b:/dev/c\nloop_backing=/x\n".replacingOccurrences(
            of: "filename=/dev/a\\:b:/dev/c\n", with: "directory=/mnt/a\\:b:/mnt/c\n"),
        "[j]\nzfs_dataset=tank/x\nzfs_direct=always\nzfs_recordsize=1m\nzfs_scratch_pool=p\nzfs_scratch_vdevs=file:1g,/dev/sdb\n",
        "[j]\nfilename=/dev/a\\:b:/dev/c\npercentile_list=50:99.5\nrate_iops=100,200,300\ncontinue_on_error=io\nwait_for_previous\n",
        "[j]\nloop_backing=/var/tmp/b\nloop_dio=1\nloop_block_size=4096\nverify=crc32c\nrw=write\nblockalign=8k\n",
        // Found by .ci/fuzz: filename adds up over lines, and on one line `${b:c:c}` would read as a variable.
        "[j]\nfilename=a${b:c\nfilename=c}d:e\n",
        // and a path that ends in `\` cannot be followed by `:` on its line (that would read as `\:`).
        "[j]\nfilename=dio\\\nfilename=dio:x\n",
        // From a second read: a combining mark after a trimmed tab, or U+0600 before `]`, must not join the
        // `=`, `:` or `]` that rendering puts next to it (the lexer reads scalars, as fio reads bytes).
        "[j]\ndescription=\t\u{0301}x\nfilename=b\nfilename=\t\u{0301}a\n",
        "[j]\nname=x\u{0600}\n",
        // and a job's name is its header alone: a [global] name= must not make it a name= line that expands.
        "[global]\nname=g\n[a${X}$pagesize]\n",
    ]

    @Test("rendering a resolved job and parsing it again gives the same job", arguments: jobs)
    func roundTrip(text: String) throws {
        let original = try job(text)
        let rendered = original.renderResolved()
        var again = try job(rendered)
        // Where it came from and what was written differ by construction; the resolved values must not.
        again.sourceLine = original.sourceLine
        again.writtenOptions = original.writtenOptions
        again.explicitOptions = original.explicitOptions
        #expect(again == original, "\(rendered)")
    }

    @Test("options the file set are plain; defaults are marked; unset ones are comments")
    func marking() throws {
        let text = try job("[global]\nbs=8k\n[fast]\niodepth=4\nioengine=io_uring\n").renderResolved()
        let lines = text.split(separator: "\n").map(String.init)
        #expect(lines[0] == "[fast]")
        #expect(lines.contains("bs=8k"), "an inherited global option counts as set by the file")
        #expect(lines.contains("iodepth=4"))
        #expect(lines.contains { $0.hasPrefix("rw=read ") && $0.hasSuffix("; default") })
        #expect(lines.contains("; size not set"))
        #expect(lines.contains { $0.hasPrefix("fixedbufs=0") }, "io_uring options shown for io_uring")
        #expect(!(try job("[j]\n").renderResolved().contains("fixedbufs")), "and hidden for other engines")
        #expect(lines.contains("; Block size"), "grouped by category")
    }
}
