import Foundation
#if canImport(Glibc)
import Glibc
#endif

extension RunEnvironment {
    /// Reads this machine's description: uname, /proc/cpuinfo, sysconf, /sys/module/zfs/version.
    public static func current() -> RunEnvironment {
        var env = RunEnvironment()
        var u = utsname()
        if uname(&u) == 0 {
            func field<T>(_ value: T) -> String {
                withUnsafeBytes(of: value) { raw in
                    String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
                }
            }
            env.kernel = field(u.release)
            env.kernelBuild = field(u.version)
            env.hostname = field(u.nodename)
            env.machine = field(u.machine)
        }
        env.cpuModel = cpuModel()
        env.cpuCount = Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))
        let pageSize = Int(sysconf(Int32(_SC_PAGESIZE)))
        env.pageSize = pageSize
        let pages = Int(sysconf(Int32(_SC_PHYS_PAGES)))
        if pages > 0, pageSize > 0 { env.memoryBytes = UInt64(pages) * UInt64(pageSize) }
        env.zfsVersion = zfsModuleVersion()
        return env
    }

    /// `/sys/module/zfs/version`, nil when the module is not loaded.
    public static func zfsModuleVersion(root: String = "") -> String? {
        guard let text = try? String(contentsOfFile: root + "/sys/module/zfs/version", encoding: .utf8) else {
            return nil
        }
        let v = text.trimmingCharacters(in: .whitespacesAndNewlines)
        return v.isEmpty ? nil : v
    }

    /// The first "model name" (x86) or "Model"/"cpu model" line of /proc/cpuinfo.
    static func cpuModel() -> String? {
        guard let text = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8) else { return nil }
        for line in text.split(separator: "\n") {
            let parts = line.split(separator: ":", maxSplits: 1)
            guard parts.count == 2 else { continue }
            let key = parts[0].trimmingCharacters(in: .whitespaces).lowercased()
            if key == "model name" || key == "cpu model"
                || key == "model" && !parts[1].allSatisfy({ $0.isNumber || $0 == " " })
            {
                return parts[1].trimmingCharacters(in: .whitespaces)
            }
        }
        return nil
    }
}
