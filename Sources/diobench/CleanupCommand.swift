import ArgumentParser
import Targets
import ZFS
import Vocabulary

/// `diobench cleanup`: undoes what a run that died (kill -9, power cut) left behind, from the journals
/// under /run/diobench; runs that are still alive and anything diobench did not record are left alone.
struct CleanupCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cleanup",
        abstract: "Undo what killed diobench runs left behind (loop devices, ZFS properties, scratch pools, files).")

    @Option(name: .customLong("journal-dir"), help: "Where runs journal their changes.")
    var journalDirectory = RunDirectories.journal

    @Flag(name: .customLong("dry-run"), help: "Say what would be undone, change nothing.")
    var dryRun = false

    mutating func run() throws {
        let report = Cleanup.run(directory: journalDirectory, handlers: UndoHandlers.withZFS, dryRun: dryRun) { line in
            print(line)
        }
        print(report.text, terminator: report.text.hasSuffix("\n") || report.text.isEmpty ? "" : "\n")
        if report.hasFailures { throw ExitCode(1) }
    }
}
