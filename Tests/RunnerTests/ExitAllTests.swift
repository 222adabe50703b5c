import DiobenchTestSupport
import Foundation
import Testing

/// fio's exitall, as fio 3.33 does it: when an exitall job is done, the jobs running beside it finish
/// too, with whole (not partial) results; a later stonewalled group still runs.
@Suite struct ExitAllTests {
    static let job = """
        [global]
        ioengine=null
        size=1m
        time_based
        [short]
        runtime=1
        exitall
        [long]
        runtime=20
        [later]
        stonewall
        runtime=1
        """

    /// Each job's name, group and runtime in ms.
    func runtimes(_ tool: String, in dir: TemporaryDirectory) async throws -> [(String, Double, Double)] {
        let file = try dir.write("ex.fio", Self.job)
        let out = try await runProgram(tool, ["--output-format=json", file], directory: dir.path, timeout: 60)
        try #require(out.status == 0, "\(tool): \(out.stderr)")
        let jobs = try jsonObject(out.stdout).jobs
        #expect(
            jobs.allSatisfy { $0["diobench"].map { ($0 as? [String: Any])?["partial"] as? Bool != true } ?? true },
            "whole results, not partial")
        return jobs.map { ($0["jobname"] as? String ?? "?", $0.number("groupid"), $0.object("read").number("runtime")) }
    }

    @Test("the long job ends with the short exitall one, and the later group still runs, as in fio")
    func endsThePhaseOnly() async throws {
        var tools = [diobenchBinary]
        if fioAvailable { tools.append(fioPath) }
        for tool in tools {
            let dir = try TemporaryDirectory("runner")
            let jobs = try await runtimes(tool, in: dir)
            #expect(jobs.map(\.0) == ["short", "long", "later"], "\(tool)")
            #expect(jobs.map(\.1) == [0, 0, 1], "\(tool): groups")
            // 20 s asked; ended with the 1 s job (generous bounds: this checks the stop, not a speed).
            #expect(jobs.count == 3 && jobs[1].2 < 10_000, "\(tool): long ran \(jobs.count == 3 ? jobs[1].2 : -1) ms")
            #expect(jobs.count == 3 && jobs[2].2 >= 900, "\(tool): later ran \(jobs.count == 3 ? jobs[2].2 : -1) ms")
        }
    }

    /// exitall_on_error: a job that fails (O_DIRECT reads of 1000 bytes: EINVAL) ends the job beside it, as in fio.
    @Test("exitall_on_error: a failing job ends the jobs beside it, as in fio")
    func exitAllOnError() async throws {
        var tools = [diobenchBinary]
        if fioAvailable { tools.append(fioPath) }
        for tool in tools {
            let dir = try TemporaryDirectory("runner")
            let file = try dir.write(
                "e.fio",
                """
                [bad]
                size=1m
                direct=1
                bs=1000
                exitall_on_error
                [long]
                ioengine=null
                size=1m
                time_based
                runtime=20
                """)
            let out = try await runProgram(tool, ["--output-format=json", file], directory: dir.path, timeout: 60)
            #expect(out.status == 1, "\(tool): the failed job makes the exit status 1")
            let jobs = try jsonObject(out.stdout).jobs
            #expect(jobs.map { $0["jobname"] as? String } == ["bad", "long"], "\(tool)")
            #expect(jobs.first?.number("error") == 22, "\(tool): EINVAL")
            let long = jobs.last?.object("read").number("runtime") ?? -1
            #expect(long >= 0 && long < 10_000, "\(tool): long ran \(long) ms of its 20 s")
        }
    }
}
