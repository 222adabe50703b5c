// fio's file_service_type (HOWTO "file_service_type"; options.c str_fst_cb; io_u.c __get_next_file).

/// How a worker with several files picks the file of its next I/O.
public enum FileServiceKind: String, Codable, Sendable, CaseIterable {
    /// One file after the other, in order (the default).
    case roundrobin
    /// Stay on a file until its region is done, then the next one.
    case sequential
    /// A uniformly random file.
    case random
    /// A file drawn from `FileService.distribution` (fio's __FIO_FSERVICE_NONUNIFORM kinds).
    case zipf, pareto, normal
}

/// `file_service_type=KIND[:N]`: the kind, and how many I/Os go to a file before another is picked.
public struct FileService: Codable, Sendable, Equatable {
    public var kind: FileServiceKind = .roundrobin
    /// I/Os in a row to the picked file (fio's file_service_nr); 1 unless a `:N` suffix says otherwise.
    public var run: UInt64 = 1
    /// zipf, pareto, normal: the distribution over the files (with its theta, h or deviation and center).
    public var distribution: RandomDistribution = .random

    public init(kind: FileServiceKind = .roundrobin, run: UInt64 = 1, distribution: RandomDistribution = .random) {
        self.kind = kind
        self.run = run
        self.distribution = distribution
    }

    /// fio's non-uniform kinds never mark a file done: a full file starts over.
    public var isNonUniform: Bool { !distribution.isUniform }

    /// fio's default: round robin, one I/O per file.
    public var isDefault: Bool { kind == .roundrobin && run == 1 }
}

/// `roundrobin`, `sequential`, `random`, each with an optional `:N`.
struct FileServiceKindParser: ValueKind {
    static let kinds = ChoiceKind<FileServiceKind>(
        [
            (OptionChoice("roundrobin", "One file after the other (default)"), .roundrobin),
            (OptionChoice("sequential", "Finish one file before moving on to the next"), .sequential),
            (OptionChoice("random", "A file at random"), .random),
            (OptionChoice("zipf", "Files drawn from a Zipf distribution, zipf[:theta[:center]]"), .zipf),
            (OptionChoice("pareto", "Files drawn from a Pareto distribution, pareto[:h[:center]]"), .pareto),
            (OptionChoice("normal", "Files drawn from fio's normal distribution, normal[:dev%[:center]]"), .normal),
            (OptionChoice("gauss", "Same as normal", isAlias: true), .normal),
        ], noun: "file service type")

    var typeName: String { "choice, with an optional :N suffix" }
    var expected: String { Self.kinds.expected + ", optionally followed by :N (I/Os before switching files)" }
    var choices: [OptionChoice] { Self.kinds.choices }

    func parse(_ text: String, _ context: ValueContext) throws(ValueProblem) -> FileService {
        let pieces = text.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
        let name = pieces[0].trimmingWhitespace()
        if ["zipf", "pareto", "normal", "gauss"].contains(name) {
            // fio's defaults: zipf 1.1, pareto 0.2, normal 0 (str_fst_cb), as random_distribution's.
            let canonical = name == "gauss" ? "normal" : name
            let rest = pieces.count == 2 ? ":" + pieces[1].trimmingWhitespace() : ""
            let distribution = try RandomDistributionKind().parse(canonical + rest, context)
            let kind: FileServiceKind = canonical == "zipf" ? .zipf : canonical == "pareto" ? .pareto : .normal
            return FileService(kind: kind, distribution: distribution)
        }
        let kind = try Self.kinds.parse(name, context)
        guard pieces.count == 2 else { return FileService(kind: kind) }
        let suffix = pieces[1].trimmingWhitespace()
        guard let n = UInt64(suffix), n >= 1 else {
            throw ValueProblem(
                "':\(suffix)' is not a count of I/Os per file",
                valid: "expected a whole number of 1 or more, e.g. \(name):8")
        }
        return FileService(kind: kind, run: n)
    }

    /// The value as a job file writes it.
    static func text(_ service: FileService) -> String {
        if service.isNonUniform { return RandomDistributionKind.text(service.distribution) }
        return service.run == 1 ? service.kind.rawValue : "\(service.kind.rawValue):\(service.run)"
    }
}
