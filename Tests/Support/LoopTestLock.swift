import Glibc

/// Tests that attach loop devices compare `losetup -a` before and after, so no two of them may run at
/// once, whichever test target they are in (Swift Testing runs suites of all targets in parallel, in one
/// process) and even across processes: each holds this lock for its whole body. flock locks belong to
/// the open file description, so two opens in one process exclude each other. Waiting for it awaits
/// (a try, then a short sleep) rather than blocking a thread of the cooperative pool.
public enum LoopTestLock {
    public static let path = "/tmp/diobench-loop-tests.lock"

    public static func withLock<T>(_ body: () async throws -> T) async throws -> T {
        let fd = try await acquire()
        defer { release(fd) }
        return try await body()
    }
}

import Testing

/// `.loopDevices` on a suite or test: each test case runs holding `LoopTestLock`.
public struct LoopDeviceLockTrait: TestTrait, SuiteTrait, TestScoping {
    public var isRecursive: Bool { true }

    public func provideScope(
        for test: Test, testCase: Test.Case?,
        performing function: @Sendable () async throws -> Void
    ) async throws {
        // Suites get the call too (testCase nil): lock per test case only, or nesting would deadlock.
        guard testCase != nil else { return try await function() }
        let fd = try await LoopTestLock.acquire()
        defer { LoopTestLock.release(fd) }
        try await function()
    }
}

extension Trait where Self == LoopDeviceLockTrait {
    public static var loopDevices: LoopDeviceLockTrait { LoopDeviceLockTrait() }
}

extension LoopTestLock {
    static func acquire() async throws -> Int32 {
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o666)
        precondition(fd >= 0, "cannot open \(path): \(String(cString: strerror(errno)))")
        while flock(fd, LOCK_EX | LOCK_NB) != 0 {
            guard errno == EWOULDBLOCK || errno == EINTR else { break }
            do {
                try await Task.sleep(for: .milliseconds(20))
            } catch {
                close(fd)
                throw error
            }
        }
        return fd
    }

    static func release(_ fd: Int32) {
        flock(fd, LOCK_UN)
        close(fd)
    }
}
