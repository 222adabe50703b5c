// fio's reserved keywords `$pagesize`, `$mb_memory` and `$ncpus`, read once from the running system.
// Injectable, so tests can pin them.

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

public struct SystemValues: Sendable, Equatable {
    /// `$pagesize`: bytes per page.
    public var pageSize: UInt64
    /// `$mb_memory`: total memory in MiB.
    public var memoryMiB: UInt64
    /// `$ncpus`: online CPUs.
    public var onlineCPUs: UInt64

    public init(pageSize: UInt64, memoryMiB: UInt64, onlineCPUs: UInt64) {
        self.pageSize = pageSize
        self.memoryMiB = memoryMiB
        self.onlineCPUs = onlineCPUs
    }

    public static var current: SystemValues {
        let page = UInt64(max(sysconf(Int32(_SC_PAGESIZE)), 1))
        let pages = UInt64(max(sysconf(Int32(_SC_PHYS_PAGES)), 0))
        let cpus = UInt64(max(sysconf(Int32(_SC_NPROCESSORS_ONLN)), 1))
        return SystemValues(pageSize: page, memoryMiB: pages * page / (1024 * 1024), onlineCPUs: cpus)
    }

    /// Keyword names as written after `$`, longest first so that no keyword shadows another.
    func value(ofKeyword name: String) -> UInt64? {
        switch name {
        case "pagesize": return pageSize
        case "mb_memory": return memoryMiB
        case "ncpus": return onlineCPUs
        default: return nil
        }
    }

    static let keywords = ["mb_memory", "pagesize", "ncpus"]
}
