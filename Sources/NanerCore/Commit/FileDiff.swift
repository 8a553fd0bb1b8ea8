import FoundationEssentials
import GitKit

/// What `naner diff` shows for one path.
public struct FileDiff: Sendable {
    public let path: String
    /// nil when only the path's permissions changed.
    public let change: FileChange?
    /// Its permissions, old and new, when they changed.
    public let modeChange: ModeChange?
    /// The unified diff, with git's `old mode`/`new mode` lines for a mode change; empty
    /// for paths that only stop being tracked.
    public let patch: String
    /// A secret stored encrypted: its content is never printed, old or new.
    public let isSecret: Bool

    init(change: FileChange?, modeChange: ModeChange? = nil, patch: String, isSecret: Bool = false) {
        path = change?.path ?? modeChange?.path ?? ""
        self.change = change
        self.modeChange = modeChange
        self.patch = patch
        self.isSecret = isSecret
    }
}
