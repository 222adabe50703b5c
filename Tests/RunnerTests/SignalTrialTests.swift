import DiobenchTestSupport
import Foundation
import Testing

/// Issue 8: SIGINT and SIGTERM at random points of runs whose jobs build loop devices, from the first
/// instant (setup included) to well into the I/O, and a second SIGINT right after the first. Each time:
/// no loop device is left, nothing is left in the journal, and the outcome is the documented one
/// (docs/SAFETY.md): exit status 128+N with partial results as JSON on stdout, or, for a signal that
/// came before diobench could install its handler, death by that signal with nothing written or changed.
@Suite(.serialized, .loopDevices, .enabled(if: canUseLoopDevices, loopReason))
struct SignalTrialTests {
    /// Two jobs at once, each on its own loop device (one reading, one writing a new backing file).
    func job(_ dir: TemporaryDirectory, engine: String) -> String {
        """
        [global]
        size=16m
        bs=4k
        ioengine=\(engine)
        iodepth=4
        direct=1
        loop_dio=1
        time_based
        runtime=30
        [reader]
        loop_backing=\(dir.path)/reader.img
        rw=randread
        [writer]
        loop_backing=\(dir.path)/writer.img
        rw=randwrite
        """
    }

    struct Trial: CustomStringConvertible {
        var signals: [Int32]
        var delay: Double
        var engine: String
        var description: String {
            "\(signals.map { $0 == SIGINT ? "SIGINT" : "SIGTERM" }.joined(separator: "+")) after \(Int(delay * 1000)) ms, \(engine)"
        }
    }

    enum Outcome { case partialResultsAfterIO, partialResultsBeforeIO, killedBeforeHandler }

    /// Starts diobench, signals it after the trial's delay, and checks what it left behind.
    @discardableResult
    func run(_ trial: Trial) async throws -> Outcome {
        let dir = try TemporaryDirectory("runner")
        let journal = dir.path + "/journal"
        let before = try await losetupLines()
        // Past the signals, diobench has 30 s to exit: then it is interrupted again and killed.
        let (out, _) = try await runProgram(
            diobenchBinary,
            [
                "run", "--output-format=json", "--journal-dir", journal,
                try dir.write("j.fio", job(dir, engine: trial.engine)),
            ],
            timeout: trial.delay + 30
        ) { child in
            if trial.delay > 0 { try await Task.sleep(for: .seconds(trial.delay)) }
            for (index, signal) in trial.signals.enumerated() {
                if index > 0 { try await Task.sleep(for: .milliseconds(10)) }
                try? child.send(signal)
            }
        }
        let hung = out.timedOut
        let output = out.stdout, messages = out.stderr
        let context = "\(trial): stderr: \(messages.suffix(1500))"
        #expect(!hung, "diobench did not exit within 30 s of the signal: \(context)")

        #expect(try await losetupLines() == before, "a loop device was left: \(context)")
        let leftovers = (try? FileManager.default.contentsOfDirectory(atPath: journal)) ?? []
        #expect(leftovers.isEmpty, "journal entries left: \(leftovers): \(context)")

        if out.signaled {
            // Only possible before main() blocked the signals: then nothing was set up or written.
            #expect(out.status == trial.signals[0], "\(context)")
            #expect(output.isEmpty, "\(context)")
            #expect(
                !FileManager.default.fileExists(atPath: dir.path + "/writer.img"),
                "killed before the handler, yet set up: \(context)")
            return .killedBeforeHandler
        }
        #expect(out.status == 128 + trial.signals[0], "exit status: \(context)")
        let result = try jsonObject(output)
        #expect(result.object("diobench")["partial"] as? Bool == true, "results marked partial: \(context)")
        #expect(result.jobs.count == 2, "both jobs reported (those that never ran with zero I/O): \(context)")
        let ios = result.jobs.reduce(0.0) {
            $0 + $1.object("read").number("total_ios") + $1.object("write").number("total_ios")
        }
        return ios > 0 ? .partialResultsAfterIO : .partialResultsBeforeIO
    }

    @Test func twentySignalsAtRandomPoints() async throws {
        // DIOBENCH_SIGNAL_SEED=N replays a run's delays (the seed is printed at the end).
        let seed =
            ProcessInfo.processInfo.environment["DIOBENCH_SIGNAL_SEED"].flatMap(UInt64.init)
            ?? UInt64(Date().timeIntervalSince1970)
        var generator = SplitMix(seed: seed)
        var outcomes: [String] = []
        for index in 0..<20 {
            // A third of the trials land in the first 100 ms (start-up, parsing, loop setup), the rest anywhere up to 1 s.
            let delay = index % 3 == 0 ? Double(generator.next() % 100) / 1000 : Double(generator.next() % 1000) / 1000
            let trial = Trial(
                signals: [index % 2 == 0 ? SIGINT : SIGTERM], delay: delay, engine: index % 4 < 2 ? "io_uring" : "psync"
            )
            let outcome = try await run(trial)
            outcomes.append("\(trial): \(outcome)")
        }
        // Recorded for whoever reads the log; the seed replays the delays.
        print("signal trials (seed \(seed)):\n" + outcomes.joined(separator: "\n"))
    }

    @Test func aSecondSigintStopsTheWaitButNotTheCleanup() async throws {
        for delay in [0.05, 0.4] {
            try await run(Trial(signals: [SIGINT, SIGINT], delay: delay, engine: "io_uring"))
        }
    }
}
