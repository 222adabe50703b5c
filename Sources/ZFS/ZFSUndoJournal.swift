import Targets

extension ZFSUndoAction {
    /// The undo journal's kind for ZFS changes (stored as the Codable `ZFSUndoAction` itself).
    public static let journalKind = "zfs"

    public var journalAction: UndoAction {
        get throws { try UndoAction.custom(kind: Self.journalKind, record: self) }
    }
}

extension UndoHandlers {
    /// The built-in handlers plus ZFS's: what `diobench cleanup` uses.
    public static var withZFS: UndoHandlers {
        var handlers = UndoHandlers.builtIn
        handlers.register(kind: ZFSUndoAction.journalKind) { action in
            let change = try action.decodeRecord(as: ZFSUndoAction.self)
            try change.undo()
            return .undone(change.description)
        }
        return handlers
    }
}
