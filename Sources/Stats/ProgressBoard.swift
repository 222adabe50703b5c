import Synchronization

/// What a worker has done so far, as last published.
public struct ProgressSnapshot: Sendable, Equatable {
    public var bytes: (read: UInt64, write: UInt64, trim: UInt64)
    public var ios: (read: UInt64, write: UInt64, trim: UInt64)
    public var phase: ProgressSlot.Phase
    /// Monotonic ns of the last publication (0: never).
    public var publishedAtNs: UInt64

    public init(
        bytes: (read: UInt64, write: UInt64, trim: UInt64) = (0, 0, 0),
        ios: (read: UInt64, write: UInt64, trim: UInt64) = (0, 0, 0),
        phase: ProgressSlot.Phase = .waiting, publishedAtNs: UInt64 = 0
    ) {
        self.bytes = bytes; self.ios = ios; self.phase = phase; self.publishedAtNs = publishedAtNs
    }

    public static func == (a: ProgressSnapshot, b: ProgressSnapshot) -> Bool {
        a.bytes == b.bytes && a.ios == b.ios && a.phase == b.phase && a.publishedAtNs == b.publishedAtNs
    }
}

/// One worker's live counters. The worker writes with relaxed stores (plain moves on x86 and
/// arm64: no fence, no lock); a progress thread reads with relaxed loads. The values are each
/// exact but not a consistent set: read bytes may be one interval newer than write bytes.
/// That is fine for a progress line; the final numbers come from the merged stats.
public final class ProgressSlot: Sendable {
    public enum Phase: UInt8, Sendable {
        case waiting = 0, rampUp, running, finished, failed
    }

    let readBytes = Atomic<UInt64>(0), writeBytes = Atomic<UInt64>(0), trimBytes = Atomic<UInt64>(0)
    let readIOs = Atomic<UInt64>(0), writeIOs = Atomic<UInt64>(0), trimIOs = Atomic<UInt64>(0)
    let publishedAt = Atomic<UInt64>(0)
    let phaseRaw = Atomic<UInt8>(Phase.waiting.rawValue)

    public init() {}

    public func publish(bytes: (UInt64, UInt64, UInt64), ios: (UInt64, UInt64, UInt64), atNs: UInt64) {
        readBytes.store(bytes.0, ordering: .relaxed)
        writeBytes.store(bytes.1, ordering: .relaxed)
        trimBytes.store(bytes.2, ordering: .relaxed)
        readIOs.store(ios.0, ordering: .relaxed)
        writeIOs.store(ios.1, ordering: .relaxed)
        trimIOs.store(ios.2, ordering: .relaxed)
        publishedAt.store(atNs, ordering: .relaxed)
    }

    public func setPhase(_ phase: Phase) { phaseRaw.store(phase.rawValue, ordering: .relaxed) }

    public func snapshot() -> ProgressSnapshot {
        ProgressSnapshot(
            bytes: (
                readBytes.load(ordering: .relaxed), writeBytes.load(ordering: .relaxed),
                trimBytes.load(ordering: .relaxed)
            ),
            ios: (
                readIOs.load(ordering: .relaxed), writeIOs.load(ordering: .relaxed), trimIOs.load(ordering: .relaxed)
            ),
            phase: Phase(rawValue: phaseRaw.load(ordering: .relaxed)) ?? .waiting,
            publishedAtNs: publishedAt.load(ordering: .relaxed))
    }
}

/// The slots of every worker of a run, one per worker in start order.
/// Hand `slots[i]` to worker i (in `WorkerStatsConfig.progress`); the progress thread reads `snapshot()`.
public final class ProgressBoard: Sendable {
    public let slots: [ProgressSlot]

    public init(workers: Int) {
        slots = (0..<Swift.max(0, workers)).map { _ in ProgressSlot() }
    }

    public func snapshot() -> [ProgressSnapshot] { slots.map { $0.snapshot() } }

    /// Sum over all workers.
    public func total() -> ProgressSnapshot {
        var t = ProgressSnapshot()
        for s in snapshot() {
            t.bytes.read &+= s.bytes.read; t.bytes.write &+= s.bytes.write; t.bytes.trim &+= s.bytes.trim
            t.ios.read &+= s.ios.read; t.ios.write &+= s.ios.write; t.ios.trim &+= s.ios.trim
            t.publishedAtNs = Swift.max(t.publishedAtNs, s.publishedAtNs)
        }
        return t
    }
}
