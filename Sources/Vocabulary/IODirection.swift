/// The data direction of an I/O, as fio counts them (`DDIR_READ`, `DDIR_WRITE`, `DDIR_TRIM`) and as its JSON
/// groups results (`read`, `write`, `trim`). Job options with `read,write,trim` values, the workers' choice
/// of what to issue next, and the per-direction statistics all use this one type.
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
