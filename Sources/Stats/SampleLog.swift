// One fio log (lat, clat, slat, bw or iops) of one worker, with fio's log_avg_msec windows (stat.c,
// add_log_sample and __add_stat_to_log in fio 3.33).

/// The values of one direction since its window began.
@usableFromInline
struct LogWindow: Sendable {
    @usableFromInline var count: UInt64 = 0
    @usableFromInline var sum: Double = 0
    @usableFromInline var maximum: UInt64 = 0
    /// Where the window began: a multiple of log_avg_msec, in ms since the epoch.
    @usableFromInline var startMs: UInt64 = 0
    @usableFromInline init() {}
}

/// A log's lines. With `averageMs` 0 every value is a line; otherwise each direction's values are averaged
/// (or their maximum taken, `log_max_value`) over windows of `averageMs`, and a window closes, as in fio, at the
/// first value at least `averageMs` after it began: the line takes that value's time, block size 0 and offset 0.
public final class SampleLog {
    public let averageMs: UInt64
    public let logsMaximum: Bool
    public let samples: LogSampleChunks
    @usableFromInline var windows = InlineArray<2, LogWindow>(repeating: LogWindow())

    public init(averageMs: UInt64, logsMaximum: Bool, initialCapacity: Int) {
        self.averageMs = averageMs
        self.logsMaximum = logsMaximum
        samples = LogSampleChunks(initialCapacity: averageMs == 0 ? initialCapacity : 256)
    }

    @inlinable @inline(__always)
    public func add(timeMs: UInt64, value: UInt64, direction: UInt8, length: UInt32, offset: UInt64) {
        if averageMs == 0 {
            samples.append(
                LogSample(timeMs: timeMs, value: value, direction: direction, length: length, offset: offset))
        } else {
            addToWindow(timeMs: timeMs, value: value, direction: Int(direction & 1))
        }
    }

    @inlinable @inline(__always)
    func addToWindow(timeMs: UInt64, value: UInt64, direction d: Int) {
        windows[d].count &+= 1
        windows[d].sum += Double(value)
        if value > windows[d].maximum { windows[d].maximum = value }
        if _slowPath(timeMs >= windows[d].startMs &+ averageMs) {
            closeWindow(d, atMs: timeMs)
            windows[d].startMs = timeMs - timeMs % averageMs
        }
    }

    /// Writes the window's line, if it holds values, and empties it. fio rounds the mean to nearest.
    @usableFromInline @inline(never)
    func closeWindow(_ d: Int, atMs timeMs: UInt64) {
        let w = windows[d]
        if w.count > 0 {
            let value = logsMaximum ? w.maximum : UInt64(w.sum / Double(w.count) + 0.5)
            samples.append(LogSample(timeMs: timeMs, value: value, direction: UInt8(d), length: 0, offset: 0))
        }
        windows[d].count = 0
        windows[d].sum = 0
        windows[d].maximum = 0
    }

    /// fio's finalize_logs: the windows still open become lines at `timeMs`, reads first.
    public func closeWindows(atMs timeMs: UInt64) {
        guard averageMs > 0 else { return }
        for d in 0..<2 { closeWindow(d, atMs: timeMs) }
    }

    /// A new epoch (ramp_time ended): nothing logged so far counts.
    public func reset() {
        samples.removeAll()
        windows = InlineArray(repeating: LogWindow())
    }
}
