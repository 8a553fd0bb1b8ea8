import FoundationEssentials
import GitKit

/// One line of `naner log`.
public struct LogEntry: Sendable {
    public let commit: CommitInfo
    /// Backups (tags) that point at this commit.
    public let backups: [String]
    /// Safety points saved on top of this commit (uncommitted edits a restore, merge or
    /// init was about to overwrite).
    public var safetyPoints: [String] = []
}
