// `${NAME}` in values, from the environment the parser was given. As in fio, an undefined name expands to
// nothing; unlike fio, that also produces a warning, since it is usually a forgotten `export`.

enum VariableExpansion {
    /// The expanded text and the names that were not defined.
    static func expand(_ text: String, environment: [String: String]) -> (text: String, undefined: [String]) {
        guard text.contains("${") else { return (text, []) }
        var out = ""
        var undefined: [String] = []
        var rest = Substring(text)
        while let reference = nextReference(in: rest) {
            out += rest[..<reference.whole.lowerBound]
            if let value = environment[String(reference.name)] {
                out += value
            } else {
                undefined.append(String(reference.name))
            }
            rest = rest[reference.whole.upperBound...]
        }
        return (out + rest, undefined)
    }

    /// The first `${NAME}` in `text` that a reading of it would expand, as written; nil when there is none.
    static func firstReference(in text: String) -> String? {
        nextReference(in: Substring(text)).map { String(text[$0.whole]) }
    }

    /// The first `${NAME}` with a non-empty name: `${}` and an unclosed `${` stay as written, as in fio.
    private static func nextReference(in text: Substring) -> (whole: Range<String.Index>, name: Substring)? {
        var rest = text
        while let open = rest.firstRange(of: "${") {
            let afterOpen = rest[open.upperBound...]
            guard let close = afterOpen.firstIndex(of: "}") else { return nil }
            if close != afterOpen.startIndex {
                return (open.lowerBound..<afterOpen.index(after: close), afterOpen[..<close])
            }
            rest = afterOpen
        }
        return nil
    }
}
