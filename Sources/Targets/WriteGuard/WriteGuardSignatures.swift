// Signatures that say a device (or file) holds data: file systems, RAID and volume-manager labels,
// ZFS vdev labels, swap, partition tables. Pure functions over bytes: the live guard reads the first
// and last MiB of the device and hands them here; tests hand synthetic buffers.
//
// Where each signature lives (facts from the formats' public documentation):
//   ext2/3/4  superblock at 1024, magic 0xEF53 (LE16) at 1080; feature flags tell ext2/3/4 apart
//   xfs       "XFSB" at 0
//   btrfs     "_BHRfS_M" at 65600 (superblock at 64 KiB, magic at +64)
//   ZFS       four 256 KiB vdev labels (two at the start, two at the end, the device size rounded
//             down to 256 KiB); each holds an uberblock ring at +128 KiB of slots of at least 1 KiB,
//             every uberblock starting with the magic 0x00bab10c in the pool's byte order
//   LVM2      "LABELONE" at the start of one of sectors 0..3, "LVM2 001" 24 bytes further
//   md RAID   magic 0xa92b4efc (LE32): v1.1 at 0, v1.2 at 4 KiB, v1.0 at (size − 8 KiB) rounded down
//             to 4 KiB; v0.90 at the size rounded down to 64 KiB, minus 64 KiB (host byte order)
//   swap      "SWAPSPACE2" (or the old "SWAP-SPACE") ending at the end of the first page
//   LUKS      "LUKS\xba\xbe" at 0
//   NTFS      "NTFS    " at 3;  FAT "FAT12   "/"FAT16   " at 54 or "FAT32   " at 82, with 0x55AA at 510
//   GPT       "EFI PART" at 512 (or 4096 with 4 KiB sectors)
//   MBR       0x55AA at 510 and at least one valid partition entry at 446 + 16·i

public enum DiskSignatureKind: String, Sendable, Codable, CaseIterable {
    case ext2, ext3, ext4, xfs, btrfs
    case zfsMember = "zfs_member"
    case lvm2 = "LVM2_member"
    case mdRAID = "linux_raid_member"
    case swap
    case luks = "crypto_LUKS"
    case ntfs, vfat
    case gpt, mbr

    /// "an ext4 file system", "a ZFS vdev label (a pool member)", …
    public var phrase: String {
        switch self {
        case .ext2, .ext3, .ext4: return "an \(rawValue) file system"
        case .xfs: return "an xfs file system"
        case .btrfs: return "a btrfs file system"
        case .zfsMember: return "a ZFS vdev label (a member of a ZFS pool)"
        case .lvm2: return "an LVM2 physical volume label"
        case .mdRAID: return "a Linux md RAID superblock"
        case .swap: return "swap space"
        case .luks: return "a LUKS encrypted volume"
        case .ntfs: return "an NTFS file system"
        case .vfat: return "a FAT file system"
        case .gpt: return "a GPT partition table"
        case .mbr: return "an MBR partition table"
        }
    }
}

/// One signature found, with the evidence ("superblock magic 0xEF53 at byte 1080").
public struct DiskSignature: Sendable, Equatable, Codable, CustomStringConvertible {
    public var kind: DiskSignatureKind
    /// Byte offset of the magic that identified it.
    public var offset: UInt64
    public var evidence: String
    /// Extra facts worth printing: a label, a RAID version, a partition count.
    public var detail: String?

    public init(kind: DiskSignatureKind, offset: UInt64, evidence: String, detail: String? = nil) {
        self.kind = kind
        self.offset = offset
        self.evidence = evidence
        self.detail = detail
    }

    /// "an ext4 file system labelled "data" (superblock magic 0xEF53 at byte 1080)"
    public var description: String {
        kind.phrase + (detail.map { " " + $0 } ?? "") + " (" + evidence + ")"
    }
}

/// The bytes of a device that signatures live in: its start and its end.
public struct DiskImageView: Sendable {
    public var size: UInt64
    /// Bytes 0..<head.count.
    public var head: [UInt8]
    /// Bytes (size − tail.count)..<size.
    public var tail: [UInt8]

    public init(size: UInt64, head: [UInt8], tail: [UInt8]) {
        self.size = size
        self.head = head
        self.tail = tail
    }

    /// A whole image in memory (tests, small files).
    public init(image: [UInt8]) {
        self.init(size: UInt64(image.count), head: image, tail: [])
    }

    /// The `count` bytes at `offset`, when the view holds them.
    public func bytes(at offset: UInt64, count: Int) -> ArraySlice<UInt8>? {
        guard count >= 0, offset <= size, UInt64(count) <= size - offset else { return nil }
        if offset + UInt64(count) <= UInt64(head.count) {
            return head[Int(offset)..<Int(offset) + count]
        }
        let tailStart = size - UInt64(tail.count)
        if offset >= tailStart {
            let start = Int(offset - tailStart)
            return tail[start..<start + count]
        }
        return nil
    }

    func matches(_ literal: [UInt8], at offset: UInt64) -> Bool {
        guard let found = bytes(at: offset, count: literal.count) else { return false }
        return found.elementsEqual(literal)
    }

    func le16(_ offset: UInt64) -> UInt16? { integer(offset, 2).map { UInt16(truncatingIfNeeded: $0) } }
    func le32(_ offset: UInt64) -> UInt32? { integer(offset, 4).map { UInt32(truncatingIfNeeded: $0) } }
    func le64(_ offset: UInt64) -> UInt64? { integer(offset, 8) }
    func be32(_ offset: UInt64) -> UInt32? { le32(offset)?.byteSwapped }

    private func integer(_ offset: UInt64, _ width: Int) -> UInt64? {
        guard let b = bytes(at: offset, count: width) else { return nil }
        var value: UInt64 = 0
        for (i, byte) in b.enumerated() { value |= UInt64(byte) << (8 * UInt64(i)) }
        return value
    }

    /// NUL-terminated text at `offset`, trimmed; nil when empty or not printable.
    func text(at offset: UInt64, maxLength: Int) -> String? {
        guard let raw = bytes(at: offset, count: maxLength) else { return nil }
        let chars = raw.prefix { $0 != 0 }
        guard !chars.isEmpty, chars.allSatisfy({ $0 >= 0x20 && $0 < 0x7f }) else { return nil }
        let s = String(decoding: chars, as: UTF8.self).withoutPaddingSpaces
        return s.isEmpty ? nil : s
    }
}

extension String {
    /// Without leading and trailing spaces (the padding in on-disk label fields).
    fileprivate var withoutPaddingSpaces: String {
        var s = Substring(self)
        while s.first == " " { s = s.dropFirst() }
        while s.last == " " { s = s.dropLast() }
        return String(s)
    }
}

public enum DiskSignatures {
    /// How much of each end of a device `detect` looks at (ZFS's end labels need the last 768 KiB).
    public static let bytesNeededAtEachEnd = 1 << 20

    /// Every signature found, in the order of the list above.
    public static func detect(in view: DiskImageView) -> [DiskSignature] {
        var found: [DiskSignature] = []
        if let s = ext(view) { found.append(s) }
        if let s = xfs(view) { found.append(s) }
        if let s = btrfs(view) { found.append(s) }
        if let s = zfs(view) { found.append(s) }
        if let s = lvm2(view) { found.append(s) }
        if let s = md(view) { found.append(s) }
        if let s = swap(view) { found.append(s) }
        if let s = luks(view) { found.append(s) }
        let bootSector = ntfs(view) ?? vfat(view)
        if let s = bootSector { found.append(s) }
        let gptFound = gpt(view)
        if let s = gptFound { found.append(s) }
        // A FAT or NTFS boot sector also ends in 0x55AA and its code is no partition table; GPT's
        // protective MBR (one 0xEE entry) is part of the GPT.
        if bootSector == nil, let s = mbr(view, gptPresent: gptFound != nil) { found.append(s) }
        return found
    }

    static func ext(_ v: DiskImageView) -> DiskSignature? {
        let sb: UInt64 = 1024
        guard v.le16(sb + 56) == 0xEF53,
            let logBlockSize = v.le32(sb + 24), logBlockSize <= 6,
            let revision = v.le32(sb + 76), revision <= 1,
            let inodes = v.le32(sb + 0), inodes > 0,
            let blocksPerGroup = v.le32(sb + 32), blocksPerGroup > 0,
            let compat = v.le32(sb + 0x5C), let incompat = v.le32(sb + 0x60), let roCompat = v.le32(sb + 0x64)
        else { return nil }
        // ext3 knows only these incompat (filetype, recover, meta_bg) and ro_compat (sparse_super,
        // large_file, btree_dir) features; anything else (extents, 64bit, flex_bg, …) is ext4.
        let kind: DiskSignatureKind
        if incompat & ~UInt32(0x2 | 0x4 | 0x10) != 0 || roCompat & ~UInt32(0x1 | 0x2 | 0x4) != 0 {
            kind = .ext4
        } else if compat & 0x4 != 0 {
            kind = .ext3
        } else {
            kind = .ext2
        }
        let label = v.text(at: sb + 0x78, maxLength: 16).map { "labelled \"\($0)\"" }
        return DiskSignature(kind: kind, offset: 1080, evidence: "superblock magic 0xEF53 at byte 1080", detail: label)
    }

    static func xfs(_ v: DiskImageView) -> DiskSignature? {
        guard v.matches(Array("XFSB".utf8), at: 0), let blockSize = v.be32(4),
            blockSize >= 512, blockSize <= 65536, blockSize & (blockSize - 1) == 0
        else { return nil }
        let label = v.text(at: 108, maxLength: 12).map { "labelled \"\($0)\"" }
        return DiskSignature(kind: .xfs, offset: 0, evidence: "superblock magic \"XFSB\" at byte 0", detail: label)
    }

    static func btrfs(_ v: DiskImageView) -> DiskSignature? {
        guard v.matches(Array("_BHRfS_M".utf8), at: 65600) else { return nil }
        let label = v.text(at: 65536 + 0x12B, maxLength: 256).map { "labelled \"\($0)\"" }
        return DiskSignature(
            kind: .btrfs, offset: 65600, evidence: "superblock magic \"_BHRfS_M\" at byte 65600", detail: label)
    }

    static let zfsLabelSize: UInt64 = 256 << 10
    static let zfsUberblockMagic: UInt64 = 0x00ba_b10c

    /// Start of each of the four vdev labels that fit in a device of `size` bytes.
    static func zfsLabelOffsets(size: UInt64) -> [(index: Int, offset: UInt64)] {
        let usable = size & ~(zfsLabelSize - 1)
        var labels: [(index: Int, offset: UInt64)] = []
        if usable >= zfsLabelSize { labels.append((0, 0)) }
        if usable >= 2 * zfsLabelSize { labels.append((1, zfsLabelSize)) }
        if usable >= 4 * zfsLabelSize {
            labels.append((2, usable - 2 * zfsLabelSize))
            labels.append((3, usable - zfsLabelSize))
        }
        return labels
    }

    static func zfs(_ v: DiskImageView) -> DiskSignature? {
        // Slots are 1 KiB or larger powers of two, so every slot starts on a 1 KiB boundary.
        for (index, labelStart) in zfsLabelOffsets(size: v.size) {
            for slot in stride(from: UInt64(128 << 10), to: zfsLabelSize, by: 1024) {
                guard let word = v.le64(labelStart + slot) else { break }
                if word == zfsUberblockMagic || word == zfsUberblockMagic.byteSwapped {
                    let order = word == zfsUberblockMagic ? "little-endian" : "big-endian"
                    return DiskSignature(
                        kind: .zfsMember, offset: labelStart + slot,
                        evidence:
                            "uberblock magic 0x00bab10c (\(order)) at byte \(labelStart + slot), in vdev label \(index)"
                    )
                }
            }
        }
        return nil
    }

    static func lvm2(_ v: DiskImageView) -> DiskSignature? {
        for sector in 0..<4 {
            let at = UInt64(sector * 512)
            if v.matches(Array("LABELONE".utf8), at: at) {
                let type = v.matches(Array("LVM2 001".utf8), at: at + 24) ? "" : " (label type not \"LVM2 001\")"
                return DiskSignature(
                    kind: .lvm2, offset: at,
                    evidence: "\"LABELONE\" at the start of sector \(sector) (byte \(at))\(type)")
            }
        }
        return nil
    }

    static let mdMagic: UInt32 = 0xA92B_4EFC

    static func md(_ v: DiskImageView) -> DiskSignature? {
        var candidates: [(UInt64, String)] = [(0, "1.1"), (4096, "1.2")]
        if v.size >= 8192 { candidates.append(((v.size - 8192) & ~UInt64(4095), "1.0")) }
        for (at, version) in candidates where v.le32(at) == mdMagic && v.le32(at + 4) == 1 {
            return DiskSignature(
                kind: .mdRAID, offset: at, evidence: "superblock magic 0xa92b4efc at byte \(at)",
                detail: "(metadata \(version))")
        }
        if v.size >= 128 << 10 {
            let at = (v.size & ~UInt64(65535)) - 65536
            if let word = v.le32(at), word == mdMagic || word == mdMagic.byteSwapped {
                let major = word == mdMagic ? v.le32(at + 4) : v.be32(at + 4)
                if major == 0 {
                    return DiskSignature(
                        kind: .mdRAID, offset: at, evidence: "superblock magic 0xa92b4efc at byte \(at)",
                        detail: "(metadata 0.90)")
                }
            }
        }
        return nil
    }

    static func swap(_ v: DiskImageView) -> DiskSignature? {
        for page: UInt64 in [4096, 8192, 16384, 65536] {
            for magic in ["SWAPSPACE2", "SWAP-SPACE"] where v.matches(Array(magic.utf8), at: page - 10) {
                return DiskSignature(
                    kind: .swap, offset: page - 10,
                    evidence: "\"\(magic)\" at byte \(page - 10) (end of a \(page / 1024) KiB page)")
            }
        }
        return nil
    }

    static func luks(_ v: DiskImageView) -> DiskSignature? {
        guard v.matches([0x4C, 0x55, 0x4B, 0x53, 0xBA, 0xBE], at: 0) else { return nil }
        return DiskSignature(kind: .luks, offset: 0, evidence: "magic \"LUKS\\xba\\xbe\" at byte 0")
    }

    static func ntfs(_ v: DiskImageView) -> DiskSignature? {
        guard v.matches(Array("NTFS    ".utf8), at: 3) else { return nil }
        return DiskSignature(kind: .ntfs, offset: 3, evidence: "OEM id \"NTFS    \" at byte 3")
    }

    static func vfat(_ v: DiskImageView) -> DiskSignature? {
        guard v.matches([0x55, 0xAA], at: 510) else { return nil }
        for (at, name) in [(UInt64(82), "FAT32   "), (54, "FAT16   "), (54, "FAT12   ")]
        where v.matches(Array(name.utf8), at: at) {
            return DiskSignature(
                kind: .vfat, offset: at,
                evidence: "\"\(name.withoutPaddingSpaces)\" at byte \(at) and 0x55AA at byte 510")
        }
        return nil
    }

    static func gpt(_ v: DiskImageView) -> DiskSignature? {
        for at: UInt64 in [512, 4096] where v.matches(Array("EFI PART".utf8), at: at) {
            return DiskSignature(kind: .gpt, offset: at, evidence: "header \"EFI PART\" at byte \(at)")
        }
        return nil
    }

    static func mbr(_ v: DiskImageView, gptPresent: Bool) -> DiskSignature? {
        guard v.matches([0x55, 0xAA], at: 510) else { return nil }
        var partitions = 0
        var protective = false
        for i in 0..<4 {
            let entry = UInt64(446 + 16 * i)
            guard let status = v.bytes(at: entry, count: 1)?.first, status == 0 || status == 0x80 else { return nil }
            guard let type = v.bytes(at: entry + 4, count: 1)?.first, let sectors = v.le32(entry + 12) else {
                return nil
            }
            if type != 0 && sectors != 0 {
                partitions += 1
                if type == 0xEE { protective = true }
            }
        }
        guard partitions > 0, !(protective && gptPresent) else { return nil }
        return DiskSignature(
            kind: .mbr, offset: 510, evidence: "boot signature 0x55AA at byte 510",
            detail: "with \(partitions) partition\(partitions == 1 ? "" : "s")")
    }
}
