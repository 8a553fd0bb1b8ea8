import NanerCore

/// One of `status --json`'s `modeChanges`: a path whose permissions changed, old and new.
struct ModeChangeEntry: Encodable {
    /// Relative to the home; a folder's ends with `/`.
    let path: String
    /// Octal, four digits: `0600`.
    let old: String
    let new: String

    init(_ change: ModeChange) {
        path = change.path
        old = ModeChange.octal(change.old)
        new = ModeChange.octal(change.new)
    }
}
