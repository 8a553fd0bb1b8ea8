import FoundationEssentials
import GitKit

/// What `naner backups prune` does, decided before anything is removed: one decision per
/// backup and safety point, newest first, each with its reason. `--dry-run` prints it;
/// a real run removes exactly the decisions that say so.
public struct PrunePlan: Sendable {
    public struct Decision: Sendable {
        public enum Verdict: Sendable, Equatable {
            /// A rule keeps it: `["daily 1", "weekly 1"]`.
            case kept(rules: [String])
            /// A named backup (not `naner-backup-…`): pruned only with `--include-named`.
            case named
            /// Made on another machine (its manifest's host).
            case otherHost(String)
            /// No manifest says where it was made (a tag made by hand or by git).
            case noManifest
            /// A safety point younger than `naner.safetyPointMaxAge` days.
            case youngSafetyPoint(days: Int, limit: Int)
            /// No rule keeps it.
            case unkept
            /// A safety point older than `naner.safetyPointMaxAge` days.
            case oldSafetyPoint(days: Int, limit: Int)
        }

        public let backup: BackupInfo
        public let verdict: Verdict
        /// The full reference (`refs/tags/NAME`, `refs/naner/safety/NAME`) and the object it
        /// names now: removed only if it still names that.
        let reference: String
        let target: ObjectID

        public var removes: Bool {
            switch verdict {
            case .unkept, .oldSafetyPoint: return true
            default: return false
            }
        }

        /// Why it goes or stays, in words.
        public var reason: String {
            switch verdict {
            case .kept(let rules): return "kept by " + rules.joined(separator: ", ")
            case .named: return "a named backup (--include-named prunes it too)"
            case .otherHost(let host): return "made on '\(host)'"
            case .noManifest: return "no manifest says which machine made it"
            case .youngSafetyPoint(let days, let limit):
                return "a safety point, \(PrunePlan.days(days)) old (kept \(limit) days: naner.safetyPointMaxAge)"
            case .unkept: return "no rule keeps it"
            case .oldSafetyPoint(let days, let limit):
                return "a safety point, \(PrunePlan.days(days)) old (older than \(limit) days: naner.safetyPointMaxAge)"
            }
        }
    }

    public let policy: RetentionPolicy
    public let decisions: [Decision]

    public var removals: [Decision] { decisions.filter(\.removes) }
    public var kept: [Decision] { decisions.filter { !$0.removes } }

    static func days(_ count: Int) -> String { count == 1 ? "1 day" : "\(count) days" }
}

/// What a real prune did.
public struct PruneReport: Sendable {
    public let plan: PrunePlan
    /// Names removed, in the plan's order.
    public let removed: [String]
    /// Remotes whose copies of the removed tags go at their next sync.
    public let remotes: [String]
}
