// cpus_allowed pins real worker threads: read back from /proc while a run is going.

import DiobenchTestSupport
import Foundation
import Testing

@Suite("cpus_allowed")
struct CPUAffinityTests {
    /// The Cpus_allowed_list of every thread of `pid`.
    private func allowedLists(of pid: Int32) throws -> [String] {
        let tasks = try FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/task")
        return tasks.compactMap { tid in
            guard let status = try? String(contentsOfFile: "/proc/\(pid)/task/\(tid)/status", encoding: .utf8) else {
                return nil
            }
            return status.split(separator: "\n").first { $0.hasPrefix("Cpus_allowed_list:") }?
                .split(separator: ":").last.map { String($0).trimmingCharacters(in: .whitespaces) }
        }
    }

    /// This process may run on CPUs 0 and 1, and so may diobench, which inherits its set: not so on a
    /// machine with one CPU, or under `taskset -c 0` (where activeProcessorCount still counts them all).
    static let mayUseCPUs0And1: Bool = {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
            let list = status.split(separator: "\n").first(where: { $0.hasPrefix("Cpus_allowed_list:") })?.split(
                separator: ":"
            ).last
        else { return false }
        let cpus = list.split(separator: ",").flatMap { part -> [Int] in  // "0-1", "0", "0,2-3"
            let ends = part.split(separator: "-").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
            guard let first = ends.first, let last = ends.last, first <= last else { return [] }
            return Array(first...last)
        }
        return cpus.contains(0) && cpus.contains(1)
    }()

    @Test(
        "numjobs=2 with cpus_allowed=0-1 and split: one worker on each CPU; the other threads keep the whole set",
        .enabled(if: mayUseCPUs0And1, "needs CPUs 0 and 1; this process may not run on both"))
    func splitPinsEachWorker() async throws {
        let dir = try TemporaryDirectory("cpus")
        let jobPath = try dir.write(
            "pin.fio",
            "[pin]\nioengine=null\nrw=randread\nsize=1m\nfilename=/dev/null\ntime_based\nruntime=3\nnumjobs=2\ncpus_allowed=0-1\ncpus_allowed_policy=split\n"
        )
        let (out, lists) = try await runProgram(
            diobenchBinary, ["run", "--no-progress", "--output-format=json", jobPath]
        ) { child in
            // Wait until both workers are running and pinned (at most 2 s), then read every thread's mask.
            var lists: [String] = []
            for _ in 0..<40 {
                try await Task.sleep(for: .milliseconds(50))
                lists = (try? allowedLists(of: child.processIdentifier)) ?? []
                if lists.contains("0") && lists.contains("1") { break }
            }
            return lists
        }
        #expect(lists.filter { $0 == "0" }.count == 1, "threads' CPU lists: \(lists)")
        #expect(lists.filter { $0 == "1" }.count == 1, "threads' CPU lists: \(lists)")
        #expect(lists.contains { $0 != "0" && $0 != "1" }, "the main thread is not pinned: \(lists)")
        #expect(out.status == 0)
    }
}
