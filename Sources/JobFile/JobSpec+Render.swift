// `--parse-only`: a resolved job written back as a job-file section, every option with its effective value.
// Options the file did not set are marked `; default`; options without a value are comment lines.
// Parsing the output again gives the same job (a test checks it).

extension JobSpec {
    public func renderResolved() -> String {
        let origin = sourceLine > 0 ? "\(sourceFile):\(sourceLine)" : sourceFile
        var lines = ["[\(name)]", "; from \(origin), reporting group \(group)"]
        var category: OptionCategory?
        for option in OptionTable.all {
            // The header carries the name: a `name=` line too would be read as a value (expanded, checked).
            if option.name == "name" { continue }
            let rendered = option.render(self)
            if rendered == .hidden { continue }
            if option.category != category {
                category = option.category
                lines.append("; \(option.category.rawValue)")
            }
            switch rendered {
            case .value(let text):
                lines.append(line(option, text))
            case .lines(let texts):
                lines += texts.map { line(option, $0) }
            case .unset:
                lines.append("; \(option.name) not set")
            case .hidden:
                break
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    private func line(_ option: OptionDefinition, _ text: String) -> String {
        let line = "\(option.name)=\(text)"
        return explicitOptions.contains(option.effectiveName) ? line : Self.pad(line) + "; default"
    }

    private static func pad(_ line: String) -> String {
        line.count < 39 ? line + String(repeating: " ", count: 40 - line.count) : line + "  "
    }
}
