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

/// Read, write and trim values of one quantity: an option written as `read,write[,trim]` (e.g. `bs=4k,64k`),
/// or a figure the statistics keep per direction.
public struct PerDirection<T: Codable & Sendable & Equatable>: Codable, Sendable, Equatable {
    public var read: T
    public var write: T
    public var trim: T
    public init(_ all: T) { read = all; write = all; trim = all }
    public init(read: T, write: T, trim: T) { self.read = read; self.write = write; self.trim = trim }
    /// Each direction's value worked out from the direction.
    public init(_ value: (IODirection) -> T) { self.init(read: value(.read), write: value(.write), trim: value(.trim)) }
    public subscript(_ direction: IODirection) -> T {
        get {
            switch direction {
            case .read: return read
            case .write: return write
            case .trim: return trim
            }
        }
        set {
            switch direction {
            case .read: read = newValue
            case .write: write = newValue
            case .trim: trim = newValue
            }
        }
    }
}
