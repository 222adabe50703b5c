import Testing
import Foundation
import Vocabulary

/// A 6.12 x86 oops of the kind OpenZFS 2.3.0 gives when the loop driver reads a file in a `direct=always`
/// dataset (issue 16956), written for these tests from the facts of that report: the loop worker dies in
/// `down_read_killable` under `pin_user_pages_unlocked`, called by ZFS's Direct I/O read path.
enum OopsFixture {
    /// The messages as /dev/kmsg records carry them (one record per line, trace lines indented).
    static let kmsg: [String] = [
        "loop0: detected capacity change from 0 to 2048",
        "BUG: kernel NULL pointer dereference, address: 00000000000000a8",
        "#PF: supervisor read access in kernel mode",
        "#PF: error_code(0x0000) - not-present page",
        "PGD 0 P4D 0 ",
        "Oops: Oops: 0000 [#1] PREEMPT SMP NOPTI",
        "CPU: 1 UID: 0 PID: 312 Comm: kworker/u8:4 Tainted: P           OE      6.12.117+deb13-amd64 #1  Debian 6.12.117-1",
        "Tainted: [P]=PROPRIETARY_MODULE, [O]=OOT_MODULE, [E]=UNSIGNED_MODULE",
        "Hardware name: QEMU Standard PC (Q35 + ICH9, 2009), BIOS 1.16.3-debian-1.16.3-2 04/01/2014",
        "Workqueue: loop0 loop_rootcg_workfn [loop]",
        "RIP: 0010:down_read_killable+0x1c/0x80",
        "Code: 00 00 0f 1f 44 00 00 55 53 48 89 fb e8 2d c4 ff ff <48> 8b 03 48 85 c0 75 34",
        "RSP: 0018:ffffb4a0c05bfa48 EFLAGS: 00010246",
        "RAX: 0000000000000000 RBX: 00000000000000a8 RCX: 0000000000000000",
        "CR2: 00000000000000a8 CR3: 000000010a2f4000 CR4: 0000000000750ef0",
        "PKRU: 55555554",
        "Call Trace:",
        " <TASK>",
        " ? __die+0x23/0x70",
        " ? page_fault_oops+0x173/0x5b0",
        " ? exc_page_fault+0x7e/0x180",
        " ? asm_exc_page_fault+0x26/0x30",
        " ? down_read_killable+0x1c/0x80",
        " __gup_longterm_locked+0x2a1/0x9d0",
        " pin_user_pages_unlocked+0x4e/0x2c0",
        " zfs_uio_get_dio_pages_alloc+0x1b6/0x3d0 [zfs]",
        " zfs_setup_direct+0x8f/0x2a0 [zfs]",
        " zfs_read+0x1f3/0x4b0 [zfs]",
        " zpl_iter_read+0xe2/0x180 [zfs]",
        " lo_rw_aio.isra.0+0x26d/0x3a0 [loop]",
        " loop_process_work+0x1c1/0x430 [loop]",
        " process_one_work+0x177/0x330",
        " worker_thread+0x252/0x390",
        " ? __pfx_worker_thread+0x10/0x10",
        " kthread+0xd2/0x100",
        " ret_from_fork+0x34/0x50",
        " ret_from_fork_asm+0x1a/0x30",
        " </TASK>",
        "Modules linked in: loop zfs(POE) spl(OE) 9p netfs virtio_net",
        "CR2: 00000000000000a8",
        "---[ end trace 0000000000000000 ]---",
        "RIP: 0010:down_read_killable+0x1c/0x80",
    ]

    /// The same report on the serial console: a time stamp per line, `\r\n` line ends.
    static var console: [String] {
        kmsg.enumerated().map { index, line in
            let us = 12_345_678 + index * 37
            let seconds = String(us / 1_000_000)
            var micro = String(us % 1_000_000)
            while micro.count < 6 { micro = "0" + micro }
            return "[" + String(repeating: " ", count: max(0, 5 - seconds.count)) + seconds + "." + micro + "] "
                + line + "\r"
        }
    }

    static let expectedTrace = [
        "__gup_longterm_locked", "pin_user_pages_unlocked", "zfs_uio_get_dio_pages_alloc", "zfs_setup_direct",
        "zfs_read", "zpl_iter_read",
        "lo_rw_aio", "loop_process_work", "process_one_work", "worker_thread", "kthread", "ret_from_fork",
        "ret_from_fork_asm",
    ]
}

@Suite("kernel oops parser")
struct KernelOopsTests {
    @Test("the 16956 oops from kmsg records: first line, RIP, trace without ? frames, offsets or module tags")
    func kmsgRecords() throws {
        let oops = try #require(KernelOops.parse(OopsFixture.kmsg))
        #expect(oops.firstLine == "BUG: kernel NULL pointer dereference, address: 00000000000000a8")
        #expect(oops.headline == "BUG: kernel NULL pointer dereference")
        #expect(oops.rip == "down_read_killable")
        #expect(oops.trace == OopsFixture.expectedTrace)
        #expect(oops.traceModules[2] == "zfs" && oops.traceModules[6] == "loop" && oops.traceModules[1] == "")
        #expect(oops.trace[6] == "lo_rw_aio", "the compiler's .isra.0 clone suffix is not part of the name")
        #expect(oops.panicked == false)
        #expect(Array(oops.moduleTrace.prefix(3)) == ["zfs_uio_get_dio_pages_alloc", "zfs_setup_direct", "zfs_read"])
        #expect(
            oops.summary(frames: 3)
                == "BUG: kernel NULL pointer dereference, RIP down_read_killable; trace zfs_uio_get_dio_pages_alloc ← zfs_setup_direct ← zfs_read ← …"
        )
    }

    @Test("the same oops from the serial console parses the same")
    func consoleLines() throws {
        let fromConsole = try #require(KernelOops.parse(OopsFixture.console))
        #expect(fromConsole == KernelOops.parse(OopsFixture.kmsg))
    }

    @Test("the collector starts at the first crash line and completes at the end of the trace")
    func collector() throws {
        var collector = KernelOopsCollector()
        for line in OopsFixture.console.prefix(3) { collector.add(line) }
        #expect(collector.isStarted && !collector.isComplete)
        #expect(collector.lines.first == "BUG: kernel NULL pointer dereference, address: 00000000000000a8")
        for line in OopsFixture.console.dropFirst(3) { collector.add(line) }
        #expect(collector.isComplete)
        #expect(collector.lines.last == "</TASK>")
        #expect(collector.oops?.trace == OopsFixture.expectedTrace)
    }

    @Test("a WARNING is not a crash; nothing parses from ordinary lines")
    func warningIsNoCrash() {
        let lines = [
            "WARNING: CPU: 0 PID: 1 at fs/iomap/direct-io.c:123 iomap_dio_rw+0x1/0x2",
            "Call Trace:", " <TASK>", " iomap_dio_rw+0x1/0x2", " </TASK>",
        ]
        #expect(KernelOops.parse(lines) == nil)
        var collector = KernelOopsCollector()
        for line in lines { collector.add(line) }
        #expect(!collector.isStarted)
    }

    @Test("a panic (sysrq c) is a report of its own, marked panicked")
    func panic() throws {
        let lines = [
            "[   30.100000] sysrq: Trigger a crash",
            "[   30.100100] Kernel panic - not syncing: sysrq triggered crash",
            "[   30.100200] CPU: 0 UID: 0 PID: 400 Comm: bash Not tainted 6.12.117+deb13-amd64 #1",
            "[   30.100300] Call Trace:",
            "[   30.100310]  <TASK>",
            "[   30.100320]  dump_stack_lvl+0x5d/0x80",
            "[   30.100330]  panic+0x118/0x2f0",
            "[   30.100340]  sysrq_handle_crash+0x1a/0x20",
            "[   30.100350]  </TASK>",
        ]
        let oops = try #require(KernelOops.parse(lines))
        #expect(oops.panicked)
        #expect(oops.firstLine == "Kernel panic - not syncing: sysrq triggered crash")
        #expect(oops.trace == ["dump_stack_lvl", "panic", "sysrq_handle_crash"])
        #expect(oops.rip == nil)
    }

    @Test("general protection fault and kernel BUG at start reports; user RIP names no function")
    func otherStarts() {
        #expect(KernelOops.startsReport("[  1.0] Oops: general protection fault, probably for non-canonical address"))
        #expect(KernelOops.startsReport("kernel BUG at mm/usercopy.c:102!"))
        #expect(!KernelOops.startsReport("WARNING: at kernel/foo.c"))
        #expect(KernelOops.startsReport("general protection fault: 0000 [#1] SMP"))
        #expect(!KernelOops.startsReport("traps: a.out[812] general protection fault ip:401136 sp:7ffd error:0"))
        #expect(KernelOops.parse(["BUG: unable to handle page fault", "RIP: 0033:0x7f2a1c2e4a3d"])?.rip == nil)
        #expect(
            KernelOops.parse(["Oops: general protection fault", "RIP: 0010:zfs_read+0x10/0x20 [zfs]"])?.rip
                == "zfs_read")
    }

    @Test("a crashed job's JSON object is flat: first_line, rip, trace beside phase")
    func crashJSONShape() throws {
        let crash = KernelCrash(
            oops: try #require(KernelOops.parse(OopsFixture.kmsg)), phase: .setup, secondsIntoJob: 0.25,
            undoSkipped: ["detach /dev/loop0"])
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let text = String(decoding: try encoder.encode(crash), as: UTF8.self)
        #expect(text.hasPrefix("{\"first_line\":\"BUG: kernel NULL pointer dereference"))
        #expect(text.contains("\"phase\":\"setup\""))
        #expect(text.contains("\"rip\":\"down_read_killable\""))
        #expect(text.contains("\"seconds_into_job\":0.25"))
        #expect(try JSONDecoder().decode(KernelCrash.self, from: Data(text.utf8)) == crash)
    }
}
