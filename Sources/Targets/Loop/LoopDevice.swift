// A loop device diobench made for a job: attached through /dev/loop-control, recorded in the undo
// journal, used by the job, then detached with LOOP_CLR_FD and checked gone.
//
// Order of events, and why:
//   1. configure with LO_FLAGS_AUTOCLEAR while holding the device open: if diobench dies from here
//      on, the kernel detaches the device on the last close;
//   2. record it in the journal, before the job uses it;
//   3. the job opens and uses /dev/loopN;
//   4. LOOP_CLR_FD, close our descriptor, and wait until /sys/block/loopN/loop is gone: the kernel
//      only marks the device for autoclear while anyone (an engine, udev's probe) still holds it open;
//   5. drop the journal entry.
import Foundation
import Glibc
import Vocabulary

public final class LoopDevice: @unchecked Sendable {
    /// "/dev/loop3"
    public let path: String
    public let number: Int
    /// What the kernel configured, read back from sysfs after setup.
    public let report: LoopDeviceReport
    /// What the journal holds for this device (also what `diobench cleanup` checks before detaching).
    public let record: LoopDetachRecord

    private enum State {
        case attached(fd: Int32)
        /// LOOP_CLR_FD accepted; waiting for the last opener to go.
        case clearing
        case detached
    }

    private let lock = NSLock()
    private var state: State
    private let journal: UndoJournal?
    private var detachEntry: UndoEntryID?
    private var backingFileEntry: UndoEntryID?
    private let createdBackingFile: CreatedFileRecord?

    init(
        number: Int, fd: Int32, report: LoopDeviceReport, record: LoopDetachRecord, journal: UndoJournal?,
        detachEntry: UndoEntryID?, backingFileEntry: UndoEntryID?, createdBackingFile: CreatedFileRecord?
    ) {
        self.number = number
        path = report.device
        state = .attached(fd: fd)
        self.report = report
        self.record = record
        self.journal = journal
        self.detachEntry = detachEntry
        self.backingFileEntry = backingFileEntry
        self.createdBackingFile = createdBackingFile
    }

    deinit {
        // Safety net only: without detach(), closing our descriptor lets autoclear detach it.
        if case let .attached(fd) = state { close(fd) }
    }

    public var isAttached: Bool {
        lock.lock()
        defer { lock.unlock() }
        if case .detached = state { return false }
        return true
    }

    /// Detaches the device and waits (up to `timeout` seconds) until the kernel has really let go of the
    /// backing file. Then removes the journal entries, and the backing file when diobench created it and
    /// was asked to remove it. Throws `LoopError.detachDeferred` when someone still holds the device open;
    /// the journal entry then stays for `diobench cleanup`. Calling it again retries the wait.
    public func detach(timeout: Double = 10) throws {
        lock.lock()
        defer { lock.unlock() }
        switch state {
        case .detached:
            return
        case let .attached(fd):
            // Buffered writes through the device may still be dirty pages of the device's own cache:
            // clearing it while we hold it open drops them, and they never reach the backing file.
            _ = fsync(fd)
            let rc = LoopSyscall.ioctl(fd, LoopIoctl.clearFD, value: 0)
            // ENXIO: nothing bound any more (someone else cleared it); the wait below confirms.
            if rc != 0 && rc != ENXIO {
                throw LoopError.ioctl(name: "LOOP_CLR_FD", device: path, errno: rc)
            }
            close(fd)
            state = .clearing
        case .clearing:
            break
        }
        let sysfs = LoopSysfs(devicePath: path)
        if !sysfs.waitUntilUnbound(timeout: timeout) {
            // Bound again, to a file that is not ours: our binding is gone and the number was reused.
            let now = sysfs.backingFile
            if now == nil || now == record.backingFile {
                throw LoopError.detachDeferred(device: path, waitedSeconds: timeout, holders: sysfs.holders)
            }
        }
        state = .detached
        if let id = detachEntry {
            try journal?.remove(id)
            detachEntry = nil
        }
        if let file = createdBackingFile {
            _ = try UndoHandlers.removeCreatedFile(file)
            if let id = backingFileEntry {
                try journal?.remove(id)
                backingFileEntry = nil
            }
        }
    }

    /// Explains an EINVAL from an O_DIRECT request on this device (nil when alignment is not the cause).
    public func explainDirectIOFailure(errno code: Int32, offset: UInt64, length: Int, bufferAddress: UInt)
        -> LoopError?
    {
        LoopError.explainDirectIO(
            errno: code, device: path, logicalBlockSize: report.logicalBlockSize,
            memoryAlignment: report.memoryAlignment, offset: offset, length: length, bufferAddress: bufferAddress)
    }
}
