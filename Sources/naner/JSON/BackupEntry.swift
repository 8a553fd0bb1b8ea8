import GitKit
import NanerCore

/// A backup or safety point in `backups --json`.
struct BackupEntry: Encodable {
    let name: String
    /// `backup` or `safety`.
    let kind: String
    let commit: String
    /// ISO 8601 with the offset.
    let date: String
    let message: String
    let files: Int

    init(_ backup: BackupInfo) {
        name = backup.name
        kind = backup.kind.rawValue
        commit = backup.commit.hex
        date = Naner.Log.isoDate(time: backup.time, offsetMinutes: backup.offsetMinutes)
        message = backup.message
        files = backup.fileCount
    }
}
