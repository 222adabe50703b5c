/// The boots of a lab compare and how their results become one compare result. `lab_image` is a matrix axis
/// that no job option carries: each value is an image to boot. The guest's own `diobench compare` runs the
/// other axes, interleaved as usual; the host spreads the repetitions over boots and images.
public enum CompareLabPlan {
    /// The matrix axis that names lab images.
    public static let imageAxis = "lab_image"

    /// One boot: an image and the repetitions the guest's compare makes in it.
    public struct Boot: Sendable, Equatable {
        public var image: String
        public var repetitions: Int
        public init(image: String, repetitions: Int) { self.image = image; self.repetitions = repetitions }
    }

    /// `--boots-per-image` when not given: 2 once there are 2 repetitions, so a boot's own state (page
    /// cache, the host's load at the time) is not confounded with the image.
    public static func defaultBootsPerImage(repeat n: Int) -> Int { n >= 2 ? 2 : 1 }

    /// The boots in order: `boots` rounds (at most `repeat`), each booting every image once, the image order
    /// reversed every other round (A B, B A, A B …) so a drift of the host hits every image alike. The
    /// repetitions are shared out as evenly as possible, earlier rounds taking the remainder.
    public static func boots(images: [String], repeat n: Int, bootsPerImage k: Int) -> [Boot] {
        let rounds = max(1, min(k, n))
        return (0..<rounds).flatMap { round -> [Boot] in
            let share = n / rounds + (round < n % rounds ? 1 : 0)
            let order = round % 2 == 0 ? images : images.reversed()
            return order.map { Boot(image: $0, repetitions: share) }
        }
    }

    /// The boot's guest results, or the crash that ended it; nil `result` when nothing came back.
    public struct BootResult: Sendable {
        public var image: String
        public var result: CompareResult?
        public var crash: CrashSummary?
        public init(image: String, result: CompareResult?, crash: CrashSummary? = nil) {
            self.image = image; self.result = result; self.crash = crash
        }
    }

    /// One compare result out of the boots' guest results: a cell per (image × the other axes' cells), in
    /// the order `CompareMatrix.cells(axes)` gives (`axes` with the `lab_image` axis where the user put it;
    /// without one, every boot is of `info.lab`'s single image), every run of every boot, the order the runs
    /// were made in, and each image's crash on its cells. `info` gives the rest (version, job files, lab facts).
    public static func merge(axes: [MatrixAxis], boots: [BootResult], info: CompareInfo) throws(CompareInputError)
        -> CompareResult
    {
        let cells = try CompareMatrix.cells(axes)
        var merged = CompareResult(
            info: info, cells: cells.map { CompareCell(label: $0.label, settings: $0.settings) })
        merged.info.matrix = axes
        merged.info.order = []
        let hasImageAxis = axes.contains { $0.option == imageAxis }
        /// The merged cell of a guest cell's settings in a boot of `image`.
        func index(_ guest: [MatrixSetting], image: String) -> Int? {
            cells.firstIndex { cell in
                (!hasImageAxis || cell.value(of: imageAxis) == image)
                    && cell.settings.filter { $0.option != imageAxis } == guest
            }
        }
        for boot in boots {
            if let crash = boot.crash {
                for i in merged.cells.indices where merged.cells[i].crash == nil {
                    if !hasImageAxis || cells[i].value(of: imageAxis) == boot.image { merged.cells[i].crash = crash }
                }
            }
            guard let guest = boot.result else { continue }
            if guest.info.environment != nil, merged.info.environment == nil {
                merged.info.environment = guest.info.environment
            }
            if guest.info.interrupted == true { merged.info.interrupted = true }
            // Runs in the guest's order; a result without one (never written so) takes its cells' order.
            var order = guest.info.order
            for (c, cell) in guest.cells.enumerated() {
                let have = order.filter { $0.cell == c }.count
                if cell.runs.count > have { order += (have..<cell.runs.count).map { RunSlot(cell: c, repetition: $0) } }
            }
            for slot in order where guest.cells.indices.contains(slot.cell) {
                let cell = guest.cells[slot.cell]
                guard cell.runs.indices.contains(slot.repetition) else { continue }
                guard let target = index(cell.settings, image: boot.image) else {
                    throw CompareInputError(
                        "a boot of image \(boot.image) returned cell '\(cell.label)', which the matrix does not have")
                }
                merged.info.order.append(RunSlot(cell: target, repetition: merged.cells[target].runs.count))
                merged.cells[target].runs.append(cell.runs[slot.repetition])
            }
        }
        if let lab = info.lab {
            for i in merged.cells.indices {
                let image = hasImageAxis ? cells[i].value(of: imageAxis) : lab.images.first?.name
                merged.cells[i].boots = image.map { lab.bootCount($0) }
            }
        }
        merged.summarize()
        return merged
    }

    /// The matrix without the `lab_image` axis (what the guest's compare gets), and that axis's images.
    public static func split(_ axes: [MatrixAxis]) -> (guest: [MatrixAxis], images: [String]?) {
        (axes.filter { $0.option != imageAxis }, axes.first { $0.option == imageAxis }?.values)
    }
}
