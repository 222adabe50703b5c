// Buffers and random inputs for the Verify tests.
import Glibc
import Testing
@testable import Verify

/// A page-aligned block of memory, zeroed, freed with the object.
final class Block {
    let pointer: UnsafeMutableRawPointer
    let count: Int

    init(_ count: Int, alignment: Int = 4096) {
        var raw: UnsafeMutableRawPointer?
        precondition(posix_memalign(&raw, alignment, max(count, 1)) == 0)
        pointer = raw!
        self.count = count
        pointer.initializeMemory(as: UInt8.self, repeating: 0, count: count)
    }

    subscript(index: Int) -> UInt8 {
        get { pointer.load(fromByteOffset: index, as: UInt8.self) }
        set { pointer.storeBytes(of: newValue, toByteOffset: index, as: UInt8.self) }
    }

    var bytes: [UInt8] { Array(UnsafeRawBufferPointer(start: pointer, count: count)) }

    func copy(from other: Block) {
        precondition(other.count == count)
        pointer.copyMemory(from: other.pointer, byteCount: count)
    }

    deinit { free(pointer) }
}

/// A seeded generator, so a failing case can be replayed from the seed in its message.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed | 1 }
    mutating func next() -> UInt64 {
        state ^= state << 13
        state ^= state >> 7
        state ^= state << 17
        return state
    }
}

extension BlockVerifier.Method: CustomTestStringConvertible {
    public var testDescription: String {
        switch self {
        case let .checksum(kind): return kind.description
        case let .pattern(bytes): return "pattern(\(bytes.count) bytes)"
        }
    }
}

func makeVerifier(_ method: BlockVerifier.Method) throws -> BlockVerifier {
    switch method {
    case let .checksum(kind): return BlockVerifier(checksum: kind)
    case let .pattern(bytes): return try BlockVerifier(pattern: bytes)
    }
}

let allMethods: [BlockVerifier.Method] = [
    .checksum(.crc32c), .checksum(.sha256), .pattern([0xA5]), .pattern([0xde, 0xad, 0xbe, 0xef]),
    .pattern([1, 2, 3, 4, 5, 6, 7]),
]
let checksumKinds: [VerifyChecksum] = [.crc32c, .sha256]
