// Throughput of the verify kernels, in GB/s (10^9 bytes per second). Not part of the test suite:
//   swift run -c release VerifyBenchmark [block-bytes] [total-MiB]
// Measures CRC-32C (hardware and portable), SHA-256 (hardware and portable), and BlockVerifier's
// fill and check per method, each over the same buffers, best of three rounds.
import Foundation
import Verify

let arguments = CommandLine.arguments
let blockLength = arguments.count > 1 ? Int(arguments[1]) ?? 131_072 : 131_072
let totalMiB = arguments.count > 2 ? Int(arguments[2]) ?? 1024 : 1024
let blocks = max(1, (totalMiB << 20) / blockLength)
let working = UnsafeMutableRawPointer.allocate(byteCount: blockLength, alignment: 4096)
defer { working.deallocate() }
for i in 0..<blockLength {
    working.storeBytes(of: UInt8(truncatingIfNeeded: i &* 131 &+ 7), toByteOffset: i, as: UInt8.self)
}

var sink: UInt64 = 0

func measure(_ name: String, _ body: () -> Void) {
    var best = Double.infinity
    for _ in 0..<3 {
        let start = DispatchTime.now().uptimeNanoseconds
        body()
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        best = min(best, seconds)
    }
    let gbps = Double(blocks * blockLength) / best / 1e9
    print(String(format: "%-32@ %7.2f GB/s", name as NSString, gbps))
}

print(
    "block \(blockLength) bytes, \(blocks) blocks per round; crc32c hardware: \(Checksums.crc32cUsesHardware), sha256 hardware: \(Checksums.sha256UsesHardware)"
)
measure("crc32c") { for _ in 0..<blocks { sink &+= UInt64(Checksums.crc32c(working, count: blockLength)) } }
measure("crc32c portable (slicing-by-8)") {
    for _ in 0..<blocks { sink &+= UInt64(Checksums.crc32cPortable(working, count: blockLength)) }
}
var digest = (UInt64(0), UInt64(0), UInt64(0), UInt64(0))
measure("sha256") {
    for _ in 0..<blocks {
        withUnsafeMutableBytes(of: &digest) { Checksums.sha256(working, count: blockLength, into: $0.baseAddress!) }
    }
}
measure("sha256 portable") {
    for _ in 0..<blocks {
        withUnsafeMutableBytes(of: &digest) {
            Checksums.sha256Portable(working, count: blockLength, into: $0.baseAddress!)
        }
    }
}
sink &+= digest.0

let verifiers: [(String, BlockVerifier)] = [
    ("crc32c", BlockVerifier(checksum: .crc32c)),
    ("sha256", BlockVerifier(checksum: .sha256)),
    ("pattern", try! BlockVerifier(pattern: [0xde, 0xad, 0xbe, 0xef])),
]
for (name, verifier) in verifiers {
    measure("fill \(name)") {
        for b in 0..<blocks {
            verifier.fill(
                block: working, length: blockLength, offset: UInt64(b * blockLength), job: 1, generation: 1, seed: 42)
        }
    }
    verifier.fill(block: working, length: blockLength, offset: 0, job: 1, generation: 1, seed: 42)
    measure("check \(name)") {
        for _ in 0..<blocks {
            if !verifier.check(block: working, length: blockLength, expectedOffset: 0, job: 1, generation: 1, seed: 42)
                .isOK
            {
                sink &+= 1
            }
        }
    }
}
if sink == 42 { print("") }  // keeps the work observable
