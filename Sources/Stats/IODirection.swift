// Data direction of one I/O, as fio's JSON groups them (`read`, `write`, `trim`).
// Same raw values as JobFile.DataDirection, so the runner converts with `IODirection(rawValue:)`;
// Stats does not import JobFile to stay free of job syntax.

public enum IODirection: Int, Sendable, CaseIterable, Codable {
    case read = 0, write = 1, trim = 2

    /// The key fio uses for this direction in JSON and the word in its text output.
    public var fioName: String {
        switch self {
        case .read: return "read"
        case .write: return "write"
        case .trim: return "trim"
        }
    }
}
