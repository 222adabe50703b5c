import Foundation
import Testing
@testable import ZFS

// These check the command lines and the parsing of real output shapes. Running them against ZFS
// belongs to the lab suite (the VM with OpenZFS 2.3.9).

@Suite("zfs/zpool command lines")
struct ZFSCommandLineTests {
    @Test("property get, set and inherit")
    func properties() {
        #expect(
            ZFSCommands.getProperties(["direct", "recordsize"], dataset: "tank/my data")
                == ["zfs", "get", "-Hp", "-o", "property,value,source", "direct,recordsize", "tank/my data"])
        #expect(
            ZFSCommands.setProperty("direct", value: "always", dataset: "tank/a") == [
                "zfs", "set", "direct=always", "tank/a",
            ])
        #expect(ZFSCommands.inheritProperty("direct", dataset: "tank/a") == ["zfs", "inherit", "direct", "tank/a"])
        #expect(
            ZFSCommands.inheritProperty("direct", dataset: "tank/a", received: true) == [
                "zfs", "inherit", "-S", "direct", "tank/a",
            ])
    }

    @Test("the scratch pool: sparse file vdevs under the work directory, ashift=12, its own mountpoint")
    func scratchPool() throws {
        let plan = try ScratchPoolPlan(
            name: "dioscratch", vdevs: [.file(size: 1 << 30), .device(path: "/dev/vdb")],
            workDirectory: "/var/tmp/diobench-1234")
        #expect(
            plan.createCommand == [
                "zpool", "create", "-f", "-o", "ashift=12", "-O", "compression=off", "-O", "atime=off",
                "-m", "/var/tmp/diobench-1234/dioscratch", "dioscratch",
                "/var/tmp/diobench-1234/dioscratch-vdev0.img", "/dev/vdb",
            ])
        #expect(plan.fileVdevPaths == ["/var/tmp/diobench-1234/dioscratch-vdev0.img"])
        #expect(
            plan.undo
                == .destroyPool(
                    name: "dioscratch", vdevFiles: ["/var/tmp/diobench-1234/dioscratch-vdev0.img"],
                    directories: ["/var/tmp/diobench-1234/dioscratch", "/var/tmp/diobench-1234"]))
        #expect(plan.undo.commands == [["zpool", "destroy", "-f", "dioscratch"]])
    }

    @Test("job datasets are created with their properties and destroyed without -r")
    func datasets() throws {
        let plan = try ZFSDatasetPlan(name: "dioscratch/job1", direct: .always, recordsize: 131072)
        #expect(
            plan.createCommand == [
                "zfs", "create", "-o", "direct=always", "-o", "recordsize=131072", "dioscratch/job1",
            ])
        #expect(plan.undo == .destroyDataset(name: "dioscratch/job1"))
        #expect(plan.undo.commands == [["zfs", "destroy", "-f", "dioscratch/job1"]])
        #expect(
            try ZFSDatasetPlan(name: "p/d", direct: nil, recordsize: nil).createCommand == ["zfs", "create", "p/d"])
    }

    @Test(
        "names a command would misread are refused",
        arguments: [
            ("-rf", "starts with '-'"), ("", "empty"), ("tank/a@snap", "snapshots"), ("/tank", "leading"),
            ("tank//a", "double"),
        ])
    func badDatasetNames(name: String, reason: String) {
        #expect { try ZFSDatasetPlan(name: name, properties: []) } throws: { "\($0)".contains(reason) }
    }

    @Test("pool names", arguments: ["tank/x", "1pool", "-f"])
    func badPoolNames(name: String) {
        #expect(throws: ZFSError.self) {
            try ScratchPoolPlan(name: name, vdevs: [.file(size: 1 << 30)], workDirectory: "/tmp/x")
        }
    }

    @Test(
        "vdev specs",
        arguments: [
            ("file:1G", ScratchVdev.file(size: 1 << 30)), ("file:512m", .file(size: 512 << 20)),
            ("file:64MiB", .file(size: 64 << 20)), ("file:2t", .file(size: 2 << 40)),
            ("/dev/nvme0n1", .device(path: "/dev/nvme0n1")),
        ])
    func vdevSpecs(spec: String, expected: ScratchVdev) throws {
        #expect(try ScratchVdev.parse(spec) == expected)
    }

    @Test("bad vdev specs say what is valid", arguments: ["file:10M", "file:lots", "file:", "sdb", "file:1q"])
    func badVdevSpecs(spec: String) {
        #expect { try ScratchVdev.parse(spec) } throws: { "\($0)".contains("file:SIZE") && "\($0)".contains(spec) }
    }

    @Test("zpool events")
    func events() {
        #expect(ZFSCommands.events(pool: "tank") == ["zpool", "events", "-H", "tank"])
    }
}

@Suite("zfs get output and property undo")
struct ZFSPropertyTests {
    // `zfs get -Hp -o property,value,source direct,recordsize` as OpenZFS prints it: tab-separated.
    static let outputs: [(String, ZFSPropertyValue, ZFSPropertyValue)] = [
        (
            "direct\tstandard\tdefault\nrecordsize\t131072\tdefault\n",
            ZFSPropertyValue(property: "direct", value: "standard", source: .defaultValue),
            ZFSPropertyValue(property: "recordsize", value: "131072", source: .defaultValue)
        ),
        (
            "direct\talways\tlocal\nrecordsize\t1048576\tlocal\n",
            ZFSPropertyValue(property: "direct", value: "always", source: .local),
            ZFSPropertyValue(property: "recordsize", value: "1048576", source: .local)
        ),
        (
            "direct\tdisabled\tinherited from tank\nrecordsize\t16384\tinherited from tank/vm data\n",
            ZFSPropertyValue(property: "direct", value: "disabled", source: .inherited(from: "tank")),
            ZFSPropertyValue(property: "recordsize", value: "16384", source: .inherited(from: "tank/vm data"))
        ),
        (
            "recordsize\t131072\treceived\ndirect\tstandard\ttemporary\n",
            ZFSPropertyValue(property: "direct", value: "standard", source: .temporary),
            ZFSPropertyValue(property: "recordsize", value: "131072", source: .received)
        ),
    ]

    @Test("parses every source form", arguments: 0..<outputs.count)
    func parse(index: Int) throws {
        let (text, direct, recordsize) = Self.outputs[index]
        let values = try ZFSPropertyParser.parse(text, command: ["zfs", "get"])
        #expect(values["direct"] == direct)
        #expect(values["recordsize"] == recordsize)
    }

    @Test("output of another shape is an error naming the command")
    func malformed() {
        #expect {
            try ZFSPropertyParser.parse(
                "NAME  PROPERTY  VALUE  SOURCE\ntank  direct  standard  default\n",
                command: ["zfs", "get", "direct", "tank"])
        } throws: { "\($0)".contains("zfs get direct tank") && "\($0)".contains("tab-separated") }
    }

    @Test(
        "restoring a property: set when it was local, inherit when inherited or default, inherit -S when received",
        arguments: [
            (ZFSPropertySource.local, [["zfs", "set", "direct=standard", "tank/a"]]),
            (.temporary, [["zfs", "set", "direct=standard", "tank/a"]]),
            (.defaultValue, [["zfs", "inherit", "direct", "tank/a"]]),
            (.inherited(from: "tank"), [["zfs", "inherit", "direct", "tank/a"]]),
            (.received, [["zfs", "inherit", "-S", "direct", "tank/a"]]),
            (.none, []),
        ])
    func restore(source: ZFSPropertySource, commands: [[String]]) {
        let undo = ZFSUndoAction.restoreProperty(
            dataset: "tank/a", property: "direct", value: "standard", source: source)
        #expect(undo.commands == commands)
    }

    @Test("undo actions survive the journal: JSON round trip")
    func codable() throws {
        let actions: [ZFSUndoAction] = [
            .restoreProperty(
                dataset: "tank/a", property: "direct", value: "standard", source: .inherited(from: "tank")),
            .restoreProperty(dataset: "tank/b", property: "recordsize", value: "131072", source: .local),
            .destroyPool(
                name: "dioscratch", vdevFiles: ["/var/tmp/x/dioscratch-vdev0.img"], directories: ["/var/tmp/x"]),
            .destroyDataset(name: "dioscratch/job1"),
        ]
        let data = try JSONEncoder().encode(actions)
        #expect(try JSONDecoder().decode([ZFSUndoAction].self, from: data) == actions)
        #expect(actions[0].description == "restore direct=standard (inherited from tank) on tank/a")
    }

    @Test("zpool events -H output counts checksum and dio_verify events")
    func zpoolEvents() {
        let before = ZpoolEventCounts(
            parsing: """
                Nov 27 2026 01:44:13.123456789\tsysevent.fs.zfs.pool_import
                Nov 27 2026 01:44:14.000000001\tereport.fs.zfs.checksum

                """)
        let after = ZpoolEventCounts(
            parsing: """
                Nov 27 2026 01:44:13.123456789\tsysevent.fs.zfs.pool_import
                Nov 27 2026 01:44:14.000000001\tereport.fs.zfs.checksum
                dropped 2 events
                Nov 27 2026 01:45:00.000000002\tereport.fs.zfs.dio_verify_wr
                Nov 27 2026 01:45:00.000000003\tereport.fs.zfs.dio_verify_wr
                Nov 27 2026 01:45:01.000000004\tereport.fs.zfs.checksum

                """)
        #expect(before.byClass == ["sysevent.fs.zfs.pool_import": 1, "ereport.fs.zfs.checksum": 1])
        #expect(
            ZpoolEventCounts.newDataErrors(before: before, after: after)
                == ["ereport.fs.zfs.dio_verify_wr": 2, "ereport.fs.zfs.checksum": 1])
    }
}

@Suite("dataset names")
struct ZFSDatasetNameTests {
    @Test("the pool of a dataset", arguments: [("tank", "tank"), ("tank/a", "tank"), ("tank/vm data/disk1", "tank")])
    func pool(dataset: String, pool: String) {
        #expect(ZFSDatasetName.pool(of: dataset) == pool)
    }
}
