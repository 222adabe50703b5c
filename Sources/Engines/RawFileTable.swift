/// The engine's own copy of the caller's fds in one raw allocation, so the per-I/O lookup is a
/// load, not an Array access (no bounds or uniqueness checks, no retain).
@usableFromInline
struct RawFileTable {
    @usableFromInline var fds: UnsafeMutablePointer<Int32>
    @usableFromInline var count: Int

    init(_ files: [Int32]) {
        count = files.count
        fds = .allocate(capacity: Swift.max(files.count, 1))
        for (i, fd) in files.enumerated() { fds[i] = fd }
    }

    @inlinable
    subscript(_ index: Int32) -> Int32 { fds[Int(index)] }

    /// Frees the table once; later calls do nothing. The fds themselves stay open (they are the caller's).
    mutating func release() {
        guard count >= 0 else { return }
        fds.deallocate()
        count = -1
    }
}
