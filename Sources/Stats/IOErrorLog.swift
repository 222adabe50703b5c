/// One failed I/O, kept for the report: which errno, where, and on which file.
import Vocabulary
public struct IOErrorSample: Sendable, Equatable, Codable {
    public var errno: Int32
    /// nil: an fsync/fdatasync.
    public var direction: IODirection?
    public var offset: UInt64
    public var length: UInt64
    /// Index into the job's file list (the runner maps it to a path in the result).
    public var fileIndex: Int32
    /// When it completed, ns after the worker started measuring.
    public var atNs: UInt64

    public init(errno: Int32, direction: IODirection?, offset: UInt64, length: UInt64, fileIndex: Int32, atNs: UInt64) {
        self.errno = errno; self.direction = direction; self.offset = offset
        self.length = length; self.fileIndex = fileIndex; self.atNs = atNs
    }
}

/// Failed I/Os of one worker: a total, counts per errno, and the first few samples.
///
/// A job with `continue_on_error` may fail every I/O (misaligned O_DIRECT on ZFS `standard` gives
/// EINVAL each time), so recording must not allocate: storage is reserved at init, at most
/// `distinctErrnoCapacity` errnos are counted apart (the rest in `otherErrnoCount`).
public struct IOErrorLog: Sendable, Equatable {
    public static let distinctErrnoCapacity = 8

    public private(set) var total: UInt64 = 0
    public private(set) var samples: ContiguousArray<IOErrorSample> = []
    public private(set) var countsByErrno: ContiguousArray<ErrnoCount> = []
    public private(set) var otherErrnoCount: UInt64 = 0
    public let sampleCapacity: Int

    public struct ErrnoCount: Sendable, Equatable, Codable {
        public var errno: Int32
        public var count: UInt64
        public init(errno: Int32, count: UInt64) { self.errno = errno; self.count = count }
    }

    public init(sampleCapacity: Int = 8) {
        self.sampleCapacity = Swift.max(0, sampleCapacity)
        samples.reserveCapacity(self.sampleCapacity)
        countsByErrno.reserveCapacity(Self.distinctErrnoCapacity)
    }

    /// The first errno seen, as fio's `first_error`.
    public var firstErrno: Int32? { samples.first?.errno ?? countsByErrno.first?.errno }

    @inline(never)
    public mutating func record(_ sample: IOErrorSample) {
        total &+= 1
        if samples.count < sampleCapacity { samples.append(sample) }
        add(errno: sample.errno, count: 1)
    }

    mutating func add(errno: Int32, count: UInt64) {
        for i in countsByErrno.indices where countsByErrno[i].errno == errno {
            countsByErrno[i].count &+= count
            return
        }
        if countsByErrno.count < Self.distinctErrnoCapacity {
            countsByErrno.append(ErrnoCount(errno: errno, count: count))
        } else {
            otherErrnoCount &+= count
        }
    }

    public mutating func merge(_ other: IOErrorLog) {
        total &+= other.total
        for s in other.samples where samples.count < sampleCapacity { samples.append(s) }
        for c in other.countsByErrno { add(errno: c.errno, count: c.count) }
        otherErrnoCount &+= other.otherErrnoCount
    }

    public mutating func reset() {
        total = 0
        samples.removeAll(keepingCapacity: true)
        countsByErrno.removeAll(keepingCapacity: true)
        otherErrnoCount = 0
    }
}
