import FoundationEssentials
import GitKit

public struct BackupReport: Sendable {
    public let name: String
    public let commit: ObjectID
    /// The commit made first for pending changes, if any.
    public let committed: CommitReport
    public let manifest: BackupManifest
    public let archive: String?
}
