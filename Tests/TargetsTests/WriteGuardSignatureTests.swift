// Signature detection on synthetic images (one per kind, built from the format facts), and on images
// real tools made (mke2fs, mkswap) cross-checked with blkid.
import DiobenchTestSupport
import Foundation
import Testing
@testable import Targets

/// A zeroed image with helpers to place magic numbers.
struct SyntheticImage {
    var bytes: [UInt8]

    init(size: Int) { bytes = [UInt8](repeating: 0, count: size) }

    mutating func put(_ values: [UInt8], at offset: Int) {
        bytes.replaceSubrange(offset..<(offset + values.count), with: values)
    }

    mutating func put(_ text: String, at offset: Int) { put(Array(text.utf8), at: offset) }

    mutating func le16(_ value: UInt16, at offset: Int) {
        put(withUnsafeBytes(of: value.littleEndian, Array.init), at: offset)
    }
    mutating func le32(_ value: UInt32, at offset: Int) {
        put(withUnsafeBytes(of: value.littleEndian, Array.init), at: offset)
    }
    mutating func be32(_ value: UInt32, at offset: Int) {
        put(withUnsafeBytes(of: value.bigEndian, Array.init), at: offset)
    }
    mutating func le64(_ value: UInt64, at offset: Int) {
        put(withUnsafeBytes(of: value.littleEndian, Array.init), at: offset)
    }
    mutating func be64(_ value: UInt64, at offset: Int) {
        put(withUnsafeBytes(of: value.bigEndian, Array.init), at: offset)
    }

    var view: DiskImageView { DiskImageView(image: bytes) }
    var kinds: [DiskSignatureKind] { DiskSignatures.detect(in: view).map(\.kind) }

    /// An ext superblock with sane fields; `incompat`/`compat` choose ext2, ext3 or ext4.
    static func ext(compat: UInt32, incompat: UInt32, label: String? = nil) -> SyntheticImage {
        var image = SyntheticImage(size: 1 << 20)
        image.le32(2048, at: 1024)  // s_inodes_count
        image.le32(2, at: 1024 + 24)  // s_log_block_size: 4 KiB blocks
        image.le32(32768, at: 1024 + 32)  // s_blocks_per_group
        image.le16(0xEF53, at: 1080)  // s_magic
        image.le32(1, at: 1024 + 76)  // s_rev_level
        image.le32(compat, at: 1024 + 0x5C)
        image.le32(incompat, at: 1024 + 0x60)
        if let label { image.put(label, at: 1024 + 0x78) }
        return image
    }

    /// A ZFS uberblock magic in slot `slot` of the uberblock ring of vdev label `label`.
    static func zfs(size: Int, label: Int, slot: Int, bigEndian: Bool) -> SyntheticImage {
        var image = SyntheticImage(size: size)
        let labelSize = 256 << 10
        let usable = size & ~(labelSize - 1)
        let starts = [0, labelSize, usable - 2 * labelSize, usable - labelSize]
        let at = starts[label] + (128 << 10) + slot * 1024
        if bigEndian { image.be64(0x00ba_b10c, at: at) } else { image.le64(0x00ba_b10c, at: at) }
        image.le64(5000, at: at + 8)  // ub_version
        return image
    }
}

@Suite struct WriteGuardSignatureTests {
    @Test func anEmptyImageHasNoSignature() {
        #expect(SyntheticImage(size: 4 << 20).kinds.isEmpty)
    }

    @Test func randomDataHasNoSignature() {
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<20 {
            var image = SyntheticImage(size: 2 << 20)
            image.bytes.withUnsafeMutableBytes { raw in
                for i in stride(from: 0, to: raw.count, by: 8) {
                    raw.storeBytes(of: rng.next(), toByteOffset: i, as: UInt64.self)
                }
            }
            #expect(image.kinds.isEmpty)
        }
    }

    @Test func extVersionsAreToldApartByTheirFeatures() throws {
        #expect(SyntheticImage.ext(compat: 0, incompat: 0x2).kinds == [.ext2])
        #expect(SyntheticImage.ext(compat: 0x4, incompat: 0x2).kinds == [.ext3])
        let ext4 = SyntheticImage.ext(compat: 0x4, incompat: 0x2C2, label: "data")  // extents, 64bit, flex_bg
        let found = try #require(DiskSignatures.detect(in: ext4.view).first)
        #expect(found.kind == .ext4)
        #expect(found.description == "an ext4 file system labelled \"data\" (superblock magic 0xEF53 at byte 1080)")
    }

    @Test func theExtMagicAloneIsNotEnough() {
        // Two bytes match by chance once in 65536 blocks of random data; the superblock must be sane too.
        var image = SyntheticImage(size: 1 << 20)
        image.le16(0xEF53, at: 1080)
        #expect(image.kinds.isEmpty)
    }

    @Test func xfsBtrfsLuksNtfsFat() {
        var xfs = SyntheticImage(size: 1 << 20)
        xfs.put("XFSB", at: 0)
        xfs.be32(4096, at: 4)
        #expect(xfs.kinds == [.xfs])

        var btrfs = SyntheticImage(size: 1 << 20)
        btrfs.put("_BHRfS_M", at: 65600)
        #expect(btrfs.kinds == [.btrfs])

        var luks = SyntheticImage(size: 1 << 20)
        luks.put([0x4C, 0x55, 0x4B, 0x53, 0xBA, 0xBE], at: 0)
        #expect(luks.kinds == [.luks])

        var ntfs = SyntheticImage(size: 1 << 20)
        ntfs.put("NTFS    ", at: 3)
        ntfs.put([0x55, 0xAA], at: 510)
        ntfs.put([0x80, 1, 1, 0, 0x07], at: 446)  // boot code that looks like a partition entry must not count
        #expect(ntfs.kinds == [.ntfs])

        var fat = SyntheticImage(size: 1 << 20)
        fat.put("FAT32   ", at: 82)
        fat.put([0x55, 0xAA], at: 510)
        #expect(fat.kinds == [.vfat])
    }

    @Test(arguments: [(0, false), (1, true), (2, false), (3, true)])
    func zfsUberblockMagicInAnyLabelAndByteOrder(label: Int, bigEndian: Bool) throws {
        let image = SyntheticImage.zfs(size: 64 << 20, label: label, slot: 37, bigEndian: bigEndian)
        let found = try #require(DiskSignatures.detect(in: image.view).first)
        #expect(found.kind == .zfsMember)
        #expect(found.evidence.contains("vdev label \(label)"))
        #expect(found.evidence.contains(bigEndian ? "big-endian" : "little-endian"))
    }

    @Test func zfsMagicOutsideTheUberblockRingIsIgnored() {
        var image = SyntheticImage(size: 64 << 20)
        image.le64(0x00ba_b10c, at: 64 << 10)  // in the nvlist area, not the ring
        image.le64(0x00ba_b10c, at: (128 << 10) + 512)  // in the ring, but not at a slot start
        #expect(image.kinds.isEmpty)
    }

    @Test func lvm2LabelInAnyOfTheFirstFourSectors() {
        for sector in 0..<4 {
            var image = SyntheticImage(size: 1 << 20)
            image.put("LABELONE", at: sector * 512)
            image.put("LVM2 001", at: sector * 512 + 24)
            #expect(image.kinds == [.lvm2], "sector \(sector)")
        }
        var tooLate = SyntheticImage(size: 1 << 20)
        tooLate.put("LABELONE", at: 4 * 512)
        #expect(tooLate.kinds.isEmpty)
    }

    @Test func mdSuperblockAtEveryVersionsOffset() {
        let size = 8 << 20
        let v1Offsets = [("1.1", 0), ("1.2", 4096), ("1.0", (size - 8192) & ~4095)]
        for (version, offset) in v1Offsets {
            var image = SyntheticImage(size: size)
            image.le32(0xA92B_4EFC, at: offset)
            image.le32(1, at: offset + 4)
            let found = DiskSignatures.detect(in: image.view)
            #expect(found.map(\.kind) == [.mdRAID], "\(version)")
            #expect(found.first?.detail == "(metadata \(version))")
        }
        for bigEndian in [false, true] {
            var image = SyntheticImage(size: size)
            let offset = (size & ~65535) - 65536
            if bigEndian { image.be32(0xA92B_4EFC, at: offset) } else { image.le32(0xA92B_4EFC, at: offset) }
            #expect(DiskSignatures.detect(in: image.view).first?.detail == "(metadata 0.90)")
        }
    }

    @Test func swapAtTheEndOfThePage() {
        for page in [4096, 65536] {
            var image = SyntheticImage(size: 1 << 20)
            image.put("SWAPSPACE2", at: page - 10)
            #expect(image.kinds == [.swap])
        }
    }

    @Test func partitionTables() throws {
        var mbr = SyntheticImage(size: 1 << 20)
        mbr.put([0x55, 0xAA], at: 510)
        mbr.put([0x00, 0, 0, 0, 0x83, 0, 0, 0], at: 446)
        mbr.le32(2048, at: 446 + 8)
        mbr.le32(4096, at: 446 + 12)
        mbr.put([0x80, 0, 0, 0, 0x8e, 0, 0, 0], at: 462)
        mbr.le32(6144, at: 462 + 8)
        mbr.le32(1024, at: 462 + 12)
        let found = try #require(DiskSignatures.detect(in: mbr.view).first)
        #expect(found.kind == .mbr && found.detail == "with 2 partitions")

        var bootCodeOnly = SyntheticImage(size: 1 << 20)
        bootCodeOnly.put([0x55, 0xAA], at: 510)
        #expect(bootCodeOnly.kinds.isEmpty, "0x55AA with no valid partition entry is not a partition table")

        var gpt = SyntheticImage(size: 1 << 20)
        gpt.put([0x55, 0xAA], at: 510)
        gpt.put([0x00, 0, 2, 0, 0xEE, 0, 0, 0], at: 446)  // the protective MBR
        gpt.le32(1, at: 446 + 8)
        gpt.le32(2047, at: 446 + 12)
        gpt.put("EFI PART", at: 512)
        #expect(gpt.kinds == [.gpt])
    }

    @Test func aViewWithOnlyBothEndsFindsSignaturesAtEitherEnd() {
        // What the live guard reads from a large device: the first and the last MiB.
        let size: UInt64 = 1 << 40
        var head = [UInt8](repeating: 0, count: 1 << 20)
        var tail = [UInt8](repeating: 0, count: 1 << 20)
        head.replaceSubrange(0..<4, with: Array("XFSB".utf8))
        head.replaceSubrange(4..<8, with: [0, 0, 0x10, 0])
        let mdAt = Int(((size - 8192) & ~4095) - (size - (1 << 20)))
        tail.replaceSubrange(mdAt..<(mdAt + 8), with: [0xFC, 0x4E, 0x2B, 0xA9, 1, 0, 0, 0])
        let kinds = DiskSignatures.detect(in: DiskImageView(size: size, head: head, tail: tail)).map(\.kind)
        #expect(kinds == [.xfs, .mdRAID])
    }
}

/// Images made by the real tools, read back through the same code as a device, compared with blkid.
@Suite struct WriteGuardSignaturesOfRealImages {
    static let toolsPresent = ["/usr/sbin/mke2fs", "/usr/sbin/mkswap", "/usr/sbin/blkid"].allSatisfy {
        FileManager.default.isExecutableFile(atPath: $0)
    }

    @Test(
        .enabled(if: toolsPresent, "needs mke2fs, mkswap and blkid (e2fsprogs, util-linux)"),
        arguments: ["ext2", "ext3", "ext4", "swap"])
    func detectionAgreesWithBlkid(_ type: String) async throws {
        let scratch = try TemporaryDirectory("targets-sig", under: "/tmp")
        let image = scratch.file("\(type).img")
        try await runCommand(["truncate", "-s", "64M", image])
        let made =
            type == "swap"
            ? try await runCommand(["mkswap", "-q", image])
            : try await runCommand(["mke2fs", "-q", "-F", "-t", type, image])
        try #require(made.status == 0, "\(made.stderr)")
        let blkid = try await runCommand(["blkid", "-p", "-o", "value", "-s", "TYPE", image])
        #expect(blkid.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == type)
        let found = try WriteGuard.readSignatures(path: image).get()
        #expect(found.map(\.kind.rawValue) == [type])
    }
}
