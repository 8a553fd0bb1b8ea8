import NanerCore

/// `naner backups --json`: a list, newest first.
struct BackupsDocument: JSONDocument {
    let backups: [BackupEntry]

    init(_ backups: [BackupInfo]) {
        self.backups = backups.map(BackupEntry.init)
    }

    /// The document is the list itself, not an object holding it.
    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(backups)
    }
}
