import JobFile

/// Chooses each I/O's length for one direction: a fixed `bs`, a `bsrange` (multiples of its minimum,
/// as fio's HOWTO says), or a `bssplit` (weighted; looked up in a 100-entry table so a pick is one load).
@frozen
public struct BlockSizePicker {
    public enum Kind: UInt8 { case fixed, range, split }
    public let kind: Kind
    public let minimum: UInt64
    public let maximum: UInt64
    @usableFromInline let rangeSteps: UInt64
    /// For `split`: 100 sizes, one per percentage point; owned by the worker, freed by `deallocate`.
    @usableFromInline let table: UnsafeMutablePointer<UInt64>?

    public init(fixed size: UInt64) {
        kind = .fixed; minimum = size; maximum = size; rangeSteps = 1; table = nil
    }

    public init(range: SizeRange) {
        kind = .range
        minimum = range.min
        maximum = range.max - range.max % range.min
        rangeSteps = maximum / minimum
        table = nil
    }

    /// `shares` as fio fills them: entries without a percentage share what is left equally.
    public init(split shares: [BlockSizeShare]) {
        let resolved = BlockSizePicker.resolvePercentages(shares)
        kind = .split
        minimum = resolved.map(\.size).min() ?? 4096
        maximum = resolved.map(\.size).max() ?? 4096
        rangeSteps = 1
        let table = UnsafeMutablePointer<UInt64>.allocate(capacity: 100)
        var slot = 0
        for share in resolved {
            for _ in 0..<Int(share.percent) where slot < 100 {
                table[slot] = share.size
                slot += 1
            }
        }
        // Rounding leftovers (percentages that add up to less than 100) go to the largest share.
        let largest = resolved.max { $0.percent < $1.percent }?.size ?? minimum
        while slot < 100 { table[slot] = largest; slot += 1 }
        self.table = table
    }

    static func resolvePercentages(_ shares: [BlockSizeShare]) -> [BlockSizeShare] {
        let given = shares.reduce(UInt32(0)) { $0 + $1.percent }
        let blanks = UInt32(shares.filter { $0.percent == 0 }.count)
        guard blanks > 0 else { return shares }
        let each = given >= 100 ? 0 : (100 - given) / blanks
        return shares.map { $0.percent == 0 ? BlockSizeShare(size: $0.size, percent: each) : $0 }
    }

    @inlinable @inline(__always)
    public func pick(_ random: inout RandomSource) -> UInt64 {
        switch kind {
        case .fixed: return minimum
        case .range: return minimum &* (1 &+ random.next(below: rangeSteps))
        case .split: return table.unsafelyUnwrapped[Int(random.percent())]
        }
    }

    public func deallocate() { table?.deallocate() }
}
