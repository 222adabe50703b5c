import Foundation
import Testing
@testable import ZFS

@Suite("ZFS version parsing and ordering")
struct ZFSVersionTests {
    @Test(
        "the forms /sys/module/zfs/version and `zfs version` print",
        arguments: [
            ("2.3.9-0+deb13u1\n", 2, 3, 9, nil as Int?),
            ("2.3.0-1", 2, 3, 0, nil),
            ("2.4.0-rc1", 2, 4, 0, 1),
            ("2.4.0-rc12_5_gdeadbee", 2, 4, 0, 12),
            ("2.2.7", 2, 2, 7, nil),
            ("zfs-2.3.1", 2, 3, 1, nil),
            ("zfs-kmod-2.3.1-1", 2, 3, 1, nil),
            ("2.3.4-pve1", 2, 3, 4, nil),
            ("2.2.2-0ubuntu9.1", 2, 2, 2, nil),
            ("2.2.99-1_g1234abcd", 2, 2, 99, nil),
            ("0.8.6-1", 0, 8, 6, nil),
            ("2.3", 2, 3, 0, nil),
        ])
    func parse(text: String, major: Int, minor: Int, patch: Int, rc: Int?) throws {
        let v = try ZFSVersion(parsing: text)
        #expect(v.major == major && v.minor == minor && v.patch == patch && v.releaseCandidate == rc)
        #expect(v.raw == text.trimmingCharacters(in: .whitespacesAndNewlines))
    }

    @Test("text without a version is an error that shows the text", arguments: ["", "zfs", "unknown", "-rc1", "x.y.z"])
    func unparseable(text: String) {
        #expect(throws: ZFSError.versionUnparseable(text)) { try ZFSVersion(parsing: text) }
    }

    @Test("release candidates sort before their release; packaging does not count")
    func ordering() throws {
        let ordered = try [
            "2.2.7", "2.2.99-1_gabc", "2.3.0-rc1", "2.3.0-rc5", "2.3.0-1", "2.3.1", "2.3.9-0+deb13u1",
            "2.4.0-rc1", "2.4.0", "2.10.0",
        ].map { try ZFSVersion(parsing: $0) }
        for (a, b) in zip(ordered, ordered.dropFirst()) { #expect(a < b, "\(a) < \(b)") }
        #expect(try ZFSVersion(parsing: "2.3.0-1") == ZFSVersion(parsing: "zfs-2.3.0"))
        #expect(try ZFSVersion(parsing: "2.4.0-rc1").release == "2.4.0-rc1")
    }

    @Test("the lab's versions.txt parses")
    func lab() throws {
        let v = try LabFixtures.moduleVersion()
        #expect(v == ZFSVersion(major: 2, minor: 3, patch: 9))
        #expect(v.raw == "2.3.9-0+deb13u1")
    }
}

@Suite("Known-crash guard (OpenZFS issue 16956)")
struct KnownCrashGuardTests {
    enum Expect: Equatable { case allow, warn, refuse }

    private static func kind(_ d: KnownCrashGuard.Decision) -> Expect {
        switch d {
        case .allow: return .allow
        case .warn: return .warn
        case .refuse: return .refuse
        }
    }

    @Test(
        "decisions for versions and settings",
        arguments: [
            // version, loop, direct now, set by job, fixedbufs, O_DIRECT, override → decision
            ("2.3.0-1", true, ZFSDirectProperty.always, nil as ZFSDirectProperty?, false, false, false, Expect.refuse),
            ("2.3.0-rc3", true, .always, nil, false, true, false, .refuse),
            ("2.2.99-1_gabc", true, .always, nil, false, false, false, .refuse),
            ("2.3.0", true, .standard, .always, false, false, false, .refuse),  // the job would set always
            ("2.3.0", true, .always, .standard, false, false, false, .allow),  // the job sets it away from always
            ("2.3.0", true, .standard, nil, false, true, false, .allow),
            ("2.3.0", true, .disabled, nil, false, false, false, .allow),
            ("2.3.0", true, .always, nil, false, false, true, .warn),  // user insists
            ("2.3.0", false, .always, nil, false, false, false, .allow),  // a plain file is fine
            ("2.3.1", true, .always, nil, false, false, false, .allow),  // fixed
            ("2.3.9-0+deb13u1", true, .always, nil, false, false, false, .allow),
            ("2.4.0-rc1", true, .always, nil, true, true, false, .allow),
            ("2.2.7", true, .always, nil, false, false, false, .allow),  // no Direct I/O at all
            ("zfs-2.3.0", false, .standard, nil, true, true, false, .warn),  // io_uring fixed buffers
            ("zfs-2.3.0", false, .always, nil, true, false, false, .warn),
            ("zfs-2.3.0", false, .disabled, nil, true, true, false, .allow),
            ("zfs-2.3.0", false, .standard, nil, true, false, false, .allow),
        ])
    func decisions(
        version: String, loop: Bool, now: ZFSDirectProperty, setByJob: ZFSDirectProperty?,
        fixedBuffers: Bool, oDirect: Bool, override: Bool, expected: Expect
    ) throws {
        let input = KnownCrashGuard.Input(
            version: try ZFSVersion(parsing: version), targetIsLoopDevice: loop,
            datasetDirectNow: now, datasetDirectSetByJob: setByJob,
            ioUringFixedBuffers: fixedBuffers, oDirect: oDirect, userOverride: override)
        let decision = KnownCrashGuard.decide(input)
        #expect(Self.kind(decision) == expected, "\(decision)")
        if let message = decision.message {
            #expect(message.contains("16956"))
            #expect(message.contains("2.3.1"))
            #expect(message.contains("17006"))
            #expect(message.contains(version))
        }
    }

    @Test(
        "a loop device doing direct I/O over a direct=standard file crashes 2.3.0 too (the lab saw it); without loop_dio it does not"
    )
    func loopDirectIOUnderStandard() throws {
        let v = try ZFSVersion(parsing: "2.3.0-1")
        let dio = KnownCrashGuard.decide(
            .init(version: v, targetIsLoopDevice: true, loopDirectIO: true, datasetDirectNow: .standard))
        #expect(Self.kind(dio) == .refuse)
        #expect(dio.message?.contains("direct=standard dataset, and the loop device does direct I/O") == true)
        #expect(dio.message?.contains("direct=disabled (or standard with loop_dio=0)") == true)
        let buffered = KnownCrashGuard.decide(
            .init(version: v, targetIsLoopDevice: true, loopDirectIO: false, datasetDirectNow: .standard))
        #expect(Self.kind(buffered) == .allow, "the driver's requests are not IOCB_DIRECT: copied, not pinned")
        let disabled = KnownCrashGuard.decide(
            .init(version: v, targetIsLoopDevice: true, loopDirectIO: true, datasetDirectNow: .disabled))
        #expect(Self.kind(disabled) == .allow)
        let fixed = KnownCrashGuard.decide(
            .init(
                version: try ZFSVersion(parsing: "2.3.1"), targetIsLoopDevice: true, loopDirectIO: true,
                datasetDirectNow: .standard))
        #expect(Self.kind(fixed) == .allow)
        let byJob = KnownCrashGuard.decide(
            .init(
                version: v, targetIsLoopDevice: true, loopDirectIO: true, datasetDirectNow: .disabled,
                datasetDirectSetByJob: .standard))
        #expect(byJob.message?.contains("the job would set direct=standard") == true)
    }

    @Test("an unreadable version is treated as affected, and the message says so")
    func unknownVersion() {
        let d = KnownCrashGuard.decide(.init(version: nil, targetIsLoopDevice: true, datasetDirectNow: .always))
        #expect(Self.kind(d) == .refuse)
        #expect(d.message?.contains("could not be read") == true)
        #expect(d.message?.contains("zfs_allow_known_crash") == true)
    }

    @Test("the refusal names how the combination arises")
    func how() throws {
        let v = try ZFSVersion(parsing: "2.3.0")
        let byJob = KnownCrashGuard.decide(
            .init(
                version: v, targetIsLoopDevice: true, datasetDirectNow: .standard,
                datasetDirectSetByJob: .always))
        #expect(byJob.message?.contains("the job would set direct=always") == true)
        let already = KnownCrashGuard.decide(.init(version: v, targetIsLoopDevice: true, datasetDirectNow: .always))
        #expect(already.message?.contains("backing file is in a direct=always dataset") == true)
    }
}
