import Verify

/// The order in which a worker reads its verify log back, and which entries it skips.
///
/// A write that a later write of the same read-back partly or wholly overwrote can no longer be checked
/// (its bytes are gone): checking it would report a torn block that nothing tore. That happens with
/// several block sizes (a large block over a small one, or the last write of a pass wrapping over the
/// first) and with `norandommap`. Like fio's verify history, which drops an entry a newer write overlaps,
/// such entries are skipped and counted. The rest are read back sorted by file and offset.
///
/// Allocation-free: one index array of the log's capacity, allocated with the worker, and an in-place
/// heapsort. An entry's log index is its completion order (later writes have larger indices).
final class ReadBackOrder {
    /// Log indices in read-back order; a skipped entry is stored as -(index + 1).
    private let order: UnsafeMutablePointer<Int32>
    private(set) var count = 0

    init(capacity: Int) {
        precondition(capacity <= Int(Int32.max), "verify log too large")
        order = .allocate(capacity: capacity)
    }

    deinit { order.deallocate() }

    /// Log index of the `position`-th block to read back, or nil when it is skipped.
    @inline(__always)
    func logIndex(at position: Int) -> Int? {
        let value = order[position]
        return value >= 0 ? Int(value) : nil
    }

    /// Orders `log` and marks the overwritten entries; returns how many were marked.
    func prepare(_ log: VerifyLog) -> Int {
        count = log.count
        var longest: UInt64 = 0
        for i in 0..<count {
            order[i] = Int32(i)
            longest = max(longest, UInt64(log[i].length))
        }
        heapSort(log)
        var skipped = 0
        for position in 0..<count where overwrittenLater(position, log, longest: longest) {
            order[position] = -(order[position] + 1)
            skipped += 1
        }
        return skipped
    }

    /// Whether a write completed after the one at `position` overlaps it. The log is sorted by (file,
    /// offset), so the candidates are the neighbours that start within `longest` bytes before it, and
    /// the ones that start before it ends.
    private func overwrittenLater(_ position: Int, _ log: VerifyLog, longest: UInt64) -> Bool {
        let index = entryIndex(position)
        let entry = log[index]
        let end = entry.offset &+ UInt64(entry.length)
        var next = position + 1
        while next < count {
            let other = log[entryIndex(next)]
            if other.fileIndex != entry.fileIndex || other.offset >= end { break }
            if entryIndex(next) > index { return true }
            next += 1
        }
        var previous = position - 1
        while previous >= 0 {
            let other = log[entryIndex(previous)]
            if other.fileIndex != entry.fileIndex || other.offset &+ longest <= entry.offset { break }
            if other.offset &+ UInt64(other.length) > entry.offset && entryIndex(previous) > index { return true }
            previous -= 1
        }
        return false
    }

    @inline(__always)
    private func entryIndex(_ position: Int) -> Int {
        let value = order[position]
        return Int(value >= 0 ? value : -value - 1)
    }

    // MARK: - heapsort by (file, offset, log index)

    @inline(__always)
    private func less(_ a: Int32, _ b: Int32, _ log: VerifyLog) -> Bool {
        let x = log[Int(a)], y = log[Int(b)]
        if x.fileIndex != y.fileIndex { return x.fileIndex < y.fileIndex }
        if x.offset != y.offset { return x.offset < y.offset }
        return a < b
    }

    private func heapSort(_ log: VerifyLog) {
        guard count > 1 else { return }
        var start = count / 2
        while start > 0 {
            start -= 1
            siftDown(start, end: count, log)
        }
        var end = count
        while end > 1 {
            end -= 1
            order.swapAt(0, end)
            siftDown(0, end: end, log)
        }
    }

    private func siftDown(_ root: Int, end: Int, _ log: VerifyLog) {
        var parent = root
        while true {
            var child = 2 * parent + 1
            if child >= end { return }
            if child + 1 < end && less(order[child], order[child + 1], log) { child += 1 }
            if !less(order[parent], order[child], log) { return }
            order.swapAt(parent, child)
            parent = child
        }
    }
}

private extension UnsafeMutablePointer where Pointee == Int32 {
    @inline(__always)
    func swapAt(_ i: Int, _ j: Int) {
        let t = self[i]
        self[i] = self[j]
        self[j] = t
    }
}
