import GitKit
import NanerCore

/// `naner restore SOURCE --json`: the plan, and after a real run what it made.
struct RestoreDocument: JSONDocument {
    let source: String
    let actions: [RestoreActionEntry]
    let summary: RestoreSummaryEntry
    /// Left out on a dry run and when nothing needed saving.
    let safetyPoint: String?
    /// The restore's commit on main; left out on a dry run and when nothing changed.
    let commit: String?

    init(_ report: RestoreReport) {
        source = report.plan.source
        actions = report.plan.actions.map(RestoreActionEntry.init)
        summary = RestoreSummaryEntry(report.plan)
        safetyPoint = report.safetyPoint
        commit = report.commit?.hex
    }
}
