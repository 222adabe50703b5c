internal import Foundation

/// How many children (`runProgram`) and blocking bodies (`onDedicatedThread`) run at once: one per CPU, as
/// when every test that ran one held a thread of the cooperative pool (one per core) while it waited.
/// Waiting for a slot awaits; it never blocks a thread. Without the limit every test would start its
/// child at once, and the CPUs, overcommitted, would upset the tests that time a run (runtime=,
/// rate_iops=, verify_backlog=).
enum WorkSlots {
    /// The calling task already holds a slot: what it starts meanwhile (a `losetup` while its diobench
    /// runs) goes on under it, or two such tasks could wait for each other's slots.
    @TaskLocal static var held = false

    private static let gate = Gate(count: max(1, ProcessInfo.processInfo.activeProcessorCount))

    /// Runs `body` holding a slot (or the one the calling task already holds).
    static func withSlot<T>(_ body: () async throws -> T) async rethrows -> T {
        if held { return try await body() }
        await gate.acquire()
        defer { gate.release() }
        return try await $held.withValue(true) { try await body() }
    }

    /// A counting semaphore whose waiters await, first come first served.
    private final class Gate: @unchecked Sendable {
        private let lock = NSLock()
        private var free: Int
        private var waiting: [CheckedContinuation<Void, Never>] = []

        init(count: Int) { free = count }

        func acquire() async {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let now: Bool = lock.withLock {
                    if free > 0 { free -= 1; return true }
                    waiting.append(continuation)
                    return false
                }
                if now { continuation.resume() }
            }
        }

        func release() {
            let next: CheckedContinuation<Void, Never>? = lock.withLock {
                if waiting.isEmpty { free += 1; return nil }
                return waiting.removeFirst()
            }
            next?.resume()
        }
    }
}
