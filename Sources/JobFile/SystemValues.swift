// fio's reserved keywords `$pagesize`, `$mb_memory` and `$ncpus`, read once from the running system.
// Injectable, so tests can pin them.

import Foundation

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

/// fio's textual handling of the keywords, for values that are not numbers (paths, names) and for recording a
/// value the way fio's JSON "job options" shows it.
enum Keywords {
    /// Replaces every `$pagesize`, `$mb_memory` and `$ncpus` with its number.
    static func substitute(_ text: String, _ system: SystemValues) -> (text: String, replaced: Bool) {
        guard text.contains("$") else { return (text, false) }
        var out = text
        var replaced = false
        for keyword in SystemValues.keywords where out.contains("$" + keyword) {
            out = out.replacingOccurrences(of: "$" + keyword, with: String(system.value(ofKeyword: keyword) ?? 0))
            replaced = true
        }
        return (out, replaced)
    }

    /// The value as fio records it: keywords replaced and, when what is left is plain arithmetic, computed.
    static func fioRecorded(_ text: String, _ system: SystemValues) -> String {
        let (substituted, replaced) = substitute(text, system)
        guard replaced, substituted.allSatisfy({ "0123456789+-*/%^() ".contains($0) }) else { return substituted }
        var evaluator = ExpressionEvaluator(text: substituted, unit: .count(kbBase: 1024), system: system)
        guard let value = try? evaluator.evaluate(original: substituted) else { return substituted }
        return String(value)
    }
}
