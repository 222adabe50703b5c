import Foundation
import Stats

/// One side of a diff (or the input of `baseline save`): runs, each with its matrix cell, and where they came from.
public struct ResultSide: Sendable {
    /// "baseline 'quickstart'", "Results/runs/…/result.json".
    public var description: String
    public var runs: [LabeledRun]
    /// The files and folders read, one per stored result.
    public var leaves: [ResultLeaf]

    public var environments: [RunEnvironment] { runs.compactMap { $0.run.diobench?.environment } }
}

/// A single stored result: a run folder, a compare folder, or one JSON file.
public struct ResultLeaf: Sendable, Equatable {
    public enum Kind: String, Sendable, Codable {
        /// `Results/runs/<…>/` with result.json (and jobs.fio, job-files/).
        case runFolder = "run"
        /// `Results/compare/<…>/` with compare.json.
        case compareFolder = "compare"
        /// A result.json, a compare.json or fio's JSON output.
        case runFile = "run-file"
        case compareFile = "compare-file"
    }
    public var kind: Kind
    public var path: String
}

/// Reads what the user names on a diff's command line. Accepted, on either side:
/// a baseline name (`Results/baselines/NAME/`), a baseline folder, a run folder (result.json), a compare
/// folder (compare.json), a folder of run folders, a result or compare JSON file, or fio's own JSON output
/// (`fio --output-format=json`, text before the JSON is skipped).
public enum ResultLoader {
    public static func load(_ argument: String, baselinesDirectory: String) throws(CompareInputError) -> ResultSide {
        let fm = FileManager.default
        var isDirectory: ObjCBool = false
        var path = argument
        var description = argument
        if !fm.fileExists(atPath: path, isDirectory: &isDirectory) {
            let named = baselinesDirectory + "/" + argument
            guard !argument.contains("/"), fm.fileExists(atPath: named + "/" + BaselineStore.manifestName) else {
                let known = BaselineStore.names(in: baselinesDirectory)
                throw CompareInputError(
                    "\(argument): no such file, folder or baseline"
                        + (known.isEmpty
                            ? " (no baselines in \(baselinesDirectory))"
                            : " (baselines: \(known.joined(separator: ", ")))"))
            }
            path = named
            description = "baseline '\(argument)'"
            isDirectory = true
        } else if isDirectory.boolValue, fm.fileExists(atPath: path + "/" + BaselineStore.manifestName) {
            description = "baseline '\((path as NSString).lastPathComponent)'"
        }
        let leaves = try self.leaves(at: path)
        var runs: [LabeledRun] = []
        for leaf in leaves { runs += try read(leaf) }
        guard !runs.isEmpty else { throw CompareInputError("\(argument): holds no runs") }
        return ResultSide(description: description, runs: runs, leaves: leaves)
    }

    /// The stored results at `path`, in name order for folders.
    public static func leaves(at path: String) throws(CompareInputError) -> [ResultLeaf] {
        let fm = FileManager.default
        var isDirectory: ObjCBool = false
        guard fm.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw CompareInputError("\(path): no such file or folder")
        }
        guard isDirectory.boolValue else {
            return [ResultLeaf(kind: isCompareFile(path) ? .compareFile : .runFile, path: path)]
        }
        if fm.fileExists(atPath: path + "/compare.json") { return [ResultLeaf(kind: .compareFolder, path: path)] }
        if fm.fileExists(atPath: path + "/result.json") { return [ResultLeaf(kind: .runFolder, path: path)] }
        let base =
            fm.fileExists(atPath: path + "/" + BaselineStore.manifestName)
            ? path + "/" + BaselineStore.samplesFolder : path
        let children = ((try? fm.contentsOfDirectory(atPath: base)) ?? []).sorted()
        var out: [ResultLeaf] = []
        for child in children {
            let sub = base + "/" + child
            if fm.fileExists(atPath: sub + "/compare.json") {
                out.append(ResultLeaf(kind: .compareFolder, path: sub))
            } else if fm.fileExists(atPath: sub + "/result.json") {
                out.append(ResultLeaf(kind: .runFolder, path: sub))
            }
        }
        guard !out.isEmpty else {
            throw CompareInputError(
                "\(path): not a run folder (result.json), compare folder (compare.json), baseline (\(BaselineStore.manifestName)) or folder of runs"
            )
        }
        return out
    }

    /// The runs of one stored result.
    public static func read(_ leaf: ResultLeaf) throws(CompareInputError) -> [LabeledRun] {
        switch leaf.kind {
        case .runFolder: return [LabeledRun(cell: "", run: try readRun(leaf.path + "/result.json"))]
        case .runFile: return [LabeledRun(cell: "", run: try readRun(leaf.path))]
        case .compareFolder: return try readCompare(leaf.path + "/compare.json").labeledRuns
        case .compareFile: return try readCompare(leaf.path).labeledRuns
        }
    }

    static func data(_ path: String) throws(CompareInputError) -> Data {
        do { return try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw CompareInputError("\(path): can't read: \(error.localizedDescription)")
        }
    }

    /// Whether the file at `path` holds a compare result; anything else is read as a run.
    static func isCompareFile(_ path: String) -> Bool {
        guard let bytes = try? data(path) else { return false }
        return CompareResult.isCompare(bytes)
    }

    public static func readRun(_ path: String) throws(CompareInputError) -> RunResult {
        let bytes = try data(path)
        let run: RunResult
        do { run = try RunResult.decodeFioOutput(bytes) } catch {
            throw CompareInputError("\(path): not fio or diobench JSON output (\(error))")
        }
        guard !run.jobs.isEmpty else { throw CompareInputError("\(path): the JSON has no jobs") }
        return run
    }

    public static func readCompare(_ path: String) throws(CompareInputError) -> CompareResult {
        let bytes = try data(path)
        do {
            guard let result = try CompareResult.decodeIfCompare(bytes) else {
                throw CompareInputError("\(path): not a diobench compare result")
            }
            return result
        } catch let error as CompareInputError {
            throw error
        } catch {
            throw CompareInputError("\(path): unreadable compare result (\(error))")
        }
    }
}
