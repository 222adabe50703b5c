import Foundation
import JobFile
import Report
import Stats

/// `--save`: one folder per run under `Results/runs/<UTC time>-<first job>/` holding `result.json`
/// (fio's json+ with diobench's keys, so fio tools and `diobench diff` both read it) and `jobs.fio`
/// (every job with its resolved options), next to copies of the job files as written.
enum SavedRun {
    static func write(_ result: RunResult, jobs: ParsedJobFile, under root: String) throws -> String {
        let folder = newFolderPath(under: root, name: jobs.jobs.first?.name ?? "run")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try Data((try ReportRenderer.json(result, bins: true) + "\n").utf8).write(
            to: URL(fileURLWithPath: "\(folder)/result.json"))
        let resolved = jobs.jobs.map { $0.renderResolved() }.joined(separator: "\n")
        try Data(resolved.utf8).write(to: URL(fileURLWithPath: "\(folder)/jobs.fio"))
        copyJobFiles(jobs.files, into: folder)
        return folder
    }

    /// `<root>/<UTC time>-<name>`, with `name` made safe for a path and `-2`, `-3`… added until the
    /// folder is new. Runs and comparisons name their folders this way.
    static func newFolderPath(under root: String, name: String) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyyMMdd'T'HHmmss'Z'"
        let safe = String(name.map { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" ? $0 : "_" })
        let base = "\(root)/\(formatter.string(from: Date()))-\(safe)"
        var folder = base
        var suffix = 2
        while FileManager.default.fileExists(atPath: folder) {
            folder = "\(base)-\(suffix)"
            suffix += 1
        }
        return folder
    }

    /// Copies of the job files as written, in `<folder>/job-files/` (best effort: the results matter more);
    /// a job file read from standard input is saved as `stdin.fio`.
    static func copyJobFiles(_ files: [String], into folder: String) {
        let copies = folder + "/job-files"
        try? FileManager.default.createDirectory(atPath: copies, withIntermediateDirectories: true)
        for file in files {
            if file == JobFileInput.standardInputName, let text = try? JobFileInput.standardInputText() {
                try? Data(text.utf8).write(to: URL(fileURLWithPath: copies + "/stdin.fio"))
            } else {
                try? FileManager.default.copyItem(
                    atPath: file, toPath: copies + "/" + (file as NSString).lastPathComponent)
            }
        }
    }
}
