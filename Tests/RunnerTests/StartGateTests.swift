import DiobenchTestSupport
import Dispatch
import Foundation
import Testing
@testable import Runner

/// The gate that starts a job's workers together, including the case where one thread never started
/// (pthread_create failed) and the main thread stands in for it before opening the gate itself.
@Suite struct StartGateTests {
    final class Box: @unchecked Sendable { var runs: [Bool] = [] }

    @Test("a stand-in for a thread that never started does not block, and keeps the others from running")
    func standInForMissingThread() async throws {
        let gate = StartGate(count: 2)
        let control = RunControl()
        let decided = DispatchSemaphore(value: 0)
        let box = Box()
        Thread.detachNewThread {
            box.runs.append(gate.arrive(ready: true))
            decided.signal()
        }
        // The gate's waits, and the wait for the worker, block: on a thread of their own.
        let (opened, released) = try await onDedicatedThread {
            gate.standIn(failed: true)  // on the thread that opens the gate: must return at once
            return (gate.open(unlessStopped: control), decided.wait(timeout: .now() + 10) == .success)
        }
        #expect(opened == false)
        #expect(released, "the worker was released")
        #expect(box.runs == [false])
    }

    @Test("every worker ready: the gate lets them all run")
    func allReady() async throws {
        let gate = StartGate(count: 3)
        let control = RunControl()
        let decided = DispatchSemaphore(value: 0)
        let box = Box()
        let lock = DispatchSemaphore(value: 1)
        for _ in 0..<3 {
            Thread.detachNewThread {
                let runs = gate.arrive(ready: true)
                lock.wait(); box.runs.append(runs); lock.signal()
                decided.signal()
            }
        }
        let (opened, released) = try await onDedicatedThread {
            (gate.open(unlessStopped: control), (0..<3).map { _ in decided.wait(timeout: .now() + 10) == .success })
        }
        #expect(opened == true)
        for workerReleased in released { #expect(workerReleased) }
        #expect(box.runs == [true, true, true])
    }
}
