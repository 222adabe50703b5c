// Checking a block whose generation the reader cannot know: a read-only job verifying what an
// earlier run (or an earlier job with the same identity) wrote, after any number of passes.

extension BlockVerifier {
    /// Like `check`, but expects whatever generation the block's header says (a later pass is as
    /// good as the first). A header that cannot be trusted is judged by `check` as usual; the
    /// generation it is given then only shapes the expected payload of the mismatch scan.
    /// The generation a block's header claims, when the header is intact; nil otherwise (or for verify=pattern).
    public func headerGeneration(block: UnsafeRawPointer, length: Int) -> UInt64? {
        guard case .checksum = method, length >= VerifyHeaderLayout.size else { return nil }
        let header = VerifyHeader(reading: block)
        guard header.magic == VerifyHeaderLayout.magic,
            VerifyHeader.computeHeaderChecksum(block) == header.storedHeaderChecksum
        else { return nil }
        return header.generation
    }

    public func checkAnyGeneration(
        block: UnsafeRawPointer, length: Int, expectedOffset: UInt64, job: UInt32, seed: UInt64
    ) -> VerifyOutcome {
        var generation: UInt64 = 1
        if case .checksum = method, length >= VerifyHeaderLayout.size {
            let header = VerifyHeader(reading: block)
            if header.magic == VerifyHeaderLayout.magic
                && VerifyHeader.computeHeaderChecksum(block) == header.storedHeaderChecksum
            {
                generation = header.generation
            }
        }
        return check(
            block: block, length: length, expectedOffset: expectedOffset, job: job, generation: generation, seed: seed)
    }
}
