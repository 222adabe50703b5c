// Finding where a block differs from what it should hold. Runs only after a check failed, so it
// favours clarity; it still allocates nothing.

struct MismatchScan {
    private(set) var first = -1
    private(set) var last = -1
    private(set) var count = 0
    private var expectedWindow: UInt64 = 0
    private var foundWindow: UInt64 = 0
    private var windowCount = 0

    var isEmpty: Bool { count == 0 }

    /// True before the first difference, and again once the window after it is complete: then a
    /// run of matching bytes changes nothing and can be skipped a word at a time.
    var canSkipMatches: Bool { first < 0 || windowCount == 8 }

    /// Call for every position in increasing order (matching bytes too: they fill the window).
    @inline(__always)
    mutating func note(position: Int, expected: UInt8, found: UInt8) {
        if expected != found {
            if first < 0 { first = position }
            last = position
            count += 1
        }
        if first >= 0 && windowCount < 8 {
            expectedWindow |= UInt64(expected) << (UInt64(windowCount) * 8)
            foundWindow |= UInt64(found) << (UInt64(windowCount) * 8)
            windowCount += 1
        }
    }

    func mismatch(blockOffset: UInt64) -> PayloadMismatch {
        PayloadMismatch(
            firstBadOffset: blockOffset + UInt64(first), lastBadOffset: blockOffset + UInt64(last), badBytes: count,
            expected: ByteWindow(bytes: expectedWindow, count: windowCount),
            found: ByteWindow(bytes: foundWindow, count: windowCount))
    }

    /// Compares block bytes `start..<end` (start a multiple of 8) with the generated payload for `key`.
    static func againstPayload(_ block: UnsafeRawPointer, from start: Int, to end: Int, key: UInt64) -> MismatchScan {
        var scan = MismatchScan()
        var position = start
        while position < end {
            let expected = VerifyPayload.word(key: key, index: position >> 3)
            let width = min(8, end - position)
            if width == 8 && scan.canSkipMatches
                && UInt64(littleEndian: block.loadUnaligned(fromByteOffset: position, as: UInt64.self)) == expected
            {
                position += 8
                continue
            }
            for i in 0..<width {
                scan.note(
                    position: position + i, expected: UInt8(truncatingIfNeeded: expected >> (UInt64(i) * 8)),
                    found: block.load(fromByteOffset: position + i, as: UInt8.self))
            }
            position += width
        }
        return scan
    }

    /// Compares block bytes `0..<length` with `pattern` repeated from the block's first byte.
    static func againstPattern(_ block: UnsafeRawPointer, length: Int, pattern: UnsafeRawBufferPointer) -> MismatchScan
    {
        var scan = MismatchScan()
        var phase = 0
        for position in 0..<length {
            scan.note(
                position: position, expected: pattern[phase],
                found: block.load(fromByteOffset: position, as: UInt8.self))
            phase += 1
            if phase == pattern.count { phase = 0 }
        }
        return scan
    }
}
