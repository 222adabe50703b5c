import DiobenchTestSupport
import Foundation
import Glibc
import Targets
import Testing
import Vocabulary

@Suite struct FileTargetTests {
    static func statOf(_ path: String) -> stat? {
        var info = stat()
        return stat(path, &info) == 0 ? info : nil
    }

    static func contents(_ path: String) -> [UInt8] {
        (try? Data(contentsOf: URL(fileURLWithPath: path))).map { [UInt8]($0) } ?? []
    }

    @Test("kinds: regular file, directory, character device, missing")
    func kinds() throws {
        let dir = try TemporaryDirectory("targets-file", under: "/tmp")
        close(try FileTarget.open(path: dir.file("a"), direct: false, readOnly: false))
        #expect(FileTarget.kind(of: dir.file("a")) == .regularFile)
        #expect(FileTarget.kind(of: dir.path) == .directory)
        #expect(FileTarget.kind(of: "/dev/null") == .characterDevice)
        #expect(FileTarget.kind(of: dir.file("missing")) == .missing)
    }

    @Test(
        "a read job's new file is written out in full at exactly its size, with random data",
        arguments: [UInt64(1 << 20), UInt64(3 * (1 << 20) + 123)])
    func layOutForReads(size: UInt64) throws {
        let dir = try TemporaryDirectory("targets-file", under: "/tmp")
        let path = dir.file("r")
        let outcome = try FileTarget.layOut(LayoutRequest(path: path, size: size, jobReads: true, jobWrites: false))
        #expect(outcome == .laidOut(bytesWritten: size))
        let info = try #require(Self.statOf(path))
        #expect(UInt64(info.st_size) == size)
        #expect(UInt64(info.st_blocks) * 512 >= size)  // really written, not sparse
        let bytes = Self.contents(path)
        #expect(UInt64(bytes.count) == size)
        // Random, not zeros: every 4 KiB block has data and no two blocks are equal.
        let blocks = stride(from: 0, to: bytes.count - 4096, by: 4096).map { bytes[$0..<($0 + 4096)] }
        #expect(blocks.allSatisfy { $0.contains { $0 != 0 } })
        #expect(Set(blocks.map { Array($0) }).count == blocks.count)
    }

    @Test("an existing file big enough is left alone; a smaller one is recreated for a read job")
    func existing() throws {
        let dir = try TemporaryDirectory("targets-file", under: "/tmp")
        let path = dir.file("e")
        let marker = [UInt8](repeating: 0x77, count: 8192)
        FileManager.default.createFile(atPath: path, contents: Data(marker))
        let enough = try FileTarget.layOut(LayoutRequest(path: path, size: 8192, jobReads: true, jobWrites: false))
        #expect(enough == .alreadyLargeEnough(size: 8192))
        #expect(Self.contents(path) == marker)
        let grown = try FileTarget.layOut(LayoutRequest(path: path, size: 65536, jobReads: true, jobWrites: false))
        #expect(grown == .laidOut(bytesWritten: 65536))
        let bytes = Self.contents(path)
        #expect(bytes.count == 65536)
        #expect(Array(bytes[0..<8192]) != marker)  // fio rewrites it from the start
    }

    struct Allocation: Sendable, CustomTestStringConvertible {
        var mode: FileAllocation
        /// The file gets the job's size (else it stays empty).
        var sized: Bool
        var allocated: Bool
        var testDescription: String { "fallocate=\(mode.rawValue)" }
    }

    /// A write-only job without overwrite: fio creates the file and preallocates it per
    /// `fallocate`, but writes nothing (the job's writes fill it).
    @Test(
        "write jobs: the file is created and preallocated per fallocate, not written",
        arguments: [
            Allocation(mode: .none, sized: false, allocated: false),
            Allocation(mode: .native, sized: true, allocated: true),
            Allocation(mode: .posix, sized: true, allocated: true),
            Allocation(mode: .keep, sized: false, allocated: true),
            Allocation(mode: .truncate, sized: true, allocated: false),
        ])
    func writeJobAllocation(_ allocation: Allocation) throws {
        let dir = try TemporaryDirectory("targets-file", under: "/tmp")
        let path = dir.file("w")
        let size: UInt64 = 4 << 20
        var request = LayoutRequest(path: path, size: size, jobReads: false, jobWrites: true)
        request.fallocate = allocation.mode
        let outcome = try FileTarget.layOut(request)
        let info = try #require(Self.statOf(path))
        let expectedSize = allocation.sized ? size : 0
        #expect(outcome == .allocated(size: expectedSize))
        #expect(UInt64(info.st_size) == expectedSize)
        #expect((UInt64(info.st_blocks) * 512 >= size) == allocation.allocated, "st_blocks \(info.st_blocks)")
        #expect(Self.contents(path).allSatisfy { $0 == 0 })  // nothing written
    }

    @Test("overwrite=1 write jobs get the file written out like read jobs; a smaller file is recreated")
    func overwrite() throws {
        let dir = try TemporaryDirectory("targets-file", under: "/tmp")
        let path = dir.file("o")
        FileManager.default.createFile(atPath: path, contents: Data([1, 2, 3]))
        let before = try #require(Self.statOf(path)).st_ino
        var request = LayoutRequest(path: path, size: 1 << 20, jobReads: false, jobWrites: true)
        request.overwrite = true
        #expect(try FileTarget.layOut(request) == .laidOut(bytesWritten: 1 << 20))
        let after = try #require(Self.statOf(path))
        #expect(after.st_size == 1 << 20)
        _ = before  // ext4 may reuse the inode number; the size and content are what fio guarantees
        #expect(Self.contents(path).prefix(3) != [1, 2, 3])
    }

    @Test("a write job (no overwrite) replaces a too-small file with a fresh one, as fio does")
    func writeJobReplacesSmallFile() throws {
        let dir = try TemporaryDirectory("targets-file", under: "/tmp")
        let path = dir.file("small")
        FileManager.default.createFile(atPath: path, contents: Data([9, 9, 9]))
        var request = LayoutRequest(path: path, size: 1 << 20, jobReads: false, jobWrites: true)
        request.fallocate = .none
        #expect(try FileTarget.layOut(request) == .allocated(size: 0))
        #expect(Self.contents(path).isEmpty)
    }

    @Test("layout refuses a directory and leaves devices alone")
    func layOutOthers() throws {
        let dir = try TemporaryDirectory("targets-file", under: "/tmp")
        let error = #expect(throws: FileTargetError.self) {
            _ = try FileTarget.layOut(LayoutRequest(path: dir.path, size: 4096, jobReads: true, jobWrites: false))
        }
        #expect(error?.errno == EISDIR)
        #expect(error?.description.contains(dir.path) == true)
        #expect(
            try FileTarget.layOut(LayoutRequest(path: "/dev/null", size: 4096, jobReads: true, jobWrites: false))
                == .device)
    }

    @Test("open flags follow fio: O_DIRECT for direct, O_RDONLY for read-only jobs, O_CREAT for writers")
    func openFlags() throws {
        let dir = try TemporaryDirectory("targets-file", under: "/tmp")
        let path = dir.file("flags")
        let writer = try FileTarget.open(path: path, direct: true, readOnly: false)
        defer { close(writer) }
        let flags = fcntl(writer, F_GETFL)
        #expect(flags & O_ACCMODE == O_RDWR)
        #expect(flags & 0o40000 != 0)  // O_DIRECT (x86_64)
        let reader = try FileTarget.open(path: path, direct: false, readOnly: true)
        defer { close(reader) }
        #expect(fcntl(reader, F_GETFL) & O_ACCMODE == O_RDONLY)
        #expect(fcntl(reader, F_GETFL) & 0o40000 == 0)
        let missing = #expect(throws: FileTargetError.self) {
            _ = try FileTarget.open(path: dir.file("absent"), direct: false, readOnly: true)
        }
        #expect(missing?.errno == ENOENT)
        #expect(missing?.description.contains(dir.file("absent")) == true)
        #expect(missing?.description.contains("does not create") == true)
    }

    @Test("O_DIRECT on a file system that refuses it gives an error naming the path, EINVAL and the file system")
    func directRefused() throws {
        // Linux 6.18's tmpfs accepts O_DIRECT (so /dev/shm no longer shows this); procfs refuses it.
        let shm = try TemporaryDirectory("targets-file", under: "/dev/shm")
        let accepted = try FileTarget.open(path: shm.file("x"), direct: true, readOnly: false)
        close(accepted)
        let error = #expect(throws: FileTargetError.self) {
            _ = try FileTarget.open(path: "/proc/self/status", direct: true, readOnly: true)
        }
        #expect(error?.errno == EINVAL)
        let text = error?.description ?? ""
        #expect(text.contains("/proc/self/status"))
        #expect(text.contains("O_DIRECT"))
        #expect(text.contains("EINVAL"))
        #expect(text.contains("proc does not support O_DIRECT"))
        #expect(text.contains("direct=0"))
    }

    @Test("invalidate drops a file's cached pages (counted with mincore)")
    func invalidate() throws {
        let dir = try TemporaryDirectory("targets-file", under: "/tmp")
        let path = dir.file("cache")
        let size = 8 << 20
        _ = try FileTarget.layOut(LayoutRequest(path: path, size: UInt64(size), jobReads: true, jobWrites: false))
        let fd = try FileTarget.open(path: path, direct: false, readOnly: true)
        defer { close(fd) }
        let scratch = UnsafeMutableRawPointer.allocate(byteCount: size, alignment: 4096)
        defer { scratch.deallocate() }
        #expect(pread(fd, scratch, size, 0) == size)  // pull the file into the page cache
        let before = residentPages(fd: fd, size: size)
        try FileTarget.invalidateCache(fd: fd, path: path)
        let after = residentPages(fd: fd, size: size)
        #expect(before > size / 4096 / 2, "only \(before) pages cached after reading the file")
        #expect(after < before / 10, "\(after) of \(before) pages still cached")
    }

    @Test("unlink removes files, tolerates a missing one when asked, refuses devices")
    func unlinking() throws {
        let dir = try TemporaryDirectory("targets-file", under: "/tmp")
        let path = dir.file("u")
        close(try FileTarget.open(path: path, direct: false, readOnly: false))
        try FileTarget.unlink(path: path)
        #expect(FileTarget.kind(of: path) == .missing)
        try FileTarget.unlink(path: path, ignoreMissing: true)
        let error = #expect(throws: FileTargetError.self) { try FileTarget.unlink(path: path) }
        #expect(error?.errno == ENOENT)
        #expect(throws: FileTargetError.self) { try FileTarget.unlink(path: "/dev/null") }
        #expect(FileTarget.kind(of: "/dev/null") == .characterDevice)
    }

    @Test("size(of:) of a regular file is st_size")
    func sizeOfFile() throws {
        let dir = try TemporaryDirectory("targets-file", under: "/tmp")
        let path = dir.file("s")
        _ = try FileTarget.layOut(LayoutRequest(path: path, size: 12345, jobReads: true, jobWrites: false))
        #expect(try FileTarget.size(of: path) == 12345)
        let fd = try FileTarget.open(path: path, direct: false, readOnly: true)
        defer { close(fd) }
        let error = #expect(throws: FileTargetError.self) { _ = try FileTarget.blockDeviceSize(fd: fd, path: path) }
        #expect(error?.description.contains("BLKGETSIZE64") == true)
    }
}

/// Pages of the file's first `size` bytes in the page cache.
func residentPages(fd: Int32, size: Int) -> Int {
    guard let map = mmap(nil, size, PROT_READ, MAP_SHARED, fd, 0), map != MAP_FAILED else { return -1 }
    defer { munmap(map, size) }
    var vector = [UInt8](repeating: 0, count: (size + 4095) / 4096)
    guard mincore(map, size, &vector) == 0 else { return -1 }
    return vector.reduce(0) { $0 + Int($1 & 1) }
}
