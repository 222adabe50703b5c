import JobFile
#if canImport(Glibc)
import Glibc
#endif
import Vocabulary

/// Draws block numbers for one file under a skewed `random_distribution`, following fio 3.33's generators
/// (lib/zipf.c, lib/gauss.c, io_u.c's zoned offsets) with our own random numbers: Gray et al.'s zipf, a
/// power-law pareto, fio's "normal" (the average of 12 uniform draws plus a uniform deviation), each rank
/// scattered over the file by a hash and a random (or `center`) offset as fio does; and zones, where a
/// percentage picks the zone and the block is uniform inside it. All tables are built before the worker starts.
@frozen
// Sendable: `zones` is written once, before the worker starts, and only read after.
public struct BlockDistribution: @unchecked Sendable {
    @usableFromInline enum Kind: UInt8 { case uniform, zipf, pareto, normal, zoned }
    @usableFromInline let kind: Kind
    @usableFromInline let ranges: UInt64
    @usableFromInline let offset: UInt64
    /// fio's multiplicative hash over the ranks; off for the choice of files (zipf_disable_hash, init.c).
    @usableFromInline var hashed = true
    // zipf
    @usableFromInline let theta: Double, alpha: Double, eta: Double, zetan: Double, halfPowTheta: Double
    // pareto
    @usableFromInline let paretoPower: Double
    // normal
    @usableFromInline let deviation: UInt64
    /// zoned: per direction, 100 entries (one per access percent): the zone's first block and block count.
    @usableFromInline let zones: UnsafeMutablePointer<(start: UInt64, count: UInt64)>?

    public static let uniform = BlockDistribution(kind: .uniform, ranges: 1)

    private init(
        kind: Kind, ranges: UInt64, offset: UInt64 = 0, theta: Double = 0, zetan: Double = 1, paretoPower: Double = 0,
        deviation: UInt64 = 0, zones: UnsafeMutablePointer<(start: UInt64, count: UInt64)>? = nil
    ) {
        self.kind = kind
        self.ranges = max(ranges, 1)
        self.offset = offset
        self.theta = theta
        self.zetan = zetan
        let n = Double(max(ranges, 1))
        alpha = 1 / (1 - theta)
        let zeta2 = 1 + pow(0.5, theta)
        eta = (1 - pow(2 / n, 1 - theta)) / (1 - zeta2 / zetan)
        halfPowTheta = pow(0.5, theta)
        self.paretoPower = paretoPower
        self.deviation = deviation
        self.zones = zones
    }

    /// The generator for a file of `blocks` blocks of `blockSize` bytes; `rng` draws the random offset.
    public static func make(
        _ distribution: RandomDistribution, blocks: UInt64, blockSize: UInt64, rng: inout RandomSource
    ) throws(PlanError) -> BlockDistribution {
        let n = max(blocks, 1)
        func offset(_ center: Double?, normal: Bool = false) -> UInt64 {
            guard let center else { return normal ? 0 : rng.next() & 0xFFFF_FFFF }
            // fio: nranges * center, or for normal nranges * (center - 0.5) (negative values wrap, as fio's do).
            let value = Double(n) * (normal ? center - 0.5 : center)
            return value >= 0 ? UInt64(value) : UInt64(bitPattern: Int64(value))
        }
        switch distribution {
        case .random:
            return .uniform
        case .zipf(let theta, let center):
            // fio caps the zeta sum at 10M terms (lib/zipf.c).
            var zetan = 0.0
            for i in 0..<min(n, 10_000_000) { zetan += pow(1 / Double(i + 1), theta) }
            return BlockDistribution(kind: .zipf, ranges: n, offset: offset(center), theta: theta, zetan: zetan)
        case .pareto(let h, let center):
            return BlockDistribution(
                kind: .pareto, ranges: n, offset: offset(center), paretoPower: log(h) / log(1 - h))
        case .normal(let deviation, let center):
            var dev: UInt64 = 0
            if deviation != 0 { dev = min(UInt64((Double(n) * deviation / 100).rounded(.up)), n / 2) }
            return BlockDistribution(kind: .normal, ranges: n, offset: offset(center, normal: true), deviation: dev)
        case .zoned(let shares):
            return BlockDistribution(
                kind: .zoned, ranges: n, zones: try zoneTable(shares, blocks: n) { $0 * n / 100 })
        case .zonedAbsolute(let shares):
            return BlockDistribution(
                kind: .zoned, ranges: n, zones: try zoneTable(shares, blocks: n) { $0 / max(blockSize, 1) })
        }
    }

    /// fio's zone_state_index: for each access percent 1...100, the zone it falls in, as blocks.
    private static func zoneTable(
        _ shares: PerDirection<[ZoneShare]>, blocks: UInt64, toBlocks: (UInt64) -> UInt64
    ) throws(PlanError) -> UnsafeMutablePointer<(start: UInt64, count: UInt64)> {
        let table = UnsafeMutablePointer<(start: UInt64, count: UInt64)>.allocate(capacity: 300)
        for direction in IODirection.allCases {
            var percent = 0
            var start: UInt64 = 0
            for share in shares[direction] {
                let count = toBlocks(share.size)
                if start + count > blocks {
                    table.deallocate()
                    throw PlanError(
                        description:
                            "random_distribution: the zones (\(start + count) blocks) exceed the file (\(blocks) blocks)"
                    )
                }
                for _ in 0..<Int(share.access) {
                    table[direction.rawValue * 100 + percent] = (start, count)
                    percent += 1
                }
                start += count
            }
        }
        return table
    }

    public func deallocate() { zones?.deallocate() }

    /// A uniform number in [0, 1] from 32 random bits, as fio divides by FRAND32_MAX.
    @inlinable @inline(__always)
    static func unit(_ rng: inout RandomSource) -> Double {
        Double(rng.next() >> 32) / Double(UInt32.max)
    }

    /// Scatters a rank over the file as fio does (hash.h, __hash_u64): a multiplication by the 64-bit golden
    /// ratio, plus the offset, modulo the blocks. The multiplicative hash folds some ranks onto the same block,
    /// which concentrates the accesses; a stronger hash would spread them wider than fio does.
    @inlinable @inline(__always)
    func scatter(_ rank: UInt64) -> UInt64 {
        (hashed ? rank &* 0x61C8_8646_80B5_83EB : rank) &+ offset
    }

    /// The next block for an I/O in `direction`.
    @inlinable
    public func next(_ rng: inout RandomSource, direction: IODirection) -> UInt64 {
        switch kind {
        case .uniform:
            return rng.next(below: ranges)
        case .zipf:
            let u = Self.unit(&rng)
            let z = u * zetan
            var value: UInt64
            if z < 1 {
                value = 1
            } else if z < 1 + halfPowTheta {
                value = 2
            } else {
                value = 1 &+ UInt64(Double(ranges) * pow(eta * u - eta + 1, alpha))
            }
            value &-= 1
            return scatter(value) % ranges
        case .pareto:
            let value = UInt64(Double(ranges - 1) * pow(Self.unit(&rng), paretoPower))
            return scatter(value) % ranges
        case .normal:
            var sum: UInt64 = 0
            for _ in 0..<12 { sum &+= rng.next() % (ranges &+ 1) }
            sum = (sum &+ 11) / 12
            if deviation > 0 {
                var dev = Int64(Double(deviation) * Self.unit(&rng)) - Int64(deviation / 2)
                while dev + Int64(sum) >= Int64(ranges) { dev /= 2 }
                sum = UInt64(max(0, Int64(sum) + dev))
            }
            return scatter(sum) % ranges
        case .zoned:
            let zone = zones.unsafelyUnwrapped[direction.rawValue * 100 + Int(rng.next(below: 100))]
            return zone.start &+ rng.next(below: max(zone.count, 1))
        }
    }
}
