// fill/check round trips and every failure the checker must tell apart, on memory buffers.
import Testing
@testable import Verify

@Suite struct BlockVerifierRoundTrip {
    @Test(arguments: allMethods)
    func randomLengthsAndOffsetsRoundTrip(_ method: BlockVerifier.Method) throws {
        let verifier = try makeVerifier(method)
        var rng = SeededGenerator(seed: 0xB10C)
        for trial in 0..<200 {
            let length = Int.random(in: VerifyHeaderLayout.size...70_000, using: &rng)
            let offset = UInt64.random(in: 0...(1 << 40), using: &rng)
            let job = UInt32.random(in: 0...UInt32.max, using: &rng)
            let generation = UInt64.random(in: 0...1000, using: &rng)
            let seed = rng.next()
            let block = Block(length)
            verifier.fill(
                block: block.pointer, length: length, offset: offset, job: job, generation: generation, seed: seed)
            let outcome = verifier.check(
                block: block.pointer, length: length, expectedOffset: offset, job: job, generation: generation,
                seed: seed)
            #expect(outcome == .ok, "trial \(trial): length \(length) offset \(offset)")
        }
    }

    @Test(arguments: checksumKinds)
    func headerCarriesTheBlockIdentity(_ kind: VerifyChecksum) {
        let block = Block(4096)
        BlockVerifier(checksum: kind).fill(
            block: block.pointer, length: 4096, offset: 0x1234_5000, job: 7, generation: 3, seed: 99)
        let header = VerifyHeader(reading: block.pointer)
        #expect(Array(block.bytes[0..<4]) == Array("DIBV".utf8))
        #expect(header.version == 1)
        #expect(header.kindRaw == kind.rawValue)
        #expect(header.offset == 0x1234_5000)
        #expect(header.length == 4096)
        #expect(header.job == 7)
        #expect(header.generation == 3)
        #expect(header.seed == 99)
        #expect(header.storedHeaderChecksum == VerifyHeader.computeHeaderChecksum(block.pointer))
    }

    @Test func payloadDependsOnSeedOffsetAndGeneration() {
        let verifier = BlockVerifier(checksum: .crc32c)
        func payload(offset: UInt64, generation: UInt64, seed: UInt64) -> [UInt8] {
            let block = Block(4096)
            verifier.fill(
                block: block.pointer, length: 4096, offset: offset, job: 1, generation: generation, seed: seed)
            return Array(block.bytes[VerifyHeaderLayout.size...])
        }
        let base = payload(offset: 4096, generation: 1, seed: 5)
        #expect(base == payload(offset: 4096, generation: 1, seed: 5), "the same inputs regenerate the same bytes")
        for other in [
            payload(offset: 8192, generation: 1, seed: 5), payload(offset: 4096, generation: 2, seed: 5),
            payload(offset: 4096, generation: 1, seed: 6),
        ] {
            let same = zip(base, other).filter { $0 == $1 }.count
            // Independent random bytes agree about 1 time in 256.
            #expect(same < base.count / 50, "\(same) of \(base.count) bytes equal")
        }
    }

    @Test func patternRepeatsFromTheBlockStart() throws {
        let verifier = try BlockVerifier(pattern: [1, 2, 3])
        let block = Block(10_000)
        verifier.fill(block: block.pointer, length: 10_000, offset: 0, job: 0, generation: 0, seed: 0)
        #expect(block.bytes == (0..<10_000).map { UInt8($0 % 3 + 1) })
    }

    @Test func configurationErrorsAreExplained() throws {
        #expect(throws: VerifyConfigurationError.emptyPattern) { try BlockVerifier(pattern: []) }
        let verifier = BlockVerifier(checksum: .sha256)
        #expect(throws: VerifyConfigurationError.blockTooShort(length: 64, minimum: 80, method: "sha256")) {
            try verifier.validate(blockLength: 64)
        }
        try verifier.validate(blockLength: 80)
        #expect(VerifyConfigurationError.emptyPattern.description.contains("verify_pattern"))
    }
}

@Suite struct BlockVerifierFailures {
    let length = 8192
    let offset: UInt64 = 1 << 30

    func written(
        _ kind: VerifyChecksum, offset: UInt64? = nil, generation: UInt64 = 5, job: UInt32 = 2, seed: UInt64 = 77
    ) -> Block {
        let block = Block(length)
        BlockVerifier(checksum: kind).fill(
            block: block.pointer, length: length, offset: offset ?? self.offset, job: job, generation: generation,
            seed: seed)
        return block
    }

    func check(_ kind: VerifyChecksum, _ block: Block, at offset: UInt64? = nil, generation: UInt64 = 5)
        -> VerifyOutcome
    {
        BlockVerifier(checksum: kind).check(
            block: block.pointer, length: block.count, expectedOffset: offset ?? self.offset, job: 2,
            generation: generation, seed: 77)
    }

    @Test(arguments: checksumKinds)
    func aFlippedPayloadByteIsReportedAtItsFileOffset(_ kind: VerifyChecksum) {
        var rng = SeededGenerator(seed: 31)
        for _ in 0..<50 {
            let block = written(kind)
            let position = Int.random(in: VerifyHeaderLayout.size..<length, using: &rng)
            let original = block[position]
            let flipped = original ^ UInt8(1 << Int.random(in: 0..<8, using: &rng))
            block[position] = flipped
            let outcome = check(kind, block)
            guard case let .torn(m) = outcome else {
                Issue.record("expected torn, got \(outcome)")
                continue
            }
            #expect(m.firstBadOffset == offset + UInt64(position))
            #expect(m.lastBadOffset == offset + UInt64(position))
            #expect(m.badBytes == 1)
            #expect(m.expected[0] == original)
            #expect(m.found[0] == flipped)
            #expect(m.expected.count == min(8, length - position))
            let message = outcome.message(target: "/dev/loop9", blockOffset: offset, length: length)
            #expect(message.contains("first bad byte at offset \(offset + UInt64(position))"), "\(message)")
        }
    }

    @Test(arguments: checksumKinds)
    func aTornWriteReportsTheFirstAndLastBadBytes(_ kind: VerifyChecksum) {
        // The second half of the block kept the previous generation's data: a torn write.
        let block = written(kind, generation: 5)
        let old = written(kind, generation: 4)
        let tear = 4096
        (block.pointer + tear).copyMemory(from: old.pointer + tear, byteCount: length - tear)
        guard case let .torn(m) = check(kind, block) else {
            Issue.record("expected torn")
            return
        }
        #expect(m.firstBadOffset >= offset + UInt64(tear) && m.firstBadOffset < offset + UInt64(tear) + 8)
        #expect(m.lastBadOffset > offset + UInt64(length) - 9)
        #expect(m.badBytes > (length - tear) * 9 / 10)
    }

    @Test(arguments: checksumKinds)
    func aBlockFoundAtAnotherOffsetIsMisdirected(_ kind: VerifyChecksum) {
        let a: UInt64 = 40960, b: UInt64 = 1 << 30
        let block = written(kind, offset: a)
        let outcome = check(kind, block, at: b)
        #expect(outcome == .misdirected(writtenFor: a, foundAt: b, generation: 5))
        let message = outcome.message(target: "f", blockOffset: b, length: length)
        #expect(message.contains("offset 40960") && message.contains("offset \(b)"), "\(message)")
    }

    @Test(arguments: checksumKinds)
    func anOlderGenerationIsStale(_ kind: VerifyChecksum) {
        let block = written(kind, generation: 3)
        #expect(
            check(kind, block, generation: 4) == .stale(foundGeneration: 3, expectedGeneration: 4, payloadIntact: true))
        block[length - 1] ^= 0xFF
        #expect(
            check(kind, block, generation: 4) == .stale(foundGeneration: 3, expectedGeneration: 4, payloadIntact: false)
        )
    }

    @Test(arguments: checksumKinds)
    func zerosAreNotWritten(_ kind: VerifyChecksum) {
        #expect(check(kind, Block(length)) == .notWritten)
    }

    @Test(arguments: checksumKinds)
    func anotherJobOrRunOrALaterPassIsForeign(_ kind: VerifyChecksum) {
        #expect(check(kind, written(kind, job: 3)) == .foreign(job: 3, seed: 77, generation: 5))
        #expect(check(kind, written(kind, seed: 78)) == .foreign(job: 2, seed: 78, generation: 5))
        #expect(check(kind, written(kind, generation: 6)) == .foreign(job: 2, seed: 77, generation: 6))
    }

    @Test(arguments: checksumKinds)
    func aDamagedHeaderIsToldApartFromADamagedPayload(_ kind: VerifyChecksum) {
        let block = written(kind)
        block[VerifyHeaderLayout.blockOffsetOffset] ^= 0x10  // the offset field: its own checksum catches it
        guard case let .headerCorrupt(damage) = check(kind, block) else {
            Issue.record("expected header corrupt")
            return
        }
        guard case .badHeaderChecksum = damage.reason else {
            Issue.record("expected a header checksum failure, got \(damage.reason)")
            return
        }
        #expect(damage.payloadAsExpected)

        let garbage = Block(length)
        var rng = SeededGenerator(seed: 4)
        for i in 0..<length { garbage[i] = UInt8.random(in: 0...255, using: &rng) }
        guard case let .headerCorrupt(other) = check(kind, garbage), case .badMagic = other.reason else {
            Issue.record("expected bad magic")
            return
        }
        #expect(!other.payloadAsExpected)
    }

    @Test(arguments: checksumKinds)
    func aBlockOfAnotherLengthIsReported(_ kind: VerifyChecksum) {
        let block = written(kind)
        let shorter = Block(4096)
        shorter.pointer.copyMemory(from: block.pointer, byteCount: 4096)
        let outcome = BlockVerifier(checksum: kind).check(
            block: shorter.pointer, length: 4096, expectedOffset: offset, job: 2, generation: 5, seed: 77)
        // The payload is a function of the byte position, not the block length: the first 4 KiB are
        // exactly what a 4 KiB write would have carried, only the header disagrees.
        #expect(
            outcome
                == .headerCorrupt(HeaderDamage(reason: .lengthMismatch(found: UInt32(length)), payloadAsExpected: true))
        )
    }

    @Test func theHeaderKindDecidesThePayloadChecksum() {
        // A block written with sha256 checks out under a crc32c verifier too: the header says how.
        let block = written(.sha256)
        #expect(check(.crc32c, block) == .ok)
    }
}

@Suite struct PatternVerifierFailures {
    @Test func aFlippedByteIsReportedAtItsFileOffset() throws {
        let verifier = try BlockVerifier(pattern: [0xde, 0xad, 0xbe, 0xef])
        let block = Block(65_536)
        let offset: UInt64 = 3 << 20
        verifier.fill(block: block.pointer, length: block.count, offset: offset, job: 0, generation: 0, seed: 0)
        block[5001] = 0x00
        let outcome = verifier.check(
            block: block.pointer, length: block.count, expectedOffset: offset, job: 0, generation: 0, seed: 0)
        guard case let .patternMismatch(m) = outcome else {
            Issue.record("expected pattern mismatch, got \(outcome)")
            return
        }
        #expect(m.firstBadOffset == offset + 5001)
        #expect(m.badBytes == 1)
        #expect(m.expected[0] == 0xad)  // 5001 % 4 == 1
        #expect(m.found[0] == 0x00)
        #expect(m.expected.description == "ad be ef de ad be ef de")
    }

    @Test func zerosAreNotWrittenUnlessThePatternIsZero() throws {
        let zeros = Block(4096)
        #expect(
            try BlockVerifier(pattern: [7]).check(
                block: zeros.pointer, length: 4096, expectedOffset: 0, job: 0, generation: 0, seed: 0) == .notWritten)
        #expect(
            try BlockVerifier(pattern: [0, 0]).check(
                block: zeros.pointer, length: 4096, expectedOffset: 0, job: 0, generation: 0, seed: 0) == .ok)
    }
}
