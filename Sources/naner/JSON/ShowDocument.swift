import GitKit
import NanerCore

/// `naner show NAME --json`.
struct ShowDocument: JSONDocument {
    let name: String
    /// `backup` or `safety`.
    let kind: String
    let commit: String
    /// ISO 8601 with the offset.
    let date: String
    let message: String
    let files: [ShowFileEntry]
    /// The tag's `BACKUP-MANIFEST.json` fields; null for a safety point, which has none.
    @NullWhenAbsent var manifest: BackupManifest?

    init(_ details: BackupDetails) {
        let info = details.info
        name = info.name
        kind = info.kind.rawValue
        commit = info.commit.hex
        date = Naner.Log.isoDate(time: info.time, offsetMinutes: info.offsetMinutes)
        message = info.message
        files = details.files.map(ShowFileEntry.init)
        manifest = details.manifest
    }
}
