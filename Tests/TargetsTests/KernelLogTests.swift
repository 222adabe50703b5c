import Foundation
import Testing
import Targets
import Vocabulary

@Suite("kernel log records")
struct KernelLogRecordTests {
    @Test("parses prio,seq,usec,flags;message with continuation properties")
    func parse() throws {
        let r = try #require(
            KernelLogRecord(
                parsing: "3,1234,5678901,-,caller=T42;loop0: detected capacity change\n SUBSYSTEM=block\n DEVICE=b7:0\n"
            ))
        #expect(r.level == 3 && r.facility == 0)
        #expect(r.sequence == 1234 && r.timestampMicroseconds == 5_678_901 && r.flags == "-")
        #expect(r.message == "loop0: detected capacity change")
        #expect(r.properties == ["SUBSYSTEM=block", "DEVICE=b7:0"])
    }

    @Test("a line written by a program has the user facility; escapes are decoded")
    func userAndEscapes() throws {
        let r = try #require(KernelLogRecord(parsing: "12,99,1,-;tab\\x09here \\x5c done\n"))
        #expect(r.level == 4 && r.facility == 1)
        #expect(r.message == "tab\there \\ done")
    }

    @Test("text without the record shape is rejected", arguments: ["", "hello", "a,b,c,d;x", "6,1;short"])
    func rejects(text: String) {
        #expect(KernelLogRecord(parsing: text) == nil)
    }
}

@Suite("kernel log classification")
struct KernelLogClassifierTests {
    // Wording as the kernel, SPL and ZFS print it (kernel oops/BUG reports, spl_panic, vdev_disk_error,
    // spa_suspend's CE_WARN, zed's syslog lines).
    @Test(
        "classifies the messages that make a run untrustworthy",
        arguments: [
            (
                "BUG: kernel NULL pointer dereference, address: 0000000000000008",
                [KernelEventKind.nullPointerDereference, .bug]
            ),
            (
                "BUG: unable to handle kernel NULL pointer dereference at 0000000000000008",
                [.nullPointerDereference, .bug]
            ),
            ("Unable to handle kernel NULL pointer dereference at virtual address 0000000c", [.nullPointerDereference]),
            ("BUG: unable to handle page fault for address: ffffc90000a3f000", [.bug]),
            ("Oops: 0000 [#1] PREEMPT SMP NOPTI", [.oops]),
            ("Internal error: Oops: 17 [#2] ARM", [.oops]),
            (
                "Oops: general protection fault, probably for non-canonical address 0xdead000000000100: 0000 [#1] SMP",
                [.generalProtectionFault, .oops]
            ),
            (
                "general protection fault, probably for non-canonical address 0xfbff895d6de93330: 0000 [#1] PREEMPT SMP NOPTI",
                [.generalProtectionFault]
            ),
            ("INFO: task dd:5315 blocked for more than 120 seconds.", [.hungTask]),
            ("kernel BUG at mm/usercopy.c:102!", [.bug]),
            ("BUG: soft lockup - CPU#1 stuck for 22s! [z_wr_iss:1234]", [.bug]),
            ("VERIFY3(zio->io_size == size) failed (131072 == 4096)", [.zfsAssertion]),
            ("PANIC at zfs_uio.c:312:zfs_uio_get_dio_pages_alloc()", [.zfsAssertion]),
            (
                "WARNING: Pool 'tank' has encountered an uncorrectable I/O failure and has been suspended.",
                [.zfsPoolSuspended]
            ),
            ("zio pool=tank vdev=/dev/vdb1 error=5 type=1 offset=270336 size=8192 flags=721601", [.zfsIOError]),
            (
                "zed[1413526]: eid=187 class=checksum pool='tank' vdev=vdb1 algorithm=fletcher4 size=131072",
                [.zfsChecksum]
            ),
            ("zed: eid=12 class=dio_verify_wr pool='tank' vdev=vdb1", [.zfsDioVerify]),
        ])
    func classify(message: String, kinds: [KernelEventKind]) {
        #expect(KernelLogClassifier.classify(message) == kinds)
    }

    @Test(
        "ordinary messages are not events",
        arguments: [
            "ZFS: Loaded module v2.3.9-0+deb13u1, ZFS pool version 5000, ZFS filesystem version 5",
            "loop0: detected capacity change from 0 to 262144",
            "EXT4-fs (vda): mounted filesystem with ordered data mode",
            "WARNING: CPU: 1 PID: 42 at kernel/foo.c:12 bar+0x10/0x20",
            "zio_taskq: created",
        ])
    func ordinary(message: String) {
        #expect(KernelLogClassifier.classify(message).isEmpty)
    }
}

private let canWriteKmsg = getuid() == 0 && access("/dev/kmsg", R_OK | W_OK) == 0

@Suite("kernel log watch on the live /dev/kmsg")
struct KernelLogWatcherTests {
    private func inject(_ line: String) throws {
        let fd = open("/dev/kmsg", O_WRONLY | O_CLOEXEC)
        #expect(fd >= 0)
        defer { close(fd) }
        let n = line.withCString { write(fd, $0, strlen($0)) }
        #expect(n == line.utf8.count)
    }

    @Test(
        "reports an injected BUG: record written after it started, and only once",
        .enabled(if: canWriteKmsg, "needs root to read and write /dev/kmsg"))
    func injected() throws {
        let token = "diobench-test-\(getpid())-\(UInt64.random(in: 0..<UInt64.max))"
        try inject("<6>\(token) before the watch started\n")
        let watcher = try KernelLogWatcher()
        try inject("<6>\(token) an ordinary line\n")
        try inject("<2>BUG: unable to handle page fault for address: 0000000000001000 \(token)\n")

        let batch = try watcher.readNew()
        let ours = batch.records.filter { $0.message.contains(token) }
        #expect(
            ours.map(\.message) == [
                "\(token) an ordinary line",
                "BUG: unable to handle page fault for address: 0000000000001000 \(token)",
            ])
        #expect(ours.allSatisfy { $0.facility == 1 })
        #expect(ours.last?.level == 2)
        let events = batch.events.filter { $0.message.contains(token) }
        #expect(events.count == 1)
        #expect(events.first?.kind == .bug)
        // Sequence numbers grow.
        #expect(zip(batch.records, batch.records.dropFirst()).allSatisfy { $0.sequence < $1.sequence })

        let again = try watcher.readNew()
        #expect(!again.records.contains { $0.message.contains(token) })
    }

    @Test("a log that cannot be opened is a clear error")
    func missing() {
        #expect {
            _ = try KernelLogWatcher(path: "/nonexistent/kmsg")
        } throws: { "\($0)".contains("open /nonexistent/kmsg failed: No such file") }
    }
}
