/// A file with uncommitted edits that a restore would lose, and how.
public struct ConflictingFile: Sendable, Equatable {
    public let path: String
    /// The restore would remove it (the target lacks it); otherwise it would overwrite it.
    public let removed: Bool

    init(_ action: RestorePlan.Action) {
        path = action.path
        removed = action.kind == .remove
    }
}
