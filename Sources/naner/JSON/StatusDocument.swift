import NanerCore

/// `naner status --json`.
struct StatusDocument: JSONDocument {
    let branch: String
    let clean: Bool
    let changes: [StatusChangeEntry]
    let refused: [PathReasonEntry]
    let skipped: [PathReasonEntry]
    let permissionsChanged: Bool
    /// Every managed file or folder whose permissions changed, old and new.
    let modeChanges: [ModeChangeEntry]
    /// As of the last sync; null before any.
    @NullWhenAbsent var upstream: UpstreamEntry?
    /// The files still holding conflict markers while a sync merge waits; null when none waits.
    @NullWhenAbsent var mergeConflicts: [String]?
    /// Secrets not laid out here yet, waiting for `naner secret unlock`.
    let waitingSecrets: [String]

    init(_ report: StatusReport) {
        let scan = report.scan
        branch = report.branch
        clean = scan.isClean
        changes = scan.changes.map(StatusChangeEntry.init)
        refused = scan.refused.map(PathReasonEntry.init)
        skipped = scan.skipped.map(PathReasonEntry.init)
        permissionsChanged = scan.permissionsChanged
        modeChanges = scan.modeChanges.map(ModeChangeEntry.init)
        upstream = report.upstream.map(UpstreamEntry.init)
        mergeConflicts = report.mergeConflicts
        waitingSecrets = report.scan.waitingSecrets
    }
}
