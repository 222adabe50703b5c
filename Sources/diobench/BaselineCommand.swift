import ArgumentParser
import Foundation
import Report
import Runner

/// `diobench baseline save NAME RESULT…` and `diobench baseline list`.
struct BaselineCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "baseline",
        abstract: "Store results as a named baseline for `diobench diff`.",
        subcommands: [Save.self, List.self])

    struct Save: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "save",
            abstract: "Copy runs (with their job files and environment) to Results/baselines/NAME/.",
            discussion:
                "RESULT is anything `diobench diff` reads: a run or compare folder, a folder of runs, a result.json, a compare.json or fio's JSON output."
        )

        @Argument(help: "Name of the baseline (letters, digits, - _ .).")
        var name: String

        @Argument(help: "Results to store.")
        var results: [String] = []

        @Option(name: .customLong("baselines-dir"), help: "Where baselines are kept.")
        var baselinesDirectory = "Results/baselines"

        @Flag(name: .customLong("replace"), help: "Overwrite an existing baseline of that name.")
        var replace = false

        mutating func run() throws {
            let saved: (folder: String, manifest: BaselineManifest)
            do {
                saved = try BaselineStore.save(
                    name: name, results: results, directory: baselinesDirectory,
                    replace: replace, version: diobenchVersion)
            } catch {
                throw UsageFailure(message: "diobench baseline save: \(error.description)")
            }
            let runs = saved.manifest.samples.reduce(0) { $0 + $1.runs }
            var line =
                "saved baseline '\(name)' in \(saved.folder): \(runs) run\(runs == 1 ? "" : "s") from \(saved.manifest.samples.count) result\(saved.manifest.samples.count == 1 ? "" : "s")"
            if let e = saved.manifest.environment {
                line += "; kernel \(e.kernel ?? "?"), ZFS \(e.zfsVersion ?? "not loaded"), \(e.machine ?? "?")"
            }
            print(line)
            if saved.manifest.mixedEnvironments == true {
                standardError("diobench: warning: the saved runs come from different kernels, ZFS versions or hosts")
            }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "List the stored baselines.")

        @Option(name: .customLong("baselines-dir"), help: "Where baselines are kept.")
        var baselinesDirectory = "Results/baselines"

        mutating func run() throws {
            for name in BaselineStore.names(in: baselinesDirectory) {
                guard let m = BaselineStore.manifest(baselinesDirectory + "/" + name) else { continue }
                let runs = m.samples.reduce(0) { $0 + $1.runs }
                print(
                    "\(name)\t\(runs) run\(runs == 1 ? "" : "s")\t\(m.created)\tkernel \(m.environment?.kernel ?? "?")\tZFS \(m.environment?.zfsVersion ?? "not loaded")"
                )
            }
        }
    }
}
