import JobFile
import Targets

public struct ExistingTarget: Sendable, Equatable {
    public var kind: TargetKind
    public var size: UInt64
    public init(kind: TargetKind, size: UInt64) { self.kind = kind; self.size = size }
}

/// One file of one worker: which path, which byte range it does I/O in, how big it must be laid out.
public struct PlannedFile: Sendable, Equatable {
    public var path: String
    public var kind: TargetKind
    public var regionStart: UInt64
    public var regionLength: UInt64
    /// Regular files are created or extended to this size before the job (fio's layout step).
    public var layoutSize: UInt64
}

/// One worker thread's share of a job (fio: one of `numjobs` clones).
public struct WorkerPlan: Sendable {
    public var files: [PlannedFile]
    public var bytesPerLoop: UInt64
    public var seed: UInt64
}

public struct PlanError: Error, CustomStringConvertible, Sendable {
    public var description: String
}

/// Turns a resolved job into its workers, following fio's rules for file names, sizes and offsets:
/// without `filename`, each clone gets its own `name.clone.file` files in `directory`; `size` is split
/// over the files; a missing `size` means the size of the existing file or device; `offset` (plus
/// `offset_increment` per clone) moves the region; `io_size` sets how much I/O one pass does.
public func planWorkers(for spec: JobSpec, jobIndex: Int, probe: (String) -> ExistingTarget) throws -> [WorkerPlan] {
    let location = "\(spec.sourceFile):\(spec.sourceLine): job '\(spec.name)'"
    var plans: [WorkerPlan] = []
    for clone in 0..<spec.numjobs {
        let paths: [String]
        if spec.filenames.isEmpty {
            // Clones with generated names take turns over the `directory=` list, as fio does.
            let directory = spec.directories.isEmpty ? nil : spec.directories[clone % spec.directories.count]
            paths = (0..<spec.nrfiles).map { join(directory, spec.generatedFileName(clone: clone, file: $0)) }
        } else {
            paths = spec.filenames.map { $0.hasPrefix("/") ? $0 : join(spec.directories.first, $0) }
        }
        let seedBase = spec.randrepeat || spec.allRandRepeat ? spec.randseed : UInt64.random(in: 1...UInt64.max)
        let seed = seedBase &* 0x100_0000_01B3 &+ UInt64(jobIndex) << 32 &+ UInt64(clone)
        var fileSizes = RandomSource(seed: seed ^ 0xF11E_512E)
        var files: [PlannedFile] = []
        for path in paths {
            let existing = probe(path)
            if existing.kind == .missing && !spec.allowFileCreate {
                throw PlanError(
                    description: "\(location): \(path) does not exist, and allow_file_create=0 forbids creating it")
            }
            let perFile: UInt64
            if let range = spec.fileSize {
                // fio draws each file's size uniformly in the range and rounds it down to the smallest block.
                let drawn = range.min &+ fileSizes.next(below: range.max &- range.min &+ 1)
                perFile = range.min == range.max ? drawn : max(drawn - drawn % spec.minimumBlockSize, range.min)
            } else if let size = spec.size {
                perFile = size / UInt64(paths.count)
            } else if let percent = spec.sizePercent {
                guard existing.kind != .missing else {
                    throw PlanError(
                        description: "\(location): size=\(percent)% needs an existing file, and \(path) does not exist")
                }
                perFile = UInt64(Double(existing.size) * percent / 100)
            } else {
                guard existing.kind != .missing, existing.size > 0 else {
                    throw PlanError(
                        description: "\(location): no size given and \(path) does not exist (or is empty); set size=")
                }
                perFile = existing.size
            }
            // fio's percentages: offset=N% of the file as it is, offset_increment=N% of the file as it is or will
            // be laid out; both rounded up to the minimum block size.
            func share(_ percent: Double, of size: UInt64) -> UInt64 {
                let unit = spec.minimumBlockSize
                return (UInt64(Double(size) * percent / 100) + unit - 1) / unit * unit
            }
            let increment =
                spec.offsetIncrementPercent.map { share($0, of: existing.kind == .missing ? perFile : existing.size) }
                ?? spec.offsetIncrement
            var offset = spec.offset &+ UInt64(clone) &* increment
            if let percent = spec.offsetPercent { offset &+= share(percent, of: existing.size) }
            var length = perFile
            if spec.fileSize != nil || (spec.size == nil && spec.sizePercent == nil) {
                // The file's own size bounds the region: I/O runs from the offset to its end.
                length = perFile > offset ? perFile - offset : 0
            }
            if existing.kind == .blockDevice || existing.kind == .characterDevice {
                guard offset < existing.size || existing.kind == .characterDevice else {
                    throw PlanError(
                        description: "\(location): offset \(offset) is past the end of \(path) (\(existing.size) bytes)"
                    )
                }
                if existing.kind == .blockDevice { length = min(length, existing.size - offset) }
            }
            guard length > 0 else {
                throw PlanError(
                    description: "\(location): the I/O region of \(path) is empty (size \(perFile), offset \(offset))")
            }
            files.append(
                PlannedFile(
                    path: path, kind: existing.kind, regionStart: offset, regionLength: length,
                    layoutSize: offset &+ length))
        }
        var passBytes = bytesPerPass(files, spec)
        // With filesize, size is what fio makes of it then: a cap on the bytes of one pass over the files.
        if spec.fileSize != nil, let size = spec.size { passBytes = min(passBytes, size) }
        plans.append(WorkerPlan(files: files, bytesPerLoop: spec.ioSize ?? passBytes, seed: seed))
    }
    return plans
}

/// Without `io_size`, a pass goes once over every file's region. fio ends a file's pass when the next
/// block no longer fits (sequential) or every block was visited (random map): with one fixed block size,
/// only the region's whole blocks count (bs=3k over 8m: 2730 I/Os, not a 2731st that wraps to the start).
/// Mixed sizes, holes and runs (`rw=…:N`), a `blockalign` other than the block size (the random offsets'
/// unit is then not a block), random I/O without the map and sequential reads and writes mixed (`rw=rw`:
/// each direction has its own position) go by bytes, as in fio.
func bytesPerPass(_ files: [PlannedFile], _ spec: JobSpec) -> UInt64 {
    let region = files.reduce(UInt64(0)) { $0 &+ $1.regionLength }
    let used = spec.rw.directions  // no trims: checkRunnable refuses those patterns before planning
    let bounds = used.map(spec.blockSizeBounds)
    guard let bs = bounds.first?.min, bs > 0, bounds.allSatisfy({ $0.min == bs && $0.max == bs }),
        spec.rwSequenceModifier == 0, used.allSatisfy({ (spec.blockAlign?[$0] ?? bs) == bs }),
        spec.rw.isRandom ? (!spec.norandommap || spec.randomGenerator == .lfsr) : used.count == 1
    else { return region }
    return files.reduce(UInt64(0)) { $0 &+ $1.regionLength / bs * bs }
}

private func join(_ directory: String?, _ name: String) -> String {
    guard let directory, !directory.isEmpty else { return name }
    return directory.hasSuffix("/") ? directory + name : directory + "/" + name
}
