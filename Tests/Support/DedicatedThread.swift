internal import Foundation

/// Runs `body`, which blocks (joins worker threads, waits on semaphores or locks, runs a child the
/// product's own way), on a new thread of its own and awaits it: Swift Testing runs tests on the
/// cooperative pool, one thread per core, and a test that blocked one of them would hold up every other.
/// Holds one of the `WorkSlots` meanwhile, as a child process does.
public func onDedicatedThread<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await WorkSlots.withSlot {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
            let thread = Thread {
                continuation.resume(with: Result { try body() })
            }
            thread.stackSize = 8 << 20  // a main thread's, not a secondary thread's smaller default
            thread.start()
        }
    }
}
