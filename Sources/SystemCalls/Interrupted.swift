// System calls that a signal interrupts (EINTR) are retried, not reported: diobench's signals (SIGUSR1 to wake
// a sleeping worker, SIGINT/SIGTERM) must never turn into an I/O error.
#if canImport(Glibc)
import Glibc
#endif

/// Calls `call` until it does not fail with EINTR; returns its last result (on failure, errno is its errno).
/// Inlined: on the hot path it is the same loop written out.
@inlinable @inline(__always)
public func retryingInterrupted<T: BinaryInteger>(_ call: () -> T) -> T {
    var result: T
    repeat { result = call() } while result < 0 && errno == EINTR
    return result
}
