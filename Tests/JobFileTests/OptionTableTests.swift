// The option table itself: complete, consistent with JobSpec's defaults, and the single source of --cmdhelp
// and docs/OPTIONS.md.

import Engines
import Foundation
import Testing
@testable import JobFile

@Suite("Option table")
struct OptionTableTests {
    static let required = """
        name description filename directory size io_size io_limit offset offset_increment nrfiles rw readwrite
        rwmixread rwmixwrite bs blocksize bsrange blocksize_range bssplit blockalign ba iomem_align mem_align ioengine
        iodepth iodepth_batch_submit iodepth_batch iodepth_batch_complete_min iodepth_batch_complete
        iodepth_batch_complete_max iodepth_low direct buffered numjobs thread runtime timeout time_based ramp_time
        startdelay loops fsync fdatasync end_fsync randrepeat randseed norandommap random_generator fallocate overwrite
        create_on_open unlink invalidate group_reporting stonewall wait_for_previous new_group wait_for percentile_list
        clat_percentiles lat_percentiles kb_base rate_iops rate continue_on_error allow_mounted_write fixedbufs
        registerfiles sqthread_poll sqthread_poll_cpu hipri loop_backing loop_dio loop_block_size loop_read_only
        zfs_dataset zfs_direct zfs_recordsize zfs_scratch_pool zfs_scratch_vdevs zfs_allow_known_crash
        allow_data_overwrite verify do_verify verify_fatal verify_backlog verify_pattern
        """.split(whereSeparator: \.isWhitespace).map(String.init)

    @Test("every option the brief lists is in the table, by name or alias")
    func complete() {
        for name in Self.required { #expect(OptionTable.definition(named: name) != nil, "\(name) missing") }
    }

    @Test("every row has help, a category, and engine options name the engine that declares them")
    func rows() throws {
        for option in OptionTable.all {
            #expect(!option.help.isEmpty && !option.help.contains("\n"), "\(option.name): one-line help")
            if option.category == .engineOptions {
                let engine = try #require(option.engine, "\(option.name) names no engine")
                #expect(EngineCatalog[engine].options.contains { $0.name == option.name })
            }
            #expect(!FioOnlyOptions.names.contains(option.name), "\(option.name) is implemented, not fio-only")
        }
    }

    /// Defaults that are derived from other options rather than a fixed value.
    static let derivedDefaults: Set<String> = ["name"]

    @Test("each option's declared default is what a job without that option resolves to")
    func defaultsMatchJobSpec() throws {
        // Engine, loop and ZFS options are judged in a job that has that engine or group (set by another option).
        let plain = try job("[j]\n")
        let loop = try job("[j]\nloop_backing=/f\n")
        let zfs = try job("[j]\nzfs_dataset=tank/x\n")
        for option in OptionTable.all where !Self.derivedDefaults.contains(option.name) {
            if option.name == "loop_backing" || option.name == "zfs_dataset" {
                #expect(option.render(plain) == .unset && option.defaultText.isEmpty)
                continue
            }
            let spec =
                try option.engine.map { try job("[j]\nioengine=\($0)\n") }
                ?? (option.category == .loop ? loop : option.category == .zfs ? zfs : plain)
            switch option.render(spec) {
            case .value(let text):
                #expect(text == option.defaultText, "\(option.name): renders \(text), declares \(option.defaultText)")
            case .lines(let texts): Issue.record("\(option.name): a default of \(texts.count) lines")
            case .unset: #expect(option.defaultText.isEmpty, "\(option.name): unset but declares \(option.defaultText)")
            case .hidden:
                #expect(
                    option.writes != nil || [.loop, .zfs, .fioProfiles].contains(option.category),
                    "\(option.name) hidden"
                )
            }
        }
    }

    @Test("the default of every option parses as a value of that option")
    func defaultsParse() throws {
        for option in OptionTable.all where !option.defaultText.isEmpty && option.requires == nil {
            let prefix = option.engine.map { "ioengine=\($0)\n" } ?? ""
            #expect(throws: Never.self, "\(option.name)=\(option.defaultText)") {
                _ = try parse("[j]\n\(prefix)\(option.name)=\(option.defaultText)\n")
            }
        }
    }

    @Test("--cmdhelp for one option shows its alias, type, default, range and values, like fio's")
    func cmdhelpOne() {
        let bs = OptionTable.cmdhelp("bs")
        #expect(bs.contains("                  bs: Block size of each I/O"))
        #expect(bs.contains("               alias: blocksize"))
        #expect(bs.contains("             default: 4k"))
        #expect(OptionTable.cmdhelp("blocksize") == bs, "an alias shows the same option")
        let rw = OptionTable.cmdhelp("rw")
        #expect(rw.contains("valid values: read       Sequential reads"))
        #expect(rw.contains("randrw     Random mixed reads and writes"))
        #expect(OptionTable.cmdhelp("hipri").contains("engine: io_uring, pvsync2 only"))
        #expect(OptionTable.cmdhelp("loop_dio").contains("requires: loop_backing"))
        #expect(OptionTable.cmdhelp("iodpeth") == "No such option: 'iodpeth' (did you mean 'iodepth'?)\n")
        #expect(OptionTable.cmdhelp("cgroup").contains("does not implement"))
    }

    @Test("--cmdhelp without a name lists every option under its category")
    func cmdhelpAll() {
        let all = OptionTable.cmdhelp(nil)
        #expect(OptionTable.cmdhelp("all") == all)
        for category in OptionCategory.allCases {
            #expect(all.contains("\n\(category.rawValue)\n") || all.hasPrefix(category.rawValue))
        }
        for option in OptionTable.all { #expect(all.contains("  \(option.name)"), "\(option.name) listed") }
        #expect(all.contains("  bs, blocksize"))
    }

    @Test("docs/OPTIONS.md is exactly OptionTable.markdownReference()")
    func docsUpToDate() throws {
        let url = TestPaths.packageRoot.appendingPathComponent("docs/OPTIONS.md")
        let committed = try String(contentsOf: url, encoding: .utf8)
        #expect(
            committed == OptionTable.markdownReference(),
            "regenerate docs/OPTIONS.md from OptionTable.markdownReference() (DIOBENCH_WRITE_DOCS=1 swift test --filter docsUpToDate)"
        )
    }

    @Test(
        "the Markdown reference has a row for every option",
        .enabled(if: ProcessInfo.processInfo.environment["DIOBENCH_WRITE_DOCS"] == nil))
    func markdownRows() {
        let md = OptionTable.markdownReference()
        for option in OptionTable.all { #expect(md.contains("| `\(option.name)`"), "\(option.name)") }
        #expect(md.contains("| `bs` (`blocksize`) | size per direction (read,write,trim) | `4k` |"))
    }

    @Test(
        "writes docs/OPTIONS.md when asked to",
        .enabled(if: ProcessInfo.processInfo.environment["DIOBENCH_WRITE_DOCS"] == "1"))
    func writeDocs() throws {
        let url = TestPaths.packageRoot.appendingPathComponent("docs/OPTIONS.md")
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try OptionTable.markdownReference().write(to: url, atomically: true, encoding: .utf8)
    }
}
