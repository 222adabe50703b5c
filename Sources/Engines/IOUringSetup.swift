import CLiburing
import Glibc
import SystemCalls

/// Creates and configures an io_uring for `IOUringEngine`, turning every failure into an
/// `EngineError` that says what failed and what to do. Runs once per worker, never per I/O.
enum IOUringSetup {
    struct Ring {
        var ring: UnsafeMutablePointer<io_uring>
        var flags: UInt32
    }

    static func make(files: [Int32], buffers: AlignedBufferPool?, config: EngineConfig) throws(EngineError) -> Ring {
        guard config.iodepth >= 1 else {
            throw EngineError("io_uring: iodepth must be at least 1 (got \(config.iodepth))")
        }
        guard !files.isEmpty else { throw EngineError("io_uring: no files to do I/O on") }
        if config.fixedBuffers && buffers == nil {
            throw EngineError("io_uring: fixedbufs needs the worker's buffer pool to register; none was given")
        }
        if config.hipri { try checkPollable(files) }

        let ring = UnsafeMutablePointer<io_uring>.allocate(capacity: 1)
        ring.initialize(to: io_uring())
        var flags: UInt32 = 0
        do {
            flags = try initialize(ring, config: config)
            if config.fixedBuffers, let buffers { try registerBuffers(ring, buffers) }
            if config.registerFiles { try registerFiles(ring, files) }
            if config.hipri { try probePolling(ring, files: files) }
        } catch {
            if ring.pointee.ring_fd > 0 { io_uring_queue_exit(ring) }
            ring.deallocate()
            throw error
        }
        return Ring(ring: ring, flags: flags)
    }

    /// Sets the ring up with the flags the config asks for, plus the ones fio's engine also
    /// uses when the kernel has them: COOP_TASKRUN|TASKRUN_FLAG (no IPI per completion; a flag
    /// says when to enter) and SINGLE_ISSUER|DEFER_TASKRUN (completions are processed in batches
    /// when we reap). Each extra is dropped when the kernel or the combination (SQPOLL) refuses it.
    /// SINGLE_ISSUER ties the ring to the creating thread: create the engine on the thread that drives it.
    private static func initialize(_ ring: UnsafeMutablePointer<io_uring>, config: EngineConfig) throws(EngineError)
        -> UInt32
    {
        var base: UInt32 = 0
        var params = io_uring_params()
        if config.hipri { base |= UInt32(IORING_SETUP_IOPOLL) }
        if config.sqPoll {
            base |= UInt32(IORING_SETUP_SQPOLL)
            if let cpu = config.sqPollCPU {
                let online = sysconf(Int32(_SC_NPROCESSORS_ONLN))
                guard cpu >= 0 else {
                    throw EngineError(
                        "io_uring: sqthread_poll_cpu=\(cpu) is negative; give a CPU number 0..\(online - 1)")
                }
                base |= UInt32(IORING_SETUP_SQ_AFF)
                params.sq_thread_cpu = UInt32(cpu)
            }
        }
        let entries = UInt32(clamping: config.iodepth)
        let cooperative = UInt32(IORING_SETUP_COOP_TASKRUN | IORING_SETUP_TASKRUN_FLAG)
        let deferred = UInt32(IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN)
        let extras: [UInt32] = config.sqPoll ? [0] : [cooperative | deferred, cooperative, 0]
        var rc: Int32 = -EINVAL
        var used = base
        for extra in extras {
            var attempt = params
            attempt.flags = base | extra
            rc = io_uring_queue_init_params(entries, ring, &attempt)
            used = attempt.flags
            if rc != -EINVAL { break }
        }
        if rc < 0 { throw setupError(-rc, entries: entries, config: config) }
        return used
    }

    private static func setupError(_ code: Int32, entries: UInt32, config: EngineConfig) -> EngineError {
        let what = "io_uring_queue_init(\(entries) entries\(describe(config))) failed: \(ErrnoNames.describe(code))"
        switch code {
        case EPERM:
            let disabled = readSysctl("/proc/sys/kernel/io_uring_disabled")
            if disabled == "2" {
                return EngineError(
                    "\(what). io_uring is disabled by sysctl kernel.io_uring_disabled=2; enable it with `sysctl -w kernel.io_uring_disabled=0` or use ioengine=psync",
                    errno: code)
            }
            if disabled == "1" {
                let group = readSysctl("/proc/sys/kernel/io_uring_group") ?? "?"
                return EngineError(
                    "\(what). kernel.io_uring_disabled=1 restricts io_uring to root (CAP_SYS_ADMIN) and group id \(group) (kernel.io_uring_group); run as root, join that group, or set kernel.io_uring_disabled=0",
                    errno: code)
            }
            if config.sqPoll {
                return EngineError(
                    "\(what). This kernel only allows SQPOLL to privileged users; run as root or drop sqthread_poll",
                    errno: code)
            }
            return EngineError(
                "\(what). The kernel or a seccomp/LSM policy (containers often block io_uring) refused io_uring; use ioengine=psync",
                errno: code)
        case ENOSYS:
            return EngineError(
                "\(what). This kernel has no io_uring (CONFIG_IO_URING off, or too old); use ioengine=psync",
                errno: code)
        case ENOMEM:
            return EngineError(
                "\(what). Older kernels charge ring memory to RLIMIT_MEMLOCK (now \(memlockLimit())); raise it (ulimit -l) or lower iodepth",
                errno: code)
        case EINVAL:
            if let cpu = config.sqPollCPU, config.sqPoll {
                return EngineError(
                    "\(what). sqthread_poll_cpu=\(cpu) is not a usable CPU (online: \(onlineCPUs())); pick an online CPU",
                    errno: code)
            }
            if entries > 32768 {
                return EngineError(
                    "\(what). iodepth \(entries) exceeds the kernel's maximum ring size (32768)", errno: code)
            }
            return EngineError(
                "\(what). The kernel does not accept these setup flags; drop hipri/sqthread_poll or upgrade the kernel",
                errno: code)
        default:
            return EngineError("\(what).", errno: code)
        }
    }

    private static func registerBuffers(_ ring: UnsafeMutablePointer<io_uring>, _ buffers: AlignedBufferPool)
        throws(EngineError)
    {
        let rc = io_uring_register_buffers(ring, buffers.iovecs, UInt32(buffers.count))
        guard rc < 0 else { return }
        let code = -rc
        let bytes = buffers.count * buffers.size
        let what =
            "io_uring: registering \(buffers.count) fixed buffers of \(buffers.size) bytes (IORING_REGISTER_BUFFERS) failed: \(ErrnoNames.describe(code))"
        switch code {
        case ENOMEM:
            throw EngineError(
                "\(what). Pinned buffers count against RLIMIT_MEMLOCK, which is \(memlockLimit()) but \(bytes) bytes are needed (per worker); raise it (`ulimit -l unlimited`, or LimitMEMLOCK= in systemd) or drop fixedbufs",
                errno: code)
        case EINVAL:
            throw EngineError(
                "\(what). The kernel takes at most 16384 buffers of at most 1 GiB each; lower iodepth or bs, or drop fixedbufs",
                errno: code)
        case EOPNOTSUPP, EFAULT:
            throw EngineError(
                "\(what). The buffer memory cannot be pinned (file-backed or huge-page memory the kernel refuses); drop fixedbufs",
                errno: code)
        default:
            throw EngineError("\(what); drop fixedbufs", errno: code)
        }
    }

    private static func registerFiles(_ ring: UnsafeMutablePointer<io_uring>, _ files: [Int32]) throws(EngineError) {
        let rc = files.withUnsafeBufferPointer { io_uring_register_files(ring, $0.baseAddress, UInt32($0.count)) }
        guard rc < 0 else { return }
        let code = -rc
        let what =
            "io_uring: registering \(files.count) files (IORING_REGISTER_FILES) failed: \(ErrnoNames.describe(code))"
        if code == EMFILE {
            throw EngineError(
                "\(what). RLIMIT_NOFILE is too low for the registered file table; raise it (ulimit -n) or drop registerfiles",
                errno: code)
        }
        if code == EBADF {
            let names = files.map(describeFD).joined(separator: ", ")
            throw EngineError("\(what). One of the fds is not open: \(names)", errno: code)
        }
        throw EngineError("\(what); drop registerfiles", errno: code)
    }

    /// hipri (IOPOLL) only works for O_DIRECT I/O on a device with poll queues: say so at setup
    /// instead of failing every I/O with EOPNOTSUPP (which is what fio does).
    private static func checkPollable(_ files: [Int32]) throws(EngineError) {
        for fd in files {
            let flags = fcntl(fd, F_GETFL)
            if flags < 0 {
                throw EngineError(
                    "io_uring: hipri: cannot read the flags of \(describeFD(fd)): \(ErrnoNames.describe(errno))",
                    errno: errno)
            }
            if flags & openFlagDirect == 0 {
                throw EngineError(
                    "io_uring: hipri (IORING_SETUP_IOPOLL) needs O_DIRECT, but \(describeFD(fd)) is opened buffered; set direct=1 or drop hipri",
                    errno: EOPNOTSUPP)
            }
            if let queue = PollQueue.of(fd: fd), !queue.polls {
                throw EngineError(
                    "io_uring: hipri (IORING_SETUP_IOPOLL) cannot work on \(describeFD(fd)): it is on block device \(queue.deviceName) (\(queue.device)), whose driver has no poll queues (\(queue.sysfsPath) is 0), so every polled I/O would fail with EOPNOTSUPP; drop hipri, or use a device with poll queues (e.g. NVMe with nvme.poll_queues=N)",
                    errno: EOPNOTSUPP)
            }
        }
    }

    /// A zero-length polled read per readable file: a file system or device without ->iopoll
    /// answers EOPNOTSUPP here, so the job fails at setup with a clear message instead of on every I/O.
    private static func probePolling(_ ring: UnsafeMutablePointer<io_uring>, files: [Int32]) throws(EngineError) {
        var scratch: UnsafeMutableRawPointer?
        guard posix_memalign(&scratch, 4096, 4096) == 0, let scratch else { return }
        defer { free(scratch) }
        for fd in files {
            let access = fcntl(fd, F_GETFL) & O_ACCMODE
            guard access == O_RDONLY || access == O_RDWR else { continue }
            guard let sqe = _io_uring_get_sqe(ring) else { return }
            io_uring_prep_read(sqe, fd, scratch, 0, 0)
            sqe.pointee.user_data = UInt64.max
            var cqe: UnsafeMutablePointer<io_uring_cqe>? = nil
            var rc = io_uring_submit(ring)
            if rc >= 0 {
                repeat { rc = io_uring_wait_cqe(ring, &cqe) } while rc == -EINTR
            }
            if rc < 0 {
                throw EngineError(
                    "io_uring: hipri: probing polled I/O on \(describeFD(fd)) failed: \(ErrnoNames.describe(-rc))",
                    errno: -rc)
            }
            guard let cqe else { continue }
            let res = cqe.pointee.res
            io_uring_cqe_seen(ring, cqe)
            if res == -EOPNOTSUPP || res == -EINVAL {
                throw EngineError(
                    "io_uring: hipri (IORING_SETUP_IOPOLL) is not supported for \(describeFD(fd)): its file system or device cannot poll for completions (a polled read returned \(ErrnoNames.describe(-res))); drop hipri, or use a block device or file system that supports polled I/O",
                    errno: -res)
            }
        }
    }

    private static func describe(_ config: EngineConfig) -> String {
        var parts: [String] = []
        if config.hipri { parts.append("IOPOLL") }
        if config.sqPoll { parts.append(config.sqPollCPU.map { "SQPOLL on CPU \($0)" } ?? "SQPOLL") }
        return parts.isEmpty ? "" : ", " + parts.joined(separator: ", ")
    }

    /// The first line of a /proc or /sys file, trimmed; nil when it can't be read.
    static func readSysctl(_ path: String) -> String? {
        guard let file = fopen(path, "r") else { return nil }
        defer { fclose(file) }
        var line = [CChar](repeating: 0, count: 64)
        guard fgets(&line, 64, file) != nil else { return nil }
        return line.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }.trimmingCharacters(in: " \n")
    }

    static func memlockLimit() -> String {
        var limit = rlimit()
        guard getrlimit(__rlimit_resource_t(__RLIMIT_MEMLOCK.rawValue), &limit) == 0 else { return "unknown" }
        return limit.rlim_cur == rlim_t.max ? "unlimited" : "\(limit.rlim_cur) bytes"
    }

    private static func onlineCPUs() -> String {
        readSysctl("/sys/devices/system/cpu/online") ?? "\(sysconf(Int32(_SC_NPROCESSORS_ONLN))) CPUs"
    }
}

/// Whether the block device under an fd can poll for completions, from sysfs. nil when the fd
/// is not backed by a block device (tmpfs, ZFS, NFS): the setup probe covers those.
struct PollQueue {
    var device: String  // "254:0"
    var deviceName: String  // "vda"
    var sysfsPath: String
    var polls: Bool

    static func of(fd: Int32) -> PollQueue? {
        var info = stat()
        guard fstat(fd, &info) == 0 else { return nil }
        let dev = info.st_mode & S_IFMT == S_IFBLK ? info.st_rdev : info.st_dev
        let major = ((dev >> 8) & 0xfff) | ((dev >> 32) & ~0xfff)
        let minor = (dev & 0xff) | ((dev >> 12) & ~0xff)
        let base = "/sys/dev/block/\(major):\(minor)"
        // A partition has no queue/ of its own: its disk's is one level up.
        for path in ["\(base)/queue/io_poll", "\(base)/../queue/io_poll"] {
            guard let value = IOUringSetup.readSysctl(path) else { continue }
            // /sys/dev/block/M:m links to …/block/vda (or …/vda/vda1): the name is its last part.
            let deviceName = readLink(base).flatMap { $0.split(separator: "/").last.map(String.init) }
            return PollQueue(
                device: "\(major):\(minor)", deviceName: deviceName ?? "\(major):\(minor)",
                sysfsPath: path, polls: value != "0")
        }
        return nil
    }
}

extension String {
    fileprivate func trimmingCharacters(in set: String) -> String {
        var view = Substring(self)
        while let first = view.first, set.contains(first) { view.removeFirst() }
        while let last = view.last, set.contains(last) { view.removeLast() }
        return String(view)
    }
}
