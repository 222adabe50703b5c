import DiobenchTestSupport
import Foundation
import Testing

/// What write jobs put on disk: pseudo-random bytes stamped per sector by default (`scramble_buffers`),
/// zeros with `zero_buffers` (as fio writes them), and new bytes for every write with `refill_buffers`.
@Suite struct BufferContentTests {
    /// Runs a 1 MiB sequential write of 4 KiB blocks with `extra` options; the file's 256 blocks.
    func writtenBlocks(_ extra: [String], tool: String = diobenchBinary) async throws -> [Data] {
        let dir = try TemporaryDirectory("runner")
        let out = try await runProgram(
            tool, ["--name=w", "--rw=write", "--bs=4k", "--size=1m", "--filename=data"] + extra,
            directory: dir.path)
        try #require(out.status == 0, "\(tool): \(out.stderr)")
        let data = try Data(contentsOf: URL(fileURLWithPath: dir.path + "/data"))
        try #require(data.count == 1 << 20)
        return stride(from: 0, to: data.count, by: 4096).map { data.subdata(in: $0..<($0 + 4096)) }
    }

    @Test("zero_buffers writes zeros, as fio does")
    func zeros() async throws {
        #expect(try await writtenBlocks(["--zero_buffers=1"]).allSatisfy { $0.allSatisfy { $0 == 0 } })
        if fioAvailable {
            #expect(
                try await writtenBlocks(["--zero_buffers=1"], tool: fioPath).allSatisfy { $0.allSatisfy { $0 == 0 } })
        }
        #expect(
            try await writtenBlocks(["--zero_buffers=1", "--refill_buffers=1"]).allSatisfy {
                $0.allSatisfy { $0 == 0 }
            },
            "zero_buffers wins over refill_buffers")
    }

    @Test("refill_buffers gives every write new bytes; without it one buffer is written again and again")
    func refill() async throws {
        let refilled = try await writtenBlocks(["--refill_buffers=1"])
        #expect(Set(refilled).count == 256)
        #expect(refilled.allSatisfy { block in block.contains { $0 != 0 } })
        #expect(
            Set(try await writtenBlocks(["--scramble_buffers=0"])).count == 1,
            "iodepth=1: one buffer, written 256 times")
    }

    @Test(
        "scramble_buffers, on by default as in fio: every written 512-byte sector differs; a written zero_buffers turns it off, a written scramble_buffers back on"
    )
    func scramble() async throws {
        for tool in [diobenchBinary] + (fioAvailable ? [fioPath] : []) {
            let blocks = try await writtenBlocks([], tool: tool)
            let sectors = blocks.flatMap { block in
                stride(from: 0, to: 4096, by: 512).map { block.subdata(in: $0..<($0 + 512)) }
            }
            #expect(Set(sectors).count == 2048, "\(tool): distinct sectors")
            #expect(Set(try await writtenBlocks(["--scramble_buffers=0"], tool: tool)).count == 1, "\(tool): off")
            #expect(Set(try await writtenBlocks(["--zero_buffers=1"], tool: tool)).count == 1, "\(tool): zero_buffers")
            #expect(
                Set(try await writtenBlocks(["--zero_buffers=1", "--scramble_buffers=1"], tool: tool)).count == 256,
                "\(tool): zero_buffers and scramble_buffers")
            #expect(
                try await writtenBlocks(["--zero_buffers=1", "--refill_buffers=1", "--scramble_buffers=1"], tool: tool)
                    .allSatisfy { $0.allSatisfy { $0 == 0 } },
                "\(tool): refill_buffers (of zeros) comes before scrambling")
        }
    }
}
