// The one parser for a kernel crash report (oops, BUG, general protection fault, panic), shared by the
// guest side (records read from /dev/kmsg while a job runs) and the host side (the VM's serial console).
// Both give the same lines; the console adds a `[   12.345678] ` time prefix and `\r`. Plain Swift, no
// Foundation: Vocabulary depends on nothing.

/// What a kernel crash report says: its first line, the function the CPU was in, and the call trace.
public struct KernelOops: Sendable, Equatable, Codable {
    /// The first BUG/Oops/panic line, as printed (`BUG: kernel NULL pointer dereference, address: …`).
    public var firstLine: String
    /// The function of the first `RIP:` line (`down_read_killable`); nil when none names one.
    public var rip: String?
    /// The call trace's function names, innermost first, offsets and `?` (unreliable) frames left out.
    public var trace: [String]
    /// Each frame's module (`zfs`, `loop`), "" for the kernel itself; same length as `trace`.
    public var traceModules: [String]
    /// The report ended in (or was) `Kernel panic - not syncing`.
    public var panicked: Bool

    public init(
        firstLine: String, rip: String? = nil, trace: [String] = [], traceModules: [String]? = nil,
        panicked: Bool = false
    ) {
        self.firstLine = firstLine
        self.rip = rip
        self.trace = trace
        self.traceModules = traceModules ?? trace.map { _ in "" }
        self.panicked = panicked
    }

    enum CodingKeys: String, CodingKey {
        case firstLine = "first_line", rip, trace, traceModules = "trace_modules", panicked
    }

    /// The first line without its `, address: …` tail (the address differs from boot to boot).
    public var headline: String {
        guard let range = firstLine.firstRange(of: ", address: ") else { return firstLine }
        return String(firstLine[..<range.lowerBound])
    }

    /// Where the trace enters a module (the first frame with a `[module]` tag): that is where a module's bug
    /// is, under the core kernel's frames it called. The whole trace when every frame is the kernel's.
    public var moduleTrace: ArraySlice<String> {
        let first = traceModules.firstIndex { !$0.isEmpty } ?? 0
        return trace[first...]
    }

    /// `BUG: kernel NULL pointer dereference, RIP down_read_killable; trace a ← b ← c ← …`
    public func summary(frames: Int = 6) -> String {
        var out = headline
        if let rip { out += ", RIP \(rip)" }
        let shown = moduleTrace.prefix(frames)
        if !shown.isEmpty {
            out += "; trace " + shown.joined(separator: " ← ") + (moduleTrace.count > frames ? " ← …" : "")
        }
        return out
    }

    // MARK: - parsing

    /// A line that starts a crash report. `WARNING:` does not: the kernel goes on after a warning.
    public static func startsReport(_ rawLine: String) -> Bool {
        let line = stripped(rawLine)
        // A user program's fault is logged as `traps: NAME[PID] general protection fault …`: not the kernel's.
        return line.hasPrefix("BUG:") || line.hasPrefix("Oops:") || line.contains("Internal error: Oops")
            || line.hasPrefix("general protection fault") || line.contains("kernel BUG at")
            || line.hasPrefix("Kernel panic")
    }

    /// The first crash report in `lines` (kmsg messages or console lines), or nil when there is none.
    public static func parse<S: Sequence>(_ lines: S) -> KernelOops? where S.Element == String {
        var oops: KernelOops?
        var inTrace = false
        for raw in lines {
            let line = stripped(raw)
            guard var found = oops else {
                if startsReport(line) { oops = KernelOops(firstLine: line, panicked: line.hasPrefix("Kernel panic")) }
                continue
            }
            defer { oops = found }
            if line.hasPrefix("Kernel panic") {
                found.panicked = true
                break
            }
            if line.hasPrefix("---[ end trace") || line.hasPrefix("Modules linked in") { inTrace = false }
            if line.hasPrefix("Call Trace:") {
                // A second trace (another CPU, a later report) is not this crash's.
                inTrace = found.trace.isEmpty
                continue
            }
            if inTrace {
                if line == "</TASK>" { inTrace = false }
                if let frame = frame(line) {
                    found.trace.append(frame.name)
                    found.traceModules.append(frame.module)
                }
                continue
            }
            if found.rip == nil, line.hasPrefix("RIP: ") { found.rip = ripFunction(line) }
        }
        return oops
    }

    /// A console line without its `[   12.345678] ` time, a kmsg-style `<4>` level, `\r` and outer blanks.
    public static func stripped(_ raw: String) -> String {
        var s = Substring(raw)
        while let last = s.last, last == "\r" || last == "\n" { s = s.dropLast() }
        if s.hasPrefix("<"), let close = s.firstIndex(of: ">"),
            s[s.index(after: s.startIndex)..<close].allSatisfy(\.isNumber)
        {
            s = s[s.index(after: close)...]
        }
        if s.hasPrefix("["), let close = s.firstIndex(of: "]"),
            s[s.index(after: s.startIndex)..<close].allSatisfy({ $0 == " " || $0 == "." || $0.isNumber })
        {
            s = s[s.index(after: close)...]
        }
        return String(s.drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed())
    }

    /// `RIP: 0010:down_read_killable+0x1c/0x80` → `down_read_killable`; nil for a user address (`0033:0x7f…`).
    static func ripFunction(_ line: String) -> String? {
        var rest = Substring(line.dropFirst("RIP: ".count))
        // the code segment selector, `0010:`
        if let colon = rest.firstIndex(of: ":"), rest[..<colon].allSatisfy(\.isHexDigit) {
            rest = rest[rest.index(after: colon)...]
        }
        let name = rest.prefix { $0 != "+" && $0 != " " }
        guard !name.isEmpty, !name.hasPrefix("0x"), rest.dropFirst(name.count).hasPrefix("+") else { return nil }
        return baseName(name)
    }

    /// ` zfs_read+0x2b3/0x4f0 [zfs]` → (zfs_read, zfs); nil for `? …` frames and lines that are no frame
    /// (`<TASK>`, the user registers printed inside the trace of a system call).
    static func frame(_ line: String) -> (name: String, module: String)? {
        guard !line.hasPrefix("?"), !line.hasPrefix("<") else { return nil }
        let words = line.split(separator: " ")
        guard let first = words.first, let plus = first.firstIndex(of: "+"),
            first[first.index(after: plus)...].hasPrefix("0x")
        else { return nil }
        let name = baseName(first[..<plus])
        guard !name.isEmpty, !name.contains(":") else { return nil }
        var module = ""
        if words.count > 1, let tag = words.last, tag.hasPrefix("["), tag.hasSuffix("]") {
            module = String(tag.dropFirst().dropLast())
        }
        return (name, module)
    }

    /// `lo_rw_aio.isra.0` → `lo_rw_aio`: the compiler's clone suffixes (`.isra.N`, `.constprop.N`, `.part.N`,
    /// `.cold`) differ between builds of one source; C names have no dot of their own.
    static func baseName(_ symbol: Substring) -> String {
        String(symbol.prefix { $0 != "." })
    }
}

/// Gathers one crash report line by line as the lines arrive (kmsg records, console lines): from its first
/// line until its call trace has ended, or a bound on its length.
public struct KernelOopsCollector: Sendable {
    public private(set) var lines: [String] = []
    public private(set) var isComplete = false
    private var sawTrace = false
    /// A report is about 60 lines; more means the end marker was lost.
    public static let maximumLines = 200

    public init() {}

    public var isStarted: Bool { !lines.isEmpty }

    /// Adds a line; lines before a report starts and after it is complete are ignored.
    public mutating func add(_ raw: String) {
        guard !isComplete else { return }
        let line = KernelOops.stripped(raw)
        if lines.isEmpty {
            guard KernelOops.startsReport(line) else { return }
        }
        lines.append(line)
        if line.hasPrefix("Call Trace:") { sawTrace = true }
        if (sawTrace && line == "</TASK>") || line.hasPrefix("---[ end") || lines.count >= Self.maximumLines {
            isComplete = true
        }
    }

    public var oops: KernelOops? { KernelOops.parse(lines) }
}

/// A job during which the kernel crashed: the crash report, and when it came.
public struct KernelCrash: Sendable, Equatable, Codable {
    public enum Phase: String, Sendable, Codable {
        /// While the job was being set up (files, loop device, datasets), before its first I/O.
        case setup
        /// While its I/O ran.
        case io
    }
    public var oops: KernelOops
    public var phase: Phase
    /// From the job's start (its setup's start for `setup`) to when the report was read.
    public var secondsIntoJob: Double
    /// Undo steps (loop device detach, property restores …) not taken because they would block on the dead
    /// device; `diobench cleanup` takes them after a reboot.
    public var undoSkipped: [String]?
    /// I/Os the job had completed when the report came (0: it crashed at its first; udev's probe of a new
    /// loop device may have been the read that did it).
    public var iosCompleted: UInt64?

    public init(
        oops: KernelOops, phase: Phase, secondsIntoJob: Double, undoSkipped: [String]? = nil,
        iosCompleted: UInt64? = nil
    ) {
        self.oops = oops
        self.phase = phase
        self.secondsIntoJob = secondsIntoJob
        self.undoSkipped = undoSkipped
        self.iosCompleted = iosCompleted
    }

    enum CodingKeys: String, CodingKey {
        case phase, secondsIntoJob = "seconds_into_job", undoSkipped = "undo_skipped", iosCompleted = "ios_completed"
    }

    // The JSON object is flat: first_line, rip, trace … beside phase and seconds_into_job.
    public init(from decoder: any Decoder) throws {
        oops = try KernelOops(from: decoder)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        phase = try c.decode(Phase.self, forKey: .phase)
        secondsIntoJob = try c.decode(Double.self, forKey: .secondsIntoJob)
        undoSkipped = try c.decodeIfPresent([String].self, forKey: .undoSkipped)
        iosCompleted = try c.decodeIfPresent(UInt64.self, forKey: .iosCompleted)
    }

    public func encode(to encoder: any Encoder) throws {
        try oops.encode(to: encoder)
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(phase, forKey: .phase)
        try c.encode(secondsIntoJob, forKey: .secondsIntoJob)
        try c.encodeIfPresent(undoSkipped, forKey: .undoSkipped)
        try c.encodeIfPresent(iosCompleted, forKey: .iosCompleted)
    }
}
