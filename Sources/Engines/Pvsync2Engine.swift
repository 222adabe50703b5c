import CPosixIO
import SystemCalls
import Glibc

/// fio's `pvsync2` engine: preadv2(2)/pwritev2(2) of one iovec with per-I/O flags, one I/O per call.
/// As in fio 3.33's engines/sync.c: `hipri` sets RWF_HIPRI on `hipri_percentage` percent of the I/Os (a
/// uniform draw per I/O), `uncached` applies to buffered I/O only, and `nowait` sets RWF_NOWAIT, so an I/O the
/// kernel would have to block for fails with EAGAIN and counts as an I/O error (fio does not retry it).
public struct Pvsync2Engine: SynchronousIOEngine, DescribedEngine {
    public static let description = EngineDescription(
        kind: .pvsync2, summary: "preadv2(2)/pwritev2(2) of one buffer, with RWF_* flags", queueing: .never,
        options: [
            EngineOption("hipri", .flag(\.hipri), help: "Set RWF_HIPRI (polled completion) on each I/O"),
            EngineOption(
                "hipri_percentage", .number(\.hipriPercentage, 0...100, default: 100),
                help: "With hipri: the percentage of I/Os that get RWF_HIPRI (picked at random)"),
            EngineOption(
                "uncached", .flag(\.uncached),
                help: "Set RWF_DONTCACHE on buffered I/O (drop the pages once written or read)"),
            EngineOption(
                "nowait", .flag(\.nowait),
                help: "Set RWF_NOWAIT: an I/O that would block fails with EAGAIN (an I/O error)"),
        ])

    @usableFromInline var files: RawFileTable
    /// The flags every I/O gets; RWF_HIPRI is added per I/O when `hipriBelow` says so.
    @usableFromInline let fixedFlags: Int32
    /// RWF_HIPRI when a draw in 0..<100 is below this (0: never, 100: always).
    @usableFromInline let hipriBelow: UInt64
    @usableFromInline var random: UInt64

    public init(files: [Int32], config: EngineConfig = EngineConfig()) {
        self.files = RawFileTable(files)
        var flags: Int32 = 0
        if config.uncached && !config.direct { flags |= DIOBENCH_RWF_DONTCACHE }
        if config.nowait { flags |= DIOBENCH_RWF_NOWAIT }
        fixedFlags = flags
        hipriBelow = config.hipri ? UInt64(max(0, min(100, config.hipriPercentage))) : 0
        // fio seeds this stream with 0 too: the same job picks the same I/Os every run.
        random = 0x9E37_79B9_7F4A_7C15
    }

    public init(files: [Int32], buffers: AlignedBufferPool, config: EngineConfig) {
        self.init(files: files, config: config)
    }

    /// The flags for the next I/O; draws only when 0 < hipri_percentage < 100.
    @inlinable
    mutating func nextFlags() -> Int32 {
        if hipriBelow == 0 { return fixedFlags }
        if hipriBelow >= 100 { return fixedFlags | DIOBENCH_RWF_HIPRI }
        // splitmix64: cheap, no state beyond one word.
        random &+= 0x9E37_79B9_7F4A_7C15
        var z = random
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        z ^= z >> 31
        return (z % 100) < hipriBelow ? fixedFlags | DIOBENCH_RWF_HIPRI : fixedFlags
    }

    @inlinable
    public mutating func queue(_ units: UnsafeMutablePointer<IOUnit>, slot: Int32) -> QueueStatus {
        let unit = units + Int(slot)
        let fd = files[unit.pointee.fileIndex]
        let offset = Int64(bitPattern: unit.pointee.offset)
        var done: Int
        switch unit.pointee.op {
        case .read:
            let flags = nextFlags()
            done = retryingInterrupted {
                diobench_preadv2(fd, unit.pointee.buffer, unit.pointee.length, offset, flags)
            }
        case .write:
            let flags = nextFlags()
            done = retryingInterrupted {
                diobench_pwritev2(fd, unit.pointee.buffer, unit.pointee.length, offset, flags)
            }
        case .fsync, .fdatasync:
            unit.pointee.result = syncFile(fd, unit.pointee.op)
            return .completed
        }
        unit.pointee.result = done < 0 ? -Int(errno) : done
        return .completed
    }

    public mutating func close() { files.release() }
}

extension EngineKind {
    public static let pvsync2 = EngineKind(rawValue: "pvsync2")
}
