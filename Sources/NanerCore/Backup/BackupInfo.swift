import Foundation
import GitKit

/// One line of `naner backups`.
public struct BackupInfo: Sendable {
    public enum Kind: String, Sendable {
        case backup
        /// Saved by naner before a restore or merge overwrote local edits.
        case safety
    }

    public let name: String
    public let kind: Kind
    public let commit: ObjectID
    /// Seconds since the epoch and the offset, from the tag or the commit.
    public let time: Int64
    public let offsetMinutes: Int32
    public let message: String
    public let fileCount: Int
}
