// swift-tools-version: 6.0
import PackageDescription

// The per-I/O loop lives in these modules: dynamic exclusivity checks cost a call per access there.
let hotPath: [SwiftSetting] = [.unsafeFlags(["-enforce-exclusivity=unchecked"])]

// Module map (docs/ARCHITECTURE.md): each library target owns one arrow of the data flow
//   job file ─JobFile→ [JobSpec] ─Runner→ workers (Engines on Targets) → Stats → Report
let package = Package(
    name: "diobench",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "diobench", targets: ["diobench"])
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift", from: "0.1.0"),
        .package(url: "https://github.com/swiftlang/swift-subprocess", from: "1.0.2"),
    ],
    targets: [
        // liburing from the system (apt: liburing-dev); shim.h re-exports it.
        .systemLibrary(
            name: "CLiburing",
            pkgConfig: "liburing",
            providers: [.apt(["liburing-dev"])]
        ),
        // The value types several modules share (I/O direction, fallocate mode, loop report, kernel event,
        // run directories), declared once. Depends on nothing.
        .target(name: "Vocabulary"),
        // System-call helpers every module shares: the errno describer, the EINTR retry, O_DIRECT's value.
        .target(name: "SystemCalls"),
        // The fio job-file dialect: lexer, parser, the one declarative option table, JobSpec.
        .target(name: "JobFile", dependencies: ["Vocabulary", "Engines", "SystemCalls"]),
        // I/O engines (psync, sync, null, io_uring, libaio, pvsync, pvsync2, posixaio, mmap), each with its
        // description, and aligned buffers. Knows no job syntax: the job language reads the engines'
        // descriptions (names, queueing, options).
        .target(
            name: "Engines",
            dependencies: ["CLiburing", "CLinuxAIO", "CPosixIO", "Vocabulary", "SystemCalls"],
            swiftSettings: hotPath
        ),
        // Files, block devices, loop devices, statx/statfs, mountinfo, kernel log.
        .target(
            name: "Targets",
            dependencies: ["Vocabulary", "SystemCalls"]
        ),
        // ZFS datasets, properties, pools, kstats, version rules and the known-crash guard.
        .target(name: "ZFS", dependencies: ["Targets", "SystemCalls"]),
        // Latency histograms, counters, the Codable result model, merging.
        .target(
            name: "Stats",
            dependencies: ["Vocabulary", "SystemCalls", .product(name: "Histogram", package: "hdrhistogram-swift")],
            swiftSettings: hotPath
        ),
        // Text, fio JSON/json+ and terse output; compare tables, HTML, diff verdicts and baselines.
        .target(name: "Report", dependencies: ["Stats", "Vocabulary", "SystemCalls"]),
        // Linux native AIO (io_setup/io_submit/io_getevents) through the kernel's ABI, for the libaio engine.
        .target(name: "CLinuxAIO"),
        // preadv2/pwritev2 and POSIX AIO (glibc) for the pvsync2 and posixaio engines.
        .target(name: "CPosixIO"),
        // CRC-32C and SHA-256 kernels in C: the CPU's crc32 and SHA instructions where present.
        .target(name: "CVerifyChecksums"),
        // fio-style data verification: block headers, fill/check, outcomes, the verify_backlog log.
        .target(name: "Verify", dependencies: ["CVerifyChecksums"], swiftSettings: hotPath),
        // libFuzzer target for the job-file parser (.ci/fuzz builds it with -sanitize=fuzzer); a plain
        // build is a replayer: `JobFileFuzz FILE…`.
        .executableTarget(name: "JobFileFuzz", dependencies: ["JobFile", "CLibFuzzer"]),
        // The declaration of libFuzzer's driver (the fuzzer runtime defines it).
        .systemLibrary(name: "CLibFuzzer"),
        // Throughput of the verify kernels (run in release, outside the test suite).
        .executableTarget(name: "VerifyBenchmark", dependencies: ["Verify"], swiftSettings: hotPath),
        // Plans runs and drives the worker threads; owns cleanup and signals.
        .target(
            name: "Runner",
            dependencies: [
                "Vocabulary", "SystemCalls", "JobFile", "Engines", "Targets", "ZFS", "Stats", "Verify",
            ],
            swiftSettings: hotPath
        ),
        // The ZFS lab: drives Lab/*.sh (image build, QEMU boot), builds the guest binary, brings results home.
        .target(name: "Lab", dependencies: ["SystemCalls", "Vocabulary"]),
        .executableTarget(
            name: "diobench",
            dependencies: [
                "Runner", "Vocabulary", "SystemCalls", "JobFile", "Report", "Stats", "Targets", "ZFS", "Lab",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // Shared by the test targets (never by the product): temporary directories, scratch loop devices and the
        // lock loop-device tests hold, child processes awaited through swift-subprocess, and a thread of its own
        // for a test's blocking work.
        .target(
            name: "DiobenchTestSupport",
            dependencies: [.product(name: "Subprocess", package: "swift-subprocess")],
            path: "Tests/Support",
            // Resilient, so the test targets do not load what it imports internally: Subprocess brings
            // SystemPackage, whose io_uring_sqe (linux/io_uring.h) clashes with CLiburing's in EnginesTests.
            swiftSettings: [.unsafeFlags(["-enable-library-evolution"])]
        ),
        // Job files the tests read from disk by path (the CLI's tests reuse Malformed/), not bundle resources.
        .testTarget(
            name: "JobFileTests", dependencies: ["JobFile", "Engines", "Vocabulary", "DiobenchTestSupport"],
            exclude: ["Malformed", "Valid"]),
        .testTarget(
            name: "EnginesTests",
            dependencies: ["Engines", "SystemCalls", "Targets", "Vocabulary", "DiobenchTestSupport"]),
        // Engines: DirectIOAlignmentTests provoke real O_DIRECT EINVALs with psync and misaligned pool buffers.
        .testTarget(
            name: "TargetsTests",
            dependencies: ["Targets", "SystemCalls", "Vocabulary", "Verify", "Engines", "DiobenchTestSupport"]),
        .testTarget(name: "VerifyTests", dependencies: ["Verify", "DiobenchTestSupport"]),
        .testTarget(
            name: "ZFSTests", dependencies: ["ZFS", "Targets", "Vocabulary", "DiobenchTestSupport"],
            resources: [.copy("Fixtures")]),
        .testTarget(name: "StatsTests", dependencies: ["Stats", "SystemCalls", "Vocabulary", "DiobenchTestSupport"]),
        .testTarget(
            name: "ReportTests", dependencies: ["Report", "SystemCalls", "Stats", "Vocabulary", "DiobenchTestSupport"],
            resources: [.copy("Fixtures")]),
        // End to end through the CLI; depends on the executable so `swift test` builds the binary the tests run.
        .testTarget(
            name: "RunnerTests",
            dependencies: [
                "Runner", "SystemCalls", "Vocabulary", "JobFile", "Stats", "Report", "Targets", "Verify", "ZFS",
                "DiobenchTestSupport", "diobench",
            ]),
        // compare, diff and baseline: statistics, matrix, HTML (rendered by Chromium), and the CLI end to end.
        .testTarget(
            name: "CompareTests",
            dependencies: ["Report", "Stats", "Vocabulary", "JobFile", "DiobenchTestSupport", "diobench"]),
        // The lab suite: boots the ZFS VM once and checks every ZFS case there. Disabled unless DIOBENCH_LAB=1.
        .testTarget(name: "LabTests", dependencies: ["Lab", "ZFS", "Targets", "Vocabulary", "DiobenchTestSupport"]),
    ]
)
