// fio's thinktime family (HOWTO; backend.c handle_thinktime): pauses between I/Os.

/// After every `blocks` I/Os (or every `ioTimeNs` of I/O), wait for what is in flight, spin `spinNs`, then
/// sleep the rest of `thinkNs`.
public struct ThinkTime: Codable, Sendable, Equatable {
    public enum BlocksType: String, Codable, Sendable, CaseIterable {
        /// Count completed I/Os (fio's default).
        case complete
        /// Count issued I/Os.
        case issue
    }

    /// `thinktime`: the whole pause; 0: none.
    public var thinkNs: UInt64 = 0
    /// `thinktime_spin`: the part of it spent busy-waiting.
    public var spinNs: UInt64 = 0
    /// `thinktime_blocks`.
    public var blocks: UInt64 = 1
    public var blocksType = BlocksType.complete
    /// `thinktime_iotime`: pause after this much time of I/O instead (with blocks, whichever comes first).
    public var ioTimeNs: UInt64 = 0
    public init() {}
}
