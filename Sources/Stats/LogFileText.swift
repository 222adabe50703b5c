// The text of fio 3.33's log files (iolog.c, flush_samples and flush_hist_samples): "time, value, ddir, bs,
// prio" per line, with the offset before prio under log_offset; histogram lines "time, ddir, bs, counts…".

/// Formats log lines into a buffer and hands it to `flush` each time it holds about 1 MiB, and at the end.
public struct LogFileText {
    private var buffer: [UInt8] = []
    private let flush: ([UInt8]) throws -> Void
    private static let flushAt = 1 << 20

    public init(flush: @escaping ([UInt8]) throws -> Void) {
        self.flush = flush
        buffer.reserveCapacity(Self.flushAt + 16 * 1024)
    }

    /// Every line of `log`. The last column is fio's priority column: 0, as no I/O here has a real-time
    /// priority class (diobench has no prio options).
    /// `addingMs`: added to every time (log_unix_epoch, log_alternate_epoch).
    public mutating func write(_ log: SampleLog, offsetColumn: Bool, addingMs: UInt64 = 0) throws {
        try log.samples.forEach { s in
            number(s.timeMs &+ addingMs)
            separator()
            number(s.value)
            separator()
            number(UInt64(s.direction))
            separator()
            number(UInt64(s.length))
            separator()
            if offsetColumn {
                number(s.offset)
                separator()
            }
            buffer.append(UInt8(ascii: "0"))
            buffer.append(UInt8(ascii: "\n"))
            if buffer.count >= Self.flushAt { try drain() }
        }
    }

    public mutating func write(_ log: LatencyHistogramLog, addingMs: UInt64 = 0) throws {
        for line in log.lines {
            number(line.timeMs &+ addingMs)
            separator()
            number(UInt64(line.direction))
            separator()
            number(UInt64(line.length))
            for count in line.counts {
                separator()
                number(count)
            }
            buffer.append(UInt8(ascii: "\n"))
            if buffer.count >= Self.flushAt { try drain() }
        }
    }

    /// Hands over what is left.
    public mutating func finish() throws { try drain() }

    private mutating func drain() throws {
        guard !buffer.isEmpty else { return }
        try flush(buffer)
        buffer.removeAll(keepingCapacity: true)
    }

    private mutating func separator() {
        buffer.append(UInt8(ascii: ","))
        buffer.append(UInt8(ascii: " "))
    }

    private mutating func number(_ value: UInt64) {
        if value < 10 {
            buffer.append(UInt8(ascii: "0") + UInt8(value))
            return
        }
        var digits = InlineArray<20, UInt8>(repeating: 0)
        var n = value
        var count = 0
        while n > 0 {
            digits[count] = UInt8(ascii: "0") + UInt8(n % 10)
            n /= 10
            count += 1
        }
        while count > 0 {
            count -= 1
            buffer.append(digits[count])
        }
    }
}
