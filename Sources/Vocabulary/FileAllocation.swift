/// fio's `fallocate=` modes (HOWTO "fallocate"): how a file is preallocated when a job lays it out.
public enum FileAllocation: String, Sendable, Codable, CaseIterable {
    /// No preallocation.
    case none
    /// fallocate(2) mode 0; if it fails (ZFS, tmpfs on old kernels) carry on as `none`.
    case native
    /// posix_fallocate(3) (glibc writes zeros where fallocate is missing).
    case posix
    /// fallocate(2) with FALLOC_FL_KEEP_SIZE: blocks reserved, size unchanged.
    case keep
    /// ftruncate(2) to the final size: sparse.
    case truncate
}
