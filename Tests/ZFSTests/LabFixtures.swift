import Foundation
@testable import ZFS

/// The lab captures copied from zfs-lab/captures (OpenZFS 2.3.9 in a VM, fio 3.39, recordsize
/// 128k): fio-SUMMARY.txt and seven steps with their raw kstat files before and after.
enum LabFixtures {
    static var root: String {
        Bundle.module.url(forResource: "Fixtures", withExtension: nil)!.path + "/zfs-lab"
    }

    static let capturedSteps = [
        "03-disabled-psync-read-128k-direct1-cold",
        "16-standard-psync-write-128k-direct1",
        "18-standard-psync-read-128k-direct1-cold",
        "26-standard-psync-read-4k-offset512-direct1-cold",
        "33-always-psync-read-128k-direct1-cold",
        "41-always-psync-read-4k-offset512-direct1-cold",
        "46-always-newfile-write-128k-direct1",
    ]

    static func text(_ relative: String) throws -> String {
        try String(contentsOfFile: root + "/" + relative, encoding: .utf8)
    }

    static func snapshot(step: String, _ when: String) throws -> ZFSPoolKstats {
        try ZFSPoolKstats.snapshot(directory: root + "/" + step + "/" + when, pool: "tank")
    }

    /// `module version: 2.3.9-0+deb13u1` from versions.txt.
    static func moduleVersion() throws -> ZFSVersion {
        let line = try text("versions.txt").split(separator: "\n").first { $0.hasPrefix("module version:") }!
        return try ZFSVersion(parsing: String(line.dropFirst("module version:".count)))
    }
}

/// One row of fio-SUMMARY.txt: the step, fio's exit status and the counter deltas.
struct SummaryRow {
    var step: String
    var rc: Int
    var values: [String: UInt64]

    static func parseAll(_ text: String) throws -> [SummaryRow] {
        let lines = text.split(separator: "\n").map(String.init)
        let header = lines[0].split(separator: " ").map(String.init)
        return lines.dropFirst().map { line in
            let f = line.split(separator: " ").map(String.init)
            precondition(f.count == header.count, "fio-SUMMARY.txt row with \(f.count) fields: \(line)")
            var values: [String: UInt64] = [:]
            for (name, value) in zip(header.dropFirst(2), f.dropFirst(2)) { values[name] = UInt64(value)! }
            return SummaryRow(step: f[0], rc: Int(f[1])!, values: values)
        }
    }

    subscript(_ column: String) -> UInt64 { values[column]! }
}

/// The fio job a step ran, from its name and zfs-dio-probe.sh's `fio_run` calls:
///   fio --rw=RW --bs=BS --size=32M --ioengine=ENGINE --direct=D --iodepth=4 [extra]
/// with extra `--offset=512 --size=1M` (4k offset512 and bs6k steps), `--offset=512 --size=4M`
/// (128k offset512 writes), `--io_size=4M` (4k random steps), `--iomem_align=4096` (memalign4k),
/// `--size=4M --fallocate=none --create_on_open=1` (newfile). fio aligns its buffers to the page
/// with direct=1 or iomem_align=4096; otherwise they come from malloc, 16-byte aligned.
struct LabJob {
    var setting: ZFSDirectProperty
    var engine: String
    var rw: String
    var blockSize: UInt64
    var oDirect: Bool
    var offset512: Bool
    var memalign4k: Bool
    var newFile: Bool
    var bytes: UInt64

    init(step: String) {
        var t = step.split(separator: "-").map(String.init).dropFirst()
        setting = ZFSDirectProperty(rawValue: t.removeFirst())!
        var engine = t.removeFirst()
        newFile = engine == "newfile"
        if newFile { engine = "psync" }
        self.engine = engine
        rw = t.removeFirst()
        let bsText = t.removeFirst()
        blockSize = ScratchVdev.parseSize(bsText.hasPrefix("bs") ? String(bsText.dropFirst(2)) : bsText)!
        oDirect = t.contains("direct1")
        offset512 = t.contains("offset512")
        memalign4k = t.contains("memalign4k")
        if offset512 && blockSize == 128 << 10 {
            bytes = 4 << 20
        } else if offset512 || bsText.hasPrefix("bs") {
            bytes = 1 << 20
        } else if rw.hasPrefix("rand") || newFile {
            bytes = 4 << 20
        } else {
            bytes = 32 << 20
        }
    }

    var isWrite: Bool { rw.contains("write") }
    /// fio issues a last short request when the size is not a multiple of bs (bs6k: 171 reads).
    var ios: UInt64 { (bytes + blockSize - 1) / blockSize }
    /// Lowest set bit of the offsets: 512 with offset=512, 2k for multiples of 6k, else bs.
    var offsetAlignment: UInt64 {
        if offset512 { return 512 }
        return blockSize & (~blockSize &+ 1)
    }
    var bufferAlignment: UInt64 { oDirect || memalign4k ? 4096 : 16 }
    var dataset: String { "tank/\(setting.rawValue)" }

    /// What the job did; a failed step (fio rc=1) stopped at its first request, an EINVAL.
    func jobIO(failed: Bool) -> ZFSJobIO {
        let shape = ZFSRequestShape(
            ios: failed ? 0 : ios, bytes: failed ? 0 : bytes, einvalErrors: failed ? 1 : 0,
            minBlockSize: blockSize, offsetAlignment: offsetAlignment)
        return ZFSJobIO(
            read: isWrite ? .none : shape, write: isWrite ? shape : .none, oDirect: oDirect,
            bufferAlignment: bufferAlignment, filesGrownFromEmpty: newFile ? 1 : 0)
    }
}
