import Dispatch
#if canImport(Glibc)
import Glibc
#endif

/// SIGINT/SIGTERM handling without async-signal-safety puzzles: the signals are blocked in every
/// thread and one watcher thread takes them with sigwait(), so the reaction runs as ordinary code.
/// The first signal asks the run to stop (workers drain, partial results are written, everything is
/// undone); the second stops waiting for workers, but cleanup still runs.
/// SIGUSR1 gets an empty handler without SA_RESTART: the runner sends it to a worker so that a sleep
/// (clock_nanosleep in sleepUntil) ends early and the worker sees the stop flag; the engines retry
/// the I/O calls it interrupts.
public final class SignalWatcher: @unchecked Sendable {
    public static let shared = SignalWatcher()

    private let lock = DispatchSemaphore(value: 1)
    private var count = 0
    private var received: Int32 = 0
    private var onSignal: [(Int32, Int) -> Void] = []
    private var installed = false

    /// Blocks SIGINT and SIGTERM for this thread and every thread created after it. Call first thing
    /// in `main`, before anything starts a thread.
    public func install() {
        lock.wait()
        defer { lock.signal() }
        guard !installed else { return }
        installed = true
        var set = Self.watchedSet()
        pthread_sigmask(SIG_BLOCK, &set, nil)
        var action = sigaction()
        action.__sigaction_handler.sa_handler = { _ in }
        sigemptyset(&action.sa_mask)
        action.sa_flags = 0
        sigaction(SIGUSR1, &action, nil)
        var thread = pthread_t()
        pthread_create(
            &thread, nil,
            { _ in
                SignalWatcher.shared.watch()
                return nil
            }, nil)
        pthread_detach(thread)
    }

    /// Registers a reaction; it gets the signal number and how many signals came so far (1, 2, …).
    /// Signals that came before it was registered (say, while the job file was being parsed) are
    /// replayed to it at once, on the caller's thread: a run that starts after a Ctrl-C stops at once.
    public func onSignal(_ reaction: @escaping (Int32, Int) -> Void) {
        lock.wait()
        onSignal.append(reaction)
        let (signal, n) = (received, count)
        lock.signal()
        if n > 0 { reaction(signal, n) }
    }

    /// The first signal received, or 0.
    public var firstSignal: Int32 {
        lock.wait()
        defer { lock.signal() }
        return received
    }

    /// The exit status a run stopped by a signal should have (128 + signal number, as shells report it).
    public var exitStatus: Int32? {
        let signal = firstSignal
        return signal == 0 ? nil : 128 + signal
    }

    private static func watchedSet() -> sigset_t {
        var set = sigset_t()
        sigemptyset(&set)
        sigaddset(&set, SIGINT)
        sigaddset(&set, SIGTERM)
        return set
    }

    private func watch() {
        var set = Self.watchedSet()
        while true {
            var signal: Int32 = 0
            guard sigwait(&set, &signal) == 0 else { continue }
            lock.wait()
            count += 1
            if received == 0 { received = signal }
            let n = count
            let reactions = onSignal
            lock.signal()
            for reaction in reactions { reaction(signal, n) }
        }
    }
}
