/// diobench's top-level `"diobench"` object: who wrote the file and on what machine.
/// fio-based tools ignore it.
public struct RunExtension: Sendable, Equatable, Codable {
    public var version: String
    /// Version of the layout of diobench's own keys.
    public var format: Int
    public var environment: RunEnvironment?
    /// The command line that produced the run.
    public var commandLine: [String]?
    /// Job files read, in order.
    public var jobFiles: [String]?
    /// The run stopped early (signal or error): results cover what was done.
    public var partial: Bool?

    public static let currentFormat = 1

    public init(
        version: String, environment: RunEnvironment? = nil, commandLine: [String]? = nil,
        jobFiles: [String]? = nil, partial: Bool? = nil
    ) {
        self.version = version
        self.format = Self.currentFormat
        self.environment = environment
        self.commandLine = commandLine
        self.jobFiles = jobFiles
        self.partial = partial
    }

    enum CodingKeys: String, CodingKey {
        case version, format, environment, commandLine = "command_line", jobFiles = "job_files", partial
    }
}

/// The machine a run was made on.
public struct RunEnvironment: Sendable, Equatable, Codable {
    /// `uname -r`, e.g. "6.1.0-27-amd64".
    public var kernel: String?
    /// `uname -v` (build string): distinguishes kernels with the same release.
    public var kernelBuild: String?
    public var hostname: String?
    /// `uname -m`, e.g. "x86_64".
    public var machine: String?
    public var cpuModel: String?
    public var cpuCount: Int?
    public var memoryBytes: UInt64?
    public var pageSize: Int?
    /// `/sys/module/zfs/version` when the ZFS module is loaded.
    public var zfsVersion: String?
    /// `fio --version` when the run was compared with fio.
    public var fioVersion: String?

    public init(
        kernel: String? = nil, kernelBuild: String? = nil, hostname: String? = nil, machine: String? = nil,
        cpuModel: String? = nil, cpuCount: Int? = nil, memoryBytes: UInt64? = nil, pageSize: Int? = nil,
        zfsVersion: String? = nil, fioVersion: String? = nil
    ) {
        self.kernel = kernel; self.kernelBuild = kernelBuild; self.hostname = hostname; self.machine = machine
        self.cpuModel = cpuModel; self.cpuCount = cpuCount; self.memoryBytes = memoryBytes; self.pageSize = pageSize
        self.zfsVersion = zfsVersion; self.fioVersion = fioVersion
    }

    enum CodingKeys: String, CodingKey {
        case kernel, kernelBuild = "kernel_build", hostname, machine, cpuModel = "cpu_model", cpuCount = "cpu_count"
        case memoryBytes = "memory_bytes", pageSize = "page_size", zfsVersion = "zfs_version", fioVersion =
            "fio_version"
    }
}
