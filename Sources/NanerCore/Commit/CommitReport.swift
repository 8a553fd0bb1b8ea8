import FoundationEssentials
import GitKit

/// What `naner commit` did.
public struct CommitReport: Sendable {
    /// nil when nothing changed and no commit was made.
    public let commit: ObjectID?
    public let fileCount: Int
    public let scan: ScanResult
}
