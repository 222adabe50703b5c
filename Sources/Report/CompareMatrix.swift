/// One `--matrix OPTION=v1,v2,…` argument: a job option and the values to try.
public struct MatrixAxis: Sendable, Equatable, Codable {
    public var option: String
    public var values: [String]

    public init(option: String, values: [String]) {
        self.option = option
        self.values = values
    }

    /// Parses `OPTION=v1,v2,…`. Values that contain commas themselves (fio's per-direction `bs=4k,8k`)
    /// can be separated with `|` instead: `bs=4k,8k|64k,64k`.
    public init(parsing text: String) throws(CompareInputError) {
        guard let equals = text.firstIndex(of: "=") else {
            throw CompareInputError("--matrix \(text): expected OPTION=v1,v2,… (e.g. direct=0,1)")
        }
        let option = text[..<equals].trimmingCharacters(in: .whitespaces)
        let list = String(text[text.index(after: equals)...])
        guard !option.isEmpty else {
            throw CompareInputError("--matrix \(text): the option name is missing before '='")
        }
        let separator: Character = list.contains("|") ? "|" : ","
        let values = list.split(separator: separator, omittingEmptySubsequences: false)
            .map { $0.trimmingCharacters(in: .whitespaces) }
        guard !values.isEmpty, !values.contains(where: \.isEmpty) else {
            throw CompareInputError(
                "--matrix \(text): empty value (write values separated by '\(separator)', e.g. \(option)=a\(separator)b)"
            )
        }
        var seen = Set<String>()
        for value in values where !seen.insert(value).inserted {
            throw CompareInputError("--matrix \(text): value '\(value)' is listed twice")
        }
        self.option = option
        self.values = values
    }
}

/// One combination of matrix values: the options a run applies to every job.
public struct MatrixCell: Sendable, Equatable, Codable {
    public var settings: [MatrixSetting]

    public init(settings: [MatrixSetting]) { self.settings = settings }

    /// "direct=1 ioengine=io_uring"; "as written" when there is no matrix.
    public var label: String {
        settings.isEmpty ? "as written" : settings.map { "\($0.option)=\($0.value)" }.joined(separator: " ")
    }

    /// The value this cell gives `option`, if the matrix sets it.
    public func value(of option: String) -> String? { settings.first { $0.option == option }?.value }
}

public struct MatrixSetting: Sendable, Equatable, Codable {
    public var option: String
    public var value: String
    public init(option: String, value: String) { self.option = option; self.value = value }
}

/// A run of the schedule: which cell, which repetition (both from 0).
public struct RunSlot: Sendable, Equatable, Codable {
    public var cell: Int
    public var repetition: Int
    public init(cell: Int, repetition: Int) { self.cell = cell; self.repetition = repetition }
}

public enum CompareMatrix {
    /// Every combination of the axes' values (the cartesian product), the first axis varying slowest,
    /// as the table and the HTML list them. No axes: one cell that runs the job file as written.
    public static func cells(_ axes: [MatrixAxis]) throws(CompareInputError) -> [MatrixCell] {
        var seen = Set<String>()
        for axis in axes where !seen.insert(axis.option).inserted {
            throw CompareInputError("--matrix \(axis.option) is given twice; list all its values in one --matrix")
        }
        var cells = [MatrixCell(settings: [])]
        for axis in axes {
            cells = cells.flatMap { cell in
                axis.values.map {
                    MatrixCell(settings: cell.settings + [MatrixSetting(option: axis.option, value: $0)])
                }
            }
        }
        return cells
    }

    /// The order runs happen in: every cell once per round, `repeat` rounds (A B C A B C …), so a drift of
    /// the machine over time (page cache, thermal, a neighbour) touches every cell alike rather than
    /// making the cells run last look slower.
    public static func schedule(cells: Int, repeat rounds: Int) -> [RunSlot] {
        (0..<max(rounds, 0)).flatMap { round in (0..<cells).map { RunSlot(cell: $0, repetition: round) } }
    }
}

/// A bad `compare`, `diff` or `baseline` argument or input file: the CLI prints it and exits with status 2.
public struct CompareInputError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
