import ArgumentParser
import Runner

struct Diobench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diobench",
        abstract: "fio-style I/O workloads with direct-I/O accounting for ZFS, loop devices and plain files.",
        discussion: """
            Runs fio job files (`diobench JOBFILE…` works as with fio), and fio's command-line jobs \
            (`diobench --name=a --rw=randread --size=1g`). Exit status: 0 success, 1 I/O errors \
            or a failed job, 2 job-file or usage errors and refused jobs (the write guard, the known-crash guard), \
            128+N when stopped by signal N (partial results are written).
            """,
        version: "diobench \(diobenchVersion)",
        subcommands: [
            RunCommand.self, CompareCommand.self, DiffCommand.self, BaselineCommand.self, CleanupCommand.self,
            LabCommand.self,
        ],
        defaultSubcommand: RunCommand.self
    )
}
