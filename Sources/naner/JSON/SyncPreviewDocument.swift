import NanerCore

/// `naner sync --dry-run --json`.
struct SyncPreviewDocument: JSONDocument {
    let remote: String
    /// Without a password.
    let url: String
    let remoteExists: Bool
    let toPush: [SyncCommitEntry]
    let toPull: [SyncCommitEntry]
    let filesHere: [SyncFileEntry]
    let filesThere: [SyncFileEntry]
    /// Uncommitted changes here, which a sync does not carry.
    let uncommitted: Int

    init(_ preview: SyncPlan) {
        remote = preview.remote.name
        url = preview.remote.displayURL
        remoteExists = preview.remoteExists
        toPush = preview.ahead.map(SyncCommitEntry.init)
        toPull = preview.behind.map(SyncCommitEntry.init)
        filesHere = preview.incoming.map(SyncFileEntry.init)
        filesThere = preview.outgoing.map(SyncFileEntry.init)
        uncommitted = preview.uncommitted
    }
}
