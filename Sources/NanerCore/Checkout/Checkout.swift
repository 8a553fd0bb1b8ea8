import FoundationEssentials
import GitKit

/// The one engine every write to the home goes through: a restore (of a backup, a
/// commit or an archive), `init --from`, a pull and its merge, `sync --abort`, and the
/// journal that finishes an interrupted pull. Each builds a plan first (typed actions
/// that carry what they write, refusals included), then `run` checks the plan's
/// refusals, saves a safety point when asked, writes the files, and the caller moves
/// the index along with `updateIndex` or `resetIndex`.
struct Checkout {
    let workspace: Workspace

    /// What to save before writing: the tree as it is now, uncommitted edits included.
    struct SafetyPoint {
        let reason: String
        let prefix: String
        let now: Date
        /// The tree the safety point starts from when not HEAD's (`.some(nil)`: none).
        var base: ObjectID?? = .none
        /// Its parents when not HEAD.
        var parents: [ObjectID]? = nil
    }

    var locations: Locations { workspace.locations }
    var repository: Repository { get throws { try workspace.repository } }
    var interaction: Interaction { workspace.interaction }

    /// Carries the plan out: nothing is written when it holds a refusal; the safety
    /// point (when given) is saved before the first write. Returns its name.
    @discardableResult
    func run(_ plan: RestorePlan, from target: RestoreTarget, scan: ScanResult, saving safetyPoint: SafetyPoint?) throws -> String? {
        if let refusal = plan.refusals.first { throw refusal.error }
        guard !plan.isEmpty else { return nil }
        let saved = try safetyPoint.map { try save($0, scan: scan) }
        try write(plan, from: target)
        return saved
    }
}

extension Workspace {
    var checkout: Checkout { Checkout(workspace: self) }
}
