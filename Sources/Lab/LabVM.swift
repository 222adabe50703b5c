import Foundation

/// One boot of the lab VM: Lab/run-in-vm.sh with a share, fresh scratch disks and a guest script.
/// The guest's output streams to the terminal as it comes; the boot's progress lines go to stderr.
public struct LabVM: Sendable {
    public var paths: LabPaths
    /// Sizes of fresh sparse scratch disks (`/dev/disk/by-id/virtio-scratch0`, …).
    public var disks: [String] = ["4G"]
    public var memoryMB = 2048
    public var cpus = 2
    public var timeoutSeconds = 1800
    /// "auto", "kvm" or "tcg".
    public var accelerator = "auto"
    /// Where the guest kernel's console goes (kept for oops hunting); nil: a temporary file.
    public var consoleLog: String?
    /// Extra words for the guest kernel's command line, after any in ZFSVM_APPEND.
    public var kernelArguments = ""
    /// Boots in all when a boot dies before the script starts; nil: run-in-vm.sh's (ZFSVM_BOOTS or 3).
    public var boots: Int?
    /// Seconds the VM may stay up after a kernel crash report on its console before it is ended; nil:
    /// run-in-vm.sh's (ZFSVM_CRASH_GRACE or 60).
    public var crashGraceSeconds: Int?

    public init(paths: LabPaths) { self.paths = paths }

    public struct Outcome: Sendable {
        /// The guest script's status; 123: the guest kernel crashed (a result; `lab-crash.txt` in the share);
        /// 124: timeout; 125: the VM died without one (boot failure).
        public var status: Int32
        public var wallSeconds: Double
        /// run-in-vm.sh's lines for boots that died before the script started (each then booted again).
        public var failedBoots: [String]
    }

    /// Throws before booting when qemu or the image is missing.
    public func checkReady() throws {
        guard LabProcess.which("qemu-system-x86_64") != nil else {
            throw LabError.toolMissing(
                tool: "qemu-system-x86_64", fix: "apt-get install -y --no-install-recommends qemu-system-x86")
        }
        guard LabImage.isBuilt(paths.bootImageDirectory) else {
            throw LabError.imageMissing(directory: paths.bootImageDirectory)
        }
    }

    public func run(script: String, arguments: [String] = [], share: LabShare) throws -> Outcome {
        try checkReady()
        var command = [
            "/bin/bash", paths.runInVMScript, "-i", paths.bootImageDirectory, "-s", share.directory,
            "-m", String(memoryMB), "-c", String(cpus), "-t", String(timeoutSeconds), "-a", accelerator,
        ]
        for disk in disks { command += ["-d", disk] }
        if disks.isEmpty { command.append("-D") }
        if let consoleLog { command += ["-l", consoleLog] }
        command.append(script)
        command += arguments
        let bootsFile = share.directory + "/lab-boots.txt"
        try? FileManager.default.removeItem(atPath: bootsFile)
        let start = Date()
        var environment: [String: String] = [:]
        if !kernelArguments.isEmpty {
            environment["ZFSVM_APPEND"] =
                (ProcessInfo.processInfo.environment["ZFSVM_APPEND"] ?? "") + " " + kernelArguments
        }
        if let boots { environment["ZFSVM_BOOTS"] = String(boots) }
        if let crashGraceSeconds { environment["ZFSVM_CRASH_GRACE"] = String(crashGraceSeconds) }
        let status = try LabProcess.stream(command, environment: environment)
        let wall = Date().timeIntervalSince(start)
        let failedBoots = ((try? String(contentsOfFile: bootsFile, encoding: .utf8)) ?? "").split(separator: "\n").map(
            String.init)
        return Outcome(status: status, wallSeconds: wall, failedBoots: failedBoots)
    }
}
