// What a job writes (fio's buffer_pattern, buffer_compress_*, dedupe_*) and how its files are opened for
// writing (fio's sync=). Meanings from fio 3.33's HOWTO and options.c/init.c/io_u.c (fill_io_buffer).
#if canImport(Glibc)
import Glibc
#endif

/// fio's `sync=`: the open flag that makes every write synchronous.
public enum SyncIOMode: String, Codable, Sendable, CaseIterable {
    case none
    case sync
    case dsync

    /// The flag fio ORs into every open of the job's files (filesetup.c, generic_open_file).
    public var openFlag: Int32 {
        switch self {
        case .none: 0
        case .sync: O_SYNC
        case .dsync: O_DSYNC
        }
    }
}

/// fio's `dedupe_mode=`: where a deduplicable buffer's content comes from.
public enum DedupeMode: String, Codable, Sendable, CaseIterable {
    /// The same bytes as the last unique buffer.
    case repeatPrevious = "repeat"
    /// One of a fixed set of unique buffers (`dedupe_working_set_percentage` of the file).
    case workingSet = "working_set"
}

/// The write-buffer content options, as the job file set them.
public struct BufferContentOptions: Codable, Sendable, Equatable {
    /// `buffer_pattern`: bytes repeated over the buffer, or over the compressible part of each chunk.
    public var pattern: [UInt8] = []
    /// `buffer_compress_percentage` (0–100): this share of each chunk is the pattern (or zeros).
    public var compressPercentage: UInt32 = 0
    /// `buffer_compress_chunk`: the unit the percentage applies to; 0 means the whole minimum write size.
    public var compressChunk: UInt64 = 512
    /// `dedupe_percentage` (0–100): this share of write buffers repeat an earlier buffer.
    public var dedupePercentage: UInt32 = 0
    public var dedupeMode: DedupeMode = .repeatPrevious
    /// `dedupe_working_set_percentage`: the working set's size, as a share of the job's size.
    public var dedupeWorkingSetPercentage: UInt32 = 5
    public init() {}

    /// Whether the content differs from fio's default (pseudo-random, scrambled) buffers.
    public var isShaped: Bool { !pattern.isEmpty || compressPercentage > 0 || dedupePercentage > 0 }
}
