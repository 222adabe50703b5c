// `${NAME}` in values, from the environment the parser was given. As in fio, an undefined name expands to
// nothing; unlike fio, that also produces a warning, since it is usually a forgotten `export`.

enum VariableExpansion {
    /// The expanded text and the names that were not defined.
    static func expand(_ text: String, environment: [String: String]) -> (text: String, undefined: [String]) {
        var out = String.UnicodeScalarView()
        var undefined: [String] = []
        var rest = text.unicodeScalars[...]
        while let reference = nextReference(in: rest) {
            out += rest[..<reference.whole.lowerBound]
            let name = String(Substring(reference.name))
            if let value = environment[name] {
                out += value.unicodeScalars
            } else {
                undefined.append(name)
            }
            rest = rest[reference.whole.upperBound...]
        }
        out += rest
        return (String(out), undefined)
    }

    /// The first `${NAME}` in `text` that a reading of it would expand, as written; nil when there is none.
    static func firstReference(in text: String) -> String? {
        nextReference(in: text.unicodeScalars[...]).map { String(Substring(text.unicodeScalars[$0.whole])) }
    }

    /// The first `${NAME}` with a non-empty name: `${}` and an unclosed `${` stay as written, as in fio.
    /// Scalars, not Characters, as fio's bytes: a combining mark after `{` or `}` must not hide it.
    private static func nextReference(in text: Substring.UnicodeScalarView)
        -> (whole: Range<String.Index>, name: Substring.UnicodeScalarView)?
    {
        var rest = text
        while let open = rest.firstRange(of: "${".unicodeScalars) {
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
