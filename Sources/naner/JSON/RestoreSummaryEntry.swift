import NanerCore

/// How many files a restore plan restores, overwrites, removes and leaves alone.
struct RestoreSummaryEntry: Encodable {
    let restore: Int
    let overwrite: Int
    let remove: Int
    let unchanged: Int

    init(_ plan: RestorePlan) {
        restore = plan.count(.restore)
        overwrite = plan.count(.overwrite)
        remove = plan.count(.remove)
        unchanged = plan.unchangedCount
    }
}
