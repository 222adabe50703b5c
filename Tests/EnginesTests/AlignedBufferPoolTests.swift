import Engines
import Glibc
import Testing

@Suite struct AlignedBufferPoolTests {
    struct Shape: Sendable, CustomTestStringConvertible {
        var count: Int, size: Int, alignment: Int, misalignment: Int
        var testDescription: String { "\(count)×\(size) align \(alignment) + \(misalignment)" }
    }

    static let shapes = [
        Shape(count: 1, size: 4096, alignment: 4096, misalignment: 0),
        Shape(count: 32, size: 4096, alignment: 4096, misalignment: 0),
        Shape(count: 32, size: 4096, alignment: 4096, misalignment: 512),  // fio iomem_align=512
        Shape(count: 8, size: 6144, alignment: 4096, misalignment: 256),  // bs not a page multiple
        Shape(count: 4, size: 131072, alignment: 4096, misalignment: 1),
        Shape(count: 4, size: 4096, alignment: 4096, misalignment: 4096),  // iomem_align=4096: aligned again
        Shape(count: 3, size: 1000, alignment: 65536, misalignment: 0),  // dio_mem_align above the page size
    ]

    @Test("every buffer sits `misalignment` bytes past a multiple of `alignment`, without overlap", arguments: shapes)
    func placement(shape: Shape) throws {
        let pool = try AlignedBufferPool(
            count: shape.count, size: shape.size, alignment: shape.alignment, misalignment: shape.misalignment)
        #expect(pool.stride >= shape.size)
        #expect(pool.stride % shape.alignment == 0)
        for i in 0..<shape.count {
            let address = UInt(bitPattern: pool.buffer(i))
            #expect((address - UInt(shape.misalignment)) % UInt(shape.alignment) == 0)
            #expect(address % UInt(shape.alignment) == UInt(shape.misalignment % shape.alignment))
            if i + 1 < shape.count {
                #expect(address + UInt(shape.size) <= UInt(bitPattern: pool.buffer(i + 1)))
            }
            // The iovecs handed to IORING_REGISTER_BUFFERS describe the same buffers.
            #expect(pool.iovecs[i].iov_base == pool.buffer(i))
            #expect(pool.iovecs[i].iov_len == shape.size)
            // Every byte is ours to write (the sanitizer-free way: write the last one and read it).
            pool.buffer(i).storeBytes(of: 0xAB, toByteOffset: shape.size - 1, as: UInt8.self)
            #expect(pool.buffer(i).load(fromByteOffset: shape.size - 1, as: UInt8.self) == 0xAB)
        }
    }

    @Test("contents are pseudo-random: all byte values, no repeated words, repeatable by seed")
    func contents() throws {
        let a = try AlignedBufferPool(count: 4, size: 65536, alignment: 4096, seed: 1)
        let b = try AlignedBufferPool(count: 4, size: 65536, alignment: 4096, seed: 1)
        let c = try AlignedBufferPool(count: 4, size: 65536, alignment: 4096, seed: 2)
        var histogram = [Int](repeating: 0, count: 256)
        var words = Set<UInt64>()
        for i in 0..<4 {
            let bytes = UnsafeRawBufferPointer(start: a.buffer(i), count: 65536)
            for byte in bytes { histogram[Int(byte)] += 1 }
            for w in stride(from: 0, to: 65536, by: 8) {
                words.insert(a.buffer(i).loadUnaligned(fromByteOffset: w, as: UInt64.self))
            }
            #expect(memcmp(a.buffer(i), b.buffer(i), 65536) == 0)
            #expect(memcmp(a.buffer(i), c.buffer(i), 65536) != 0)
        }
        // Uniform bytes: each value about 1024 times in 256 KiB; lz4 finds nothing to squeeze.
        #expect(
            histogram.allSatisfy { $0 > 800 && $0 < 1250 }, "byte histogram \(histogram.min()!)…\(histogram.max()!)")
        #expect(words.count == 4 * 65536 / 8)
        #expect(memcmp(a.buffer(0), a.buffer(1), 65536) != 0)
    }

    @Test("alignment is the larger of the page size and dio_mem_align")
    func alignmentChoice() {
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        #expect(AlignedBufferPool.alignment(dioMemAlign: nil) == page)
        #expect(AlignedBufferPool.alignment(dioMemAlign: 512) == page)
        #expect(AlignedBufferPool.alignment(dioMemAlign: UInt32(page * 4)) == page * 4)
    }

    @Test("bad shapes are refused with a reason")
    func badShapes() {
        #expect(throws: EngineError.self) { _ = try AlignedBufferPool(count: 0, size: 4096, alignment: 4096) }
        #expect(throws: EngineError.self) { _ = try AlignedBufferPool(count: 1, size: 4096, alignment: 3000) }
        #expect(throws: EngineError.self) {
            _ = try AlignedBufferPool(count: 1, size: 4096, alignment: 4096, misalignment: -1)
        }
        let error = #expect(throws: EngineError.self) {
            _ = try AlignedBufferPool(count: Int.max / 2, size: 1 << 20, alignment: 4096)
        }
        #expect(error?.message.contains("reduce iodepth or bs") == true)
    }
}
