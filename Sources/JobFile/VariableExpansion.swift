// `${NAME}` in values, from the environment the parser was given. As in fio, an undefined name expands to
// nothing; unlike fio, that also produces a warning, since it is usually a forgotten `export`.

enum VariableExpansion {
    /// The expanded text and the names that were not defined.
    static func expand(_ text: String, environment: [String: String]) -> (text: String, undefined: [String]) {
        guard text.contains("${") else { return (text, []) }
        var out = ""
        var undefined: [String] = []
        var rest = Substring(text)
        while let start = rest.firstRange(of: "${") {
            out += rest[..<start.lowerBound]
            let afterOpen = rest[start.upperBound...]
            // `${}` and an unclosed `${` stay as written, as in fio.
            guard let close = afterOpen.firstIndex(of: "}"), close != afterOpen.startIndex else {
                out += rest[start]
                rest = afterOpen
                continue
            }
            let name = String(afterOpen[..<close])
            if let value = environment[name] {
                out += value
            } else {
                undefined.append(name)
            }
            rest = afterOpen[afterOpen.index(after: close)...]
        }
        return (out + rest, undefined)
    }
}
