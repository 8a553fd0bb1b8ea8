import Foundation
import GitKit

/// What `--dry-run` shows: both sides' commits and files, nothing changed.
public struct SyncPreview: Sendable {
    public let remote: SyncRemote
    public let remoteExists: Bool
    public let ahead: [CommitInfo]
    public let behind: [CommitInfo]
    /// Files the pull would change here, and files the push would change there.
    public let incoming: [TreeChange]
    public let outgoing: [TreeChange]
    public let uncommitted: Int
}
