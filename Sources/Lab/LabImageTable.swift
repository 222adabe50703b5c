/// `diobench lab images`: one line per image, the base first.
public enum LabImageTable {
    public static func render(base: LabImage.Facts?, variants: [LabVariant]) -> String {
        var rows: [[String]] = [["name", "zfs (guest)", "srcversion", "source", "patches", "key", "build"]]
        if let base {
            rows.append([
                "default", base.zfsPackage.map { "\($0) (Debian)" } ?? "?", "-", "Debian's zfs-dkms", "-", "-",
                "\(base.buildSeconds.values.reduce(0, +)) s",
            ])
        } else {
            rows.append(["default", "not built (diobench lab build)", "", "", "", "", ""])
        }
        for v in variants {
            rows.append([
                v.name, v.guestVersion ?? "\(v.moduleVersion ?? "?") (not booted yet)",
                v.guestSrcversion ?? v.moduleSrcversion ?? "?", shortSource(v.source),
                v.patches.isEmpty ? "-" : v.patches.map { lastComponent($0.path) }.joined(separator: ", "),
                v.key,
                (v.buildSeconds.map { "\($0) s, " } ?? "") + v.builtAt.prefix(16)
                    + (v.kernelOnly == true ? ", modules only, on \(v.builtOnTopOf ?? "?")" : ""),
            ])
        }
        let widths = rows[0].indices.map { c in rows.map { $0[c].count }.max() ?? 0 }
        return rows.map { row in
            row.enumerated().map { c, cell in
                c == row.count - 1 ? cell : cell + String(repeating: " ", count: widths[c] - cell.count)
            }.joined(separator: "  ")
        }.joined(separator: "\n")
    }

    static func lastComponent(_ path: String) -> String {
        path.split(separator: "/").last.map(String.init) ?? path
    }

    static func shortSource(_ path: String) -> String {
        let parts = path.split(separator: "/")
        return parts.count > 2 ? "…/" + parts.suffix(2).joined(separator: "/") : path
    }
}
