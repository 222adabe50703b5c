import Vocabulary
extension JobSpec {
    /// The smallest and largest block `direction` can use. fio's order: `bssplit` decides over `bsrange`,
    /// which decides over `bs` (the resolver warns when bssplit and bsrange are both set). The runner's
    /// size pickers, the job banner and the ZFS accounting all read the sizes from here.
    public func blockSizeBounds(_ direction: IODirection) -> (min: UInt64, max: UInt64) {
        if let split = bssplit?[direction], let lo = split.map(\.size).min(), let hi = split.map(\.size).max() {
            return (lo, hi)
        }
        if let range = blockSizeRange?[direction] { return (range.min, range.max) }
        return (blockSize[direction], blockSize[direction])
    }

    /// The smallest block over the directions the job's pattern uses (fio aligns percentage offsets to it).
    public var minimumBlockSize: UInt64 {
        rw.directions.map { blockSizeBounds($0).min }.min() ?? blockSize.read
    }
}
