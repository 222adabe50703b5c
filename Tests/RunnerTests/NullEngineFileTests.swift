import DiobenchTestSupport
import Foundation
import Testing

/// fio's null engine is diskless: its jobs' files are names only. diobench used to lay them out, so a
/// `--ioengine=null --size=100g` overhead run wrote 100 GiB first.
@Suite struct NullEngineFileTests {
    @Test("a null-engine job creates no file, as fio's does not")
    func createsNothing() async throws {
        let dir = try TemporaryDirectory("runner")
        let ours = try await diobench(
            ["--name=n", "--ioengine=null", "--size=4m", "--rw=randread", "--output-format=json"], directory: dir.path)
        #expect(ours.status == 0, "\(ours.stderr)")
        #expect(try jsonObject(ours.stdout).jobs.first?.object("read").number("total_ios") == 1024)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).isEmpty)
        if fioAvailable {
            let fio = try await runProgram(
                fioPath, ["--name=n", "--ioengine=null", "--size=4m", "--rw=randread"], directory: dir.path)
            #expect(fio.status == 0)
            #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).isEmpty, "fio made no file either")
        }
    }

    @Test("a null-engine write job leaves an existing file's data as it was")
    func writesNothing() async throws {
        let dir = try TemporaryDirectory("runner")
        var bytes = [UInt8](repeating: 0, count: 1 << 20)
        var rng = SplitMix(seed: 7)
        for i in bytes.indices { bytes[i] = UInt8(truncatingIfNeeded: rng.next()) }
        let path = dir.path + "/data"
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let out = try await diobench(
            ["--name=w", "--ioengine=null", "--size=1m", "--rw=randwrite", "--filename=data"], directory: dir.path)
        #expect(out.status == 0, "\(out.stderr)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == Data(bytes))
    }
}
