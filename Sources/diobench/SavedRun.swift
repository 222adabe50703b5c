import Foundation
import JobFile
import Report
import Stats

/// `--save`: one folder per run under `Results/runs/<UTC time>-<first job>/` holding `result.json`
/// (fio's json+ with diobench's keys, so fio tools and `diobench diff` both read it) and `jobs.fio`
/// (every job with its resolved options), next to copies of the job files as written.
enum SavedRun {
    static func write(_ result: RunResult, jobs: ParsedJobFile, under root: String) throws -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyyMMdd'T'HHmmss'Z'"
        let stamp = formatter.string(from: Date())
        let name = (jobs.jobs.first?.name ?? "run").map { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" ? $0 : "_" }
        var folder = "\(root)/\(stamp)-\(String(name))"
        var suffix = 2
        while FileManager.default.fileExists(atPath: folder) {
            folder = "\(root)/\(stamp)-\(String(name))-\(suffix)"
            suffix += 1
        }
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try Data((try ReportRenderer.json(result, bins: true) + "\n").utf8).write(to: URL(fileURLWithPath: "\(folder)/result.json"))
        let resolved = jobs.jobs.map { $0.renderResolved() }.joined(separator: "\n")
        try Data(resolved.utf8).write(to: URL(fileURLWithPath: "\(folder)/jobs.fio"))
        for file in jobs.files {
            let copy = "\(folder)/job-files/\((file as NSString).lastPathComponent)"
            try? FileManager.default.createDirectory(atPath: "\(folder)/job-files", withIntermediateDirectories: true)
            try? FileManager.default.copyItem(atPath: file, toPath: copy)
        }
        return folder
    }
}
