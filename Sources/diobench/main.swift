import ArgumentParser
import Foundation
import Runner

// Signals first: SIGINT/SIGTERM must be blocked before any thread exists (see SignalWatcher).
SignalWatcher.shared.install()

// fio's `--cmdhelp` takes an optional value; the argument parser wants one, so a bare flag asks for all.
// fio's job options on the command line (`--name=a --bs=4k`) travel to `run` and `compare` as --job-option.
let arguments = CommandLineJobs.rewrite(
    Array(CommandLine.arguments.dropFirst()).map { $0 == "--cmdhelp" ? "--cmdhelp=all" : $0 })

do {
    var command = try Diobench.parseAsRoot(arguments)
    try command.run()
} catch let exit as ExitCode {
    Foundation.exit(exit.rawValue)
} catch {
    // Usage and job-file errors exit with 2, as the README promises (fio uses 1; scripts want to tell them apart).
    let code = Diobench.exitCode(for: error)
    if code == .success {
        Diobench.exit(withError: error)
    }
    FileHandle.standardError.write(Data((Diobench.fullMessage(for: error) + "\n").utf8))
    Foundation.exit(2)
}
