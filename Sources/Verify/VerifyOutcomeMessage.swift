// One-line explanations of a failed check, for the job's error output. Failure path only.

extension VerifyOutcome {
    /// E.g. "verify: torn write in block 0x20000+4096 of /dev/loop3: first bad byte at offset 131337
    /// (0x20109), 17 bytes differ up to offset 131353; expected 9c 01 … found 00 00 …"
    public func message(target: String, blockOffset: UInt64, length: Int) -> String {
        let block = "block \(hex(blockOffset))+\(length) of \(target)"
        switch self {
        case .ok:
            return "verify: \(block) is good"
        case .notWritten:
            return "verify: \(block) holds only zeros: it was never written (or was zeroed or trimmed since)"
        case let .headerCorrupt(damage):
            let payload =
                damage.payloadAsExpected
                ? "the data after the header is what was written, so only the header was damaged"
                : "the data after the header is not what this job wrote here either"
            return "verify: bad header in \(block): \(damage.reason.explanation); \(payload)"
        case let .misdirected(writtenFor, foundAt, generation):
            return
                "verify: misdirected write: \(block) holds the block written for offset \(writtenFor) (\(hex(writtenFor))), "
                + "generation \(generation), found at offset \(foundAt) (\(hex(foundAt)))"
        case let .stale(found, expected, intact):
            return
                "verify: stale data in \(block): generation \(found) found, \(expected) expected: the latest write was lost"
                + (intact ? "" : ", and the old block's data does not match its own checksum")
        case let .foreign(job, seed, generation):
            return "verify: \(block) was written by job \(job) with seed \(seed), generation \(generation): "
                + "another job, another run, or a later pass than this check expects"
        case let .torn(m):
            return "verify: torn or corrupted write in \(block): " + m.explanation
        case let .patternMismatch(m):
            return "verify: pattern mismatch in \(block): " + m.explanation
        }
    }
}

extension PayloadMismatch {
    var explanation: String {
        "first bad byte at offset \(firstBadOffset) (\(hex(firstBadOffset))), \(badBytes) byte\(badBytes == 1 ? " differs" : "s differ") "
            + "up to offset \(lastBadOffset) (\(hex(lastBadOffset))); expected \(expected) found \(found)"
    }
}

extension HeaderDamage.Reason {
    var explanation: String {
        switch self {
        case let .badMagic(found):
            return
                "no diobench verify header (magic \(hex(UInt64(found))), expected \(hex(UInt64(VerifyHeaderLayout.magic))))"
        case let .badHeaderChecksum(stored, computed):
            return "header checksum \(hex(UInt64(stored))) does not match its contents (\(hex(UInt64(computed))))"
        case let .unknownVersion(v): return "unknown header version \(v)"
        case let .unknownChecksumKind(k): return "unknown checksum kind \(k)"
        case let .lengthMismatch(found):
            return "the header describes a block of \(found) bytes (written with another block size)"
        case let .blockTooShort(length):
            return "the block is \(length) bytes, shorter than the \(VerifyHeaderLayout.size)-byte header"
        }
    }
}

func hex(_ value: UInt64) -> String { "0x" + String(value, radix: 16) }
