import FoundationEssentials
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
    /// The machine that made it, from a backup's manifest; nil for safety points and tags
    /// without one.
    public var host: String? = nil
    /// The object its reference names: the annotated tag, or a safety point's commit.
    public var target: ObjectID? = nil

    /// Named by `naner backup` itself (`naner-backup-…`), not by a person.
    public var isAutomatic: Bool { kind == .backup && name.hasPrefix(BackupName.automaticPrefix + "-") }
}
