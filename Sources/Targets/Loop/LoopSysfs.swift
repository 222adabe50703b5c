// What the kernel says about a loop device, read from /sys/block/loopN. The `loop/` directory
// exists only while the device is bound to a backing file.
import Foundation

struct LoopSysfs {
    /// "loop3"
    let name: String
    let root: String

    init(name: String, sysBlock: String = "/sys/block") {
        self.name = name
        root = "\(sysBlock)/\(name)"
    }

    /// "/dev/loop3" → "loop3"
    init(devicePath: String) {
        self.init(name: (devicePath as NSString).lastPathComponent)
    }

    /// True while the device has a backing file.
    var isBound: Bool { FileManager.default.fileExists(atPath: "\(root)/loop/backing_file") }

    var backingFile: String? { read("loop/backing_file") }
    var directIO: Bool? { read("loop/dio").map { $0 == "1" } }
    var autoclear: Bool? { read("loop/autoclear").map { $0 == "1" } }
    var readOnly: Bool? { read("ro").map { $0 == "1" } }
    var logicalBlockSize: UInt32? { read("queue/logical_block_size").flatMap { UInt32($0) } }
    /// Buffer alignment O_DIRECT needs on the device: queue/dma_alignment is a mask (511 → 512 bytes).
    var memoryAlignment: UInt32? { read("queue/dma_alignment").flatMap { UInt32($0) }.map { $0 + 1 } }
    /// Devices stacked on this one (device-mapper, md).
    var holders: [String] {
        (try? FileManager.default.contentsOfDirectory(atPath: "\(root)/holders"))?.sorted() ?? []
    }

    private func read(_ relative: String) -> String? {
        guard let data = FileManager.default.contents(atPath: "\(root)/\(relative)") else { return nil }
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Polls until the device has no backing file, or `timeout` passes. Returns whether it is unbound.
    func waitUntilUnbound(timeout: Double) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        var pause: useconds_t = 1_000
        while isBound {
            if Date() >= deadline { return false }
            usleep(pause)
            pause = min(pause * 2, 50_000)
        }
        return true
    }
}
