import Foundation
import Stats
import Vocabulary
import SystemCalls

/// diobench's own lines after each job in the normal report: target alignment, loop device,
/// ZFS direct/ARC accounting, I/O errors, kernel events. Same column layout as fio's lines.
enum DiobenchTextBlock {
    static func render(_ ext: JobExtension) -> String {
        var out = ""
        for t in ext.targets ?? [] { out += target(t) }
        if let loop = ext.loop { out += loopDevice(loop) }
        if let zfs = ext.zfs { out += zfsBlock(zfs) }
        if let errors = ext.ioErrors, errors.total > 0 { out += ioErrors(errors) }
        if let verify = ext.verify { out += verifyBlock(verify) }
        if let crash = ext.crash { out += crashBlock(crash) }
        if let events = ext.kernelEvents, !events.isEmpty {
            out += "  kernel       : \(events.count) event\(events.count == 1 ? "" : "s") in the kernel log\n"
            for e in events.prefix(10) { out += "     \(pad(e.kind.rawValue, 10)): \(e.message)\n" }
        }
        if ext.partial == true { out += "  partial      : yes, the job stopped early; figures cover the I/O done\n" }
        return out
    }

    /// The kernel crash that ended the job: its first line, RIP, the whole trace, and what was left undone.
    static func crashBlock(_ c: KernelCrash) -> String {
        let when =
            c.phase == .setup
            ? "during the job's setup, before its first I/O"
            : "\(String(format: "%.1f", c.secondsIntoJob)) s into its I/O"
        var out = "  crash        : the kernel crashed \(when)\(c.oops.panicked ? " (panic)" : "")\n"
        out += "     report    : \(c.oops.firstLine)\n"
        if let rip = c.oops.rip { out += "     rip       : \(rip)\n" }
        if !c.oops.trace.isEmpty { out += "     trace     : \(c.oops.trace.joined(separator: " ← "))\n" }
        for step in c.undoSkipped ?? [] {
            out += "     not undone: \(step) (it would block on the dead device; `diobench cleanup` after a reboot)\n"
        }
        return out
    }

    static func pad(_ s: String, _ width: Int) -> String {
        s.count >= width ? s : s + String(repeating: " ", count: width - s.count)
    }

    static func bytes(_ v: Int64) -> String {
        v < 0
            ? "-" + FioNumberFormat.string(UInt64(-v), pow2: true, unit: .byte)
            : FioNumberFormat.string(UInt64(v), pow2: true, unit: .byte)
    }

    static func target(_ t: TargetInfo) -> String {
        var facts: [String] = []
        if let fs = t.fsType { facts.append(fs) }
        if let magic = t.fsMagic { facts.append(String(format: "magic=0x%llx", magic)) }
        if let kind = t.kind { facts.append(kind) }
        var line = "  target       : \(t.path)" + (facts.isEmpty ? "" : " (\(facts.joined(separator: ", ")))") + "\n"
        var align: [String] = []
        if let m = t.dioMemAlign { align.append("dio_mem_align=\(m)") }
        if let o = t.dioOffsetAlign { align.append("dio_offset_align=\(o)") }
        if let n = t.dioAlignNote { align.append("(\(n))") }
        if let l = t.logicalBlockSize { align.append("logical_block_size=\(l)") }
        if let b = t.bufferAlign { align.append("buffers aligned to \(b)") }
        if !align.isEmpty { line += "     statx     : " + align.joined(separator: ", ") + "\n" }
        return line
    }

    static func loopDevice(_ l: LoopDeviceReport) -> String {
        var backing = l.backingFile
        var facts = [l.backingFileSystem]
        if let a = l.backingDirectIOAlignment {
            facts.append("dio_mem_align=\(a.memoryAlignment), dio_offset_align=\(a.offsetAlignment)")
        }
        backing += " (\(facts.joined(separator: "; ")))"
        var out = "  loop device  : \(l.device) on \(backing)\n"
        out +=
            "     dio       : requested=\(l.directIORequested ? "on" : "off"), effective=\(l.directIOEffective ? "on" : "off")"
        out += ", logical_block_size=\(l.logicalBlockSize)"
        if l.readOnly { out += ", read-only" }
        out += ", via \(l.setupMethod.rawValue)"
        out += "\n"
        if l.directIORequested, l.directIOEffective == false {
            out +=
                "     note      : the kernel refused direct I/O to the backing file; the loop device used the page cache\n"
        }
        return out
    }

    static func zfsBlock(_ z: ZFSAccounting) -> String {
        var head = "  zfs          : pool=\(z.pool)"
        if let d = z.dataset { head += ", dataset=\(d)" }
        if let d = z.direct { head += ", direct=\(d)" }
        if let r = z.recordsize { head += ", recordsize=\(FioNumberFormat.string(r, pow2: true, unit: .byte))" }
        if let v = z.zfsVersion { head += ", zfs \(v)" }
        if let rules = z.rules { head += " (\(rules) rules)" }
        var out = head + "\n"
        let s = z.iostats
        out +=
            "     direct    : reads=\(s.directReadCount) (\(bytes(s.directReadBytes))), writes=\(s.directWriteCount) (\(bytes(s.directWriteBytes)))\n"
        out +=
            "     arc       : reads=\(s.arcReadCount) (\(bytes(s.arcReadBytes))), writes=\(s.arcWriteCount) (\(bytes(s.arcWriteBytes))); arc reads count misses only\n"
        if let set = z.propertiesSet {
            out += "     set       : \(set.joined(separator: "; ")), restored after the job\n"
        }
        if let r = z.requestedDirect { out += "     asked     : direct reads=\(r.reads), writes=\(r.writes)\n" }
        if let c = z.countedDirect, let e = z.expectedDirect {
            out +=
                "     counted   : direct reads=\(c.reads), writes=\(c.writes) (I/Os; the rules expect \(e.reads) and \(e.writes))\n"
        }
        if let v = z.verdict {
            let parts = [("reads", v.read), ("writes", v.write)].filter { $0.1.outcome != "no I/O" }
                .map { "\($0.0) \($0.1.outcome) (\($0.1.predictedPath): \($0.1.rule))" }
            out += "     verdict   : \(parts.isEmpty ? "no I/O" : parts.joined(separator: "; "))\n"
        }
        if let f = z.inferredFallbacks {
            out += "     fallback  : reads=\(f.reads), writes=\(f.writes) (inferred: asked minus counted)\n"
        }
        if let r = z.rejected, r.reads + r.writes > 0 {
            out += "     rejected  : reads=\(r.reads), writes=\(r.writes)\n"
        }
        if let w = z.pollutionWarning { out += "     warning   : \(w)\n" }
        if let g = z.guardWarning { out += "     guard     : \(g)\n" }
        for n in z.notes ?? [] { out += "     note      : \(n)\n" }
        return out
    }

    static func verifyBlock(_ v: VerifyReport) -> String {
        let size = FioNumberFormat.string(v.bytesChecked, pow2: true, unit: .byte)
        let how =
            v.mode == "read"
            ? "every read"
            : v.readBack == false ? "blocks written, not read back in this run" : "read back after writing"
        var out =
            "  verify       : \(v.method) (\(how)), "
            + "\(v.blocksChecked) blocks (\(size)) checked, \(v.blocksFailed) failed"
        let kinds = v.byKind.nonZero.map { "\($0.kind)=\($0.count)" }
        if !kinds.isEmpty { out += ": " + kinds.joined(separator: ", ") }
        if let overwritten = v.blocksOverwritten {
            out += "; \(overwritten) not checked (overwritten later in the pass)"
        }
        if v.stoppedAtFirstFailure == true { out += "; verify_fatal stopped the job" }
        out += "\n"
        for f in v.failures.prefix(8) {
            out += "     \(pad(f.kind, 10)): \(f.file) block at offset \(f.offset), length \(f.length)"
            if let bad = f.firstBadOffset { out += ", first bad byte at offset \(bad)" }
            out += "; expected \(f.expected), found \(f.found)\n"
        }
        let unlisted = v.blocksFailed - UInt64(min(v.failures.count, 8))
        if unlisted > 0 { out += "     (\(unlisted) more failed block\(unlisted == 1 ? "" : "s") not listed)\n" }
        return out
    }

    static func ioErrors(_ e: IOErrorReport) -> String {
        var counts = e.byErrno.map { "\($0.name)=\($0.count)" }
        if let other = e.otherErrnos { counts.append("other=\(other)") }
        var out = "  io errors    : total=\(e.total): \(counts.joined(separator: ", "))\n"
        for s in e.samples.prefix(4) {
            out +=
                "     \(pad(s.op, 10)): offset=\(s.offset), length=\(s.length), \(s.name) (\(ErrnoNames.message(s.errno)))"
            if let file = s.file { out += ", file=\(file)" }
            out += "\n"
        }
        return out
    }
}
