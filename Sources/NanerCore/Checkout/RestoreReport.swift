import FoundationEssentials
import GitKit

public struct RestoreReport: Sendable {
    public let plan: RestorePlan
    /// The safety point saved before anything was written (`pre-restore-…`).
    public let safetyPoint: String?
    /// The commit on `main` that records the restore, nil when nothing changed.
    public let commit: ObjectID?
}
