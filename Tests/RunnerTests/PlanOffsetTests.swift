// Where each clone's region starts, and when each worker starts: the values fio's percentages and ranges give.
// The expected offsets were measured with fio 3.33 (`--debug=io`, bs=1m): percentages are rounded up to
// the minimum block size; offset=N% is of the file as it is, offset_increment=N% of the file as it is or,
// when it is still missing, as it will be laid out.

import JobFile
import Runner
import Targets
import Testing

@Suite("Plan: percentage offsets and start delays")
struct PlanOffsetTests {
    private func spec(_ options: String) throws -> JobSpec {
        let text = "[j]\nfilename=/tmp/diobench-plan-test\nrw=write\nbs=1m\nsize=16m\n" + options
        return try JobFileParser(environment: [:]).parse(text: text, fileName: "plan.fio").jobs[0]
    }

    private func starts(_ options: String, existing: ExistingTarget) throws -> [UInt64] {
        try planWorkers(for: spec(options), jobIndex: 0) { _ in existing }.map { $0.files[0].regionStart }
    }

    @Test("randrepeat=0 seeds from the system; allrandrepeat=1 makes it repeat again, as in fio")
    func allRandRepeat() throws {
        func seeds(_ options: String) throws -> [UInt64] {
            try planWorkers(for: spec("numjobs=2\n" + options), jobIndex: 0) { _ in
                ExistingTarget(kind: .missing, size: 0)
            }.map(\.seed)
        }
        #expect(try seeds("randrepeat=0\n") != seeds("randrepeat=0\n"))
        #expect(try seeds("randrepeat=0\nallrandrepeat=1\n") == seeds("randrepeat=0\nallrandrepeat=1\n"))
        #expect(try seeds("randrepeat=0\nallrandrepeat=1\n") == seeds(""))
    }

    @Test(
        "offset_increment=25% with numjobs=2: of the planned size for a new file, of the real size (rounded up) for an existing one"
    )
    func offsetIncrementPercent() throws {
        #expect(
            try starts("numjobs=2\noffset_increment=25%\n", existing: ExistingTarget(kind: .missing, size: 0)) == [
                0, 4 << 20,
            ])
        #expect(
            try starts(
                "numjobs=2\noffset_increment=25%\n", existing: ExistingTarget(kind: .regularFile, size: 22 << 20)) == [
                    0, 6 << 20,
                ])
        #expect(
            try starts("numjobs=3\noffset_increment=1m\n", existing: ExistingTarget(kind: .missing, size: 0)) == [
                0, 1 << 20, 2 << 20,
            ])
    }

    @Test(
        "offset=N% of an existing file is rounded up to the minimum block size",
        arguments: [
            (33.0, UInt64(16) << 20, UInt64(6) << 20), (10, 22 << 20, 3 << 20), (1, 19 << 20, 1 << 20), (50, 0, 0),
        ])
    func offsetPercent(percent: Double, fileSize: UInt64, start: UInt64) throws {
        let existing = ExistingTarget(kind: fileSize == 0 ? .missing : .regularFile, size: fileSize)
        #expect(try starts("offset=\(percent)%\n", existing: existing) == [start])
    }

    @Test("startdelay=MIN-MAX: each worker picks a delay in the range, the same one again with the same seed")
    func startDelayRange() throws {
        let job = try spec("startdelay=1-3\n")
        let delays = (0..<64).map { WorkerConfig(spec: job, bytesPerLoop: 1 << 20, seed: UInt64($0)).startDelayNs }
        #expect(delays.allSatisfy { (1_000_000_000...3_000_000_000).contains($0) })
        #expect(Set(delays).count > 32, "delays should spread over the range: \(Set(delays).count) distinct of 64")
        #expect(WorkerConfig(spec: job, bytesPerLoop: 1 << 20, seed: 7).startDelayNs == delays[7])
        #expect(
            WorkerConfig(spec: try spec("startdelay=2\n"), bytesPerLoop: 1 << 20, seed: 7).startDelayNs == 2_000_000_000
        )
    }
}
