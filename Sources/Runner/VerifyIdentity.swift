import JobFile

/// Who wrote a verify block, as its header records it (job id and seed fields).
///
/// "The same job" is the same job *name* with the same `randseed`: the job id is the 32-bit FNV-1a
/// hash of the name, the seed is `randseed` (fio's default 0x89 unless set). Neither depends on the
/// job's position in the file, `numjobs` clone, `randrepeat` or the run, so a read-only job with the
/// same name and randseed can check, in a later run, what a write job wrote (e.g. `[data] rw=write
/// verify=crc32c do_verify=0`, then `[data] rw=read verify=crc32c`). A block with another id or seed
/// is reported as `foreign`.
public struct VerifyIdentity: Sendable, Equatable {
    public var jobID: UInt32
    public var seed: UInt64

    public init(jobID: UInt32, seed: UInt64) {
        self.jobID = jobID
        self.seed = seed
    }

    public init(spec: JobSpec) {
        self.init(jobID: Self.hash(name: spec.name), seed: spec.randseed)
    }

    /// FNV-1a, 32 bits, of the name's UTF-8 bytes.
    public static func hash(name: String) -> UInt32 {
        var h: UInt32 = 0x811C_9DC5
        for byte in name.utf8 {
            h ^= UInt32(byte)
            h = h &* 0x0100_0193
        }
        return h
    }
}
