// Reporting groups and ordering between jobs: stonewall, new_group, wait_for.

import Testing
@testable import JobFile

@Suite("Groups and ordering")
struct GroupTests {
    @Test("groups follow fio: a stonewall or new_group after a job opens the next group")
    func numbering() throws {
        // The same file fio numbers 0, 1, 1, 2, 2 (checked against fio 3.33's JSON groupid).
        let parsed = try parse("[a]\n[b]\nnew_group\n[c]\n[d]\nstonewall\n[e]\ngroup_reporting\n")
        #expect(parsed.jobs.map(\.group) == [0, 1, 1, 2, 2])
    }

    @Test("a stonewall on the first job opens no empty group; a global stonewall separates every job")
    func edges() throws {
        #expect(try parse("[a]\nstonewall\n[b]\n").jobs.map(\.group) == [0, 0])
        #expect(try parse("[global]\nstonewall\n[a]\n[b]\n[c]\n").jobs.map(\.group) == [0, 1, 2])
        #expect(try parse("[global]\ngroup_reporting\n[a]\nnumjobs=4\n[b]\n").jobs.map(\.group) == [0, 0])
    }

    @Test("wait_for names an earlier, unique job other than itself")
    func waitFor() throws {
        #expect(try parse("[a]\n[b]\nwait_for=a\n").jobs[1].waitFor == "a")
        let forward = try #require(parseError("[a]\nwait_for=c\n[c]\n"))
        #expect(forward.line == 2 && forward.description.contains("no job named 'c' above this one"))
        let typo = try #require(parseError("[writer]\n[reader]\nwait_for=writr\n"))
        #expect(typo.suggestion == "writer")
        #expect(parseError("[a]\nwait_for=a\n")?.description.contains("can't wait for itself") == true)
        #expect(parseError("[a]\n[a]\n[b]\nwait_for=a\n")?.description.contains("2 jobs are named 'a'") == true)
    }

    @Test("with group_reporting, lat_percentiles must agree within a group (fio refuses otherwise)")
    func latPercentilesPerGroup() throws {
        let error = try #require(parseError("[global]\ngroup_reporting\n[a]\n[b]\nlat_percentiles=1\n"))
        #expect(error.line == 5 && error.option == "lat_percentiles")
        #expect(try parse("[global]\ngroup_reporting\n[a]\n[b]\nnew_group\nlat_percentiles=1\n").jobs.count == 2)
    }
}
