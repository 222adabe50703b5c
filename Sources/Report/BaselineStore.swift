import Foundation
import Stats

/// What `Results/baselines/NAME/baseline.json` says about a baseline.
public struct BaselineManifest: Sendable, Codable, Equatable {
    public var name: String
    /// UTC, ISO 8601.
    public var created: String
    public var diobenchVersion: String
    /// The machine of the first run (kernel, ZFS version, CPU …).
    public var environment: RunEnvironment?
    /// Set when the runs were made on different kernels, ZFS versions or hosts.
    public var mixedEnvironments: Bool?
    public var samples: [Sample]
    /// Job files copied into job-files/.
    public var jobFiles: [String]

    public struct Sample: Sendable, Codable, Equatable {
        /// Folder under samples/.
        public var folder: String
        /// What was saved, as given on the command line.
        public var source: String
        public var kind: ResultLeaf.Kind
        public var runs: Int
        /// Matrix cells in a compare result.
        public var cells: [String]?
    }

    enum CodingKeys: String, CodingKey {
        case name, created, diobenchVersion = "diobench_version", environment, mixedEnvironments = "mixed_environments"
        case samples, jobFiles = "job_files"
    }
}

/// Baselines under `Results/baselines/NAME/`:
///   baseline.json          the manifest (sources, environment, job files)
///   job-files/             the job files the runs were made from
///   samples/01/, 02/, …    one saved result each: a run folder (result.json, jobs.fio, job-files/)
///                          or a compare folder (compare.json, …), copied as they were
public enum BaselineStore {
    public static let manifestName = "baseline.json"
    public static let samplesFolder = "samples"

    /// Copies `results` (anything `diff` reads) into a new baseline `name`. An existing baseline is replaced
    /// only with `replace`.
    public static func save(
        name: String, results: [String], directory: String, replace: Bool,
        version: String
    ) throws(CompareInputError) -> (folder: String, manifest: BaselineManifest) {
        guard !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || "-_.".contains($0) }), !name.hasPrefix(".")
        else {
            throw CompareInputError("baseline name '\(name)': use letters, digits, '-', '_' and '.'")
        }
        guard !results.isEmpty else {
            throw CompareInputError("baseline save \(name): name at least one result to save")
        }
        var leaves: [(source: String, leaf: ResultLeaf, runs: [LabeledRun])] = []
        for result in results {
            for leaf in try ResultLoader.leaves(at: result) {
                leaves.append((result, leaf, try ResultLoader.read(leaf)))
            }
        }
        let fm = FileManager.default
        let folder = directory + "/" + name
        if fm.fileExists(atPath: folder) {
            guard replace else {
                throw CompareInputError("baseline '\(name)' exists in \(directory) (use --replace to overwrite it)")
            }
            do { try fm.removeItem(atPath: folder) } catch {
                throw CompareInputError("\(folder): can't remove: \(error.localizedDescription)")
            }
        }
        var samples: [BaselineManifest.Sample] = []
        var jobFiles: [String] = []
        do {
            try fm.createDirectory(atPath: folder + "/" + samplesFolder, withIntermediateDirectories: true)
            for (index, entry) in leaves.enumerated() {
                let sub = String(format: "%02d", index + 1)
                let target = folder + "/" + samplesFolder + "/" + sub
                switch entry.leaf.kind {
                case .runFolder, .compareFolder:
                    try fm.copyItem(atPath: entry.leaf.path, toPath: target)
                case .runFile:
                    try fm.createDirectory(atPath: target, withIntermediateDirectories: true)
                    try fm.copyItem(atPath: entry.leaf.path, toPath: target + "/result.json")
                case .compareFile:
                    try fm.createDirectory(atPath: target, withIntermediateDirectories: true)
                    try fm.copyItem(atPath: entry.leaf.path, toPath: target + "/compare.json")
                }
                let cells = Array(Set(entry.runs.map(\.cell))).sorted()
                samples.append(
                    BaselineManifest.Sample(
                        folder: samplesFolder + "/" + sub, source: entry.leaf.path,
                        kind: entry.leaf.kind, runs: entry.runs.count,
                        cells: cells == [""] ? nil : cells))
                if jobFiles.isEmpty {
                    jobFiles = try copyJobFiles(of: entry.leaf, runs: entry.runs, into: folder + "/job-files")
                }
            }
        } catch let error as CompareInputError {
            throw error
        } catch {
            throw CompareInputError("saving baseline '\(name)' in \(folder): \(error.localizedDescription)")
        }
        let runs = leaves.flatMap(\.runs)
        let environments = runs.compactMap { $0.run.diobench?.environment }
        let distinct = Set(
            environments.map { "\($0.kernel ?? "")|\($0.zfsVersion ?? "")|\($0.hostname ?? "")|\($0.cpuModel ?? "")" })
        let manifest = BaselineManifest(
            name: name, created: isoNow(), diobenchVersion: version,
            environment: environments.first, mixedEnvironments: distinct.count > 1 ? true : nil,
            samples: samples, jobFiles: jobFiles)
        do {
            try Data((FioJSONEncoder().encode(manifest) + "\n").utf8).write(
                to: URL(fileURLWithPath: folder + "/" + manifestName))
        } catch {
            throw CompareInputError("\(folder)/\(manifestName): can't write: \(error.localizedDescription)")
        }
        return (folder, manifest)
    }

    /// The job files of a saved result: the copies in its folder, else the files its JSON names (when they
    /// still exist). Returns their names in job-files/.
    static func copyJobFiles(of leaf: ResultLeaf, runs: [LabeledRun], into target: String) throws -> [String] {
        let fm = FileManager.default
        var sources: [String] = []
        let folder = leaf.kind == .runFolder || leaf.kind == .compareFolder ? leaf.path : nil
        if let folder, let names = try? fm.contentsOfDirectory(atPath: folder + "/job-files") {
            sources = names.sorted().map { folder + "/job-files/" + $0 }
        } else {
            sources = (runs.first?.run.diobench?.jobFiles ?? []).filter { fm.fileExists(atPath: $0) }
        }
        guard !sources.isEmpty else { return [] }
        try fm.createDirectory(atPath: target, withIntermediateDirectories: true)
        var names: [String] = []
        for source in sources {
            let name = (source as NSString).lastPathComponent
            guard !names.contains(name) else { continue }
            try fm.copyItem(atPath: source, toPath: target + "/" + name)
            names.append(name)
        }
        return names
    }

    /// Baseline names in `directory`, sorted.
    public static func names(in directory: String) -> [String] {
        let fm = FileManager.default
        return ((try? fm.contentsOfDirectory(atPath: directory)) ?? [])
            .filter { fm.fileExists(atPath: directory + "/" + $0 + "/" + manifestName) }.sorted()
    }

    public static func manifest(_ folder: String) -> BaselineManifest? {
        guard let data = try? Data(contentsOf: URL(fileURLWithPath: folder + "/" + manifestName)) else { return nil }
        return try? JSONDecoder().decode(BaselineManifest.self, from: data)
    }

    /// Now, as ISO 8601 in UTC (manifests and comparisons record when they were made).
    public static func isoNow() -> String {
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: Date())
    }
}
