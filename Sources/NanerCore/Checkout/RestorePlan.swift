import GitKit

/// What a restore will do, decided before anything is touched. `--dry-run`
/// prints it, `--json` prints it as data, a real run executes it.
public struct RestorePlan: Sendable {
    public struct Action: Sendable {
        public enum Kind: String, Sendable {
            /// Write the backup's version (the file is missing or differs).
            case restore
            /// Delete the file: managed now, absent in the backup.
            case remove
        }

        /// What a person is told, in the guide's words.
        public enum Verb: String, Sendable, CaseIterable {
            case restore, overwrite, remove

            public var pastTense: String {
                switch self {
                case .restore: return "restored"
                case .overwrite: return "overwrote"
                case .remove: return "removed"
                }
            }
        }

        public let path: String
        public let kind: Kind
        /// What `.restore` writes there (nil for `.remove`): the executor never looks it up again.
        let file: RestoreTarget.File?
        /// The local file has uncommitted edits that this action would lose
        /// (they go to the safety point first with `--force`).
        public let conflict: Bool
        /// Only the permissions differ.
        public let modeOnly: Bool

        public var verb: Verb {
            switch (kind, conflict) {
            case (.restore, false): return .restore
            case (.restore, true): return .overwrite
            case (.remove, _): return .remove
            }
        }
    }

    /// What is restored, as the user named it (`pre-v2.0-update`, `HEAD~2`, an archive path).
    public let source: String
    public let actions: [Action]
    /// Files of the backup (within the selection) that are already as it has them.
    public let unchangedCount: Int
    /// Paths already as the backup has them but not yet committed so: what an
    /// interrupted restore had written. The rerun records them.
    public let alreadyRestored: [String]

    public var conflicts: [Action] { actions.filter(\.conflict) }
    public var isEmpty: Bool { actions.isEmpty }
    /// Every path the restore commit records.
    public var recordedPaths: [String] { actions.map(\.path) + alreadyRestored }

    /// Paths the plan may not write, each with why (a folder on the way is a link
    /// leading out of the home; the target holds what `TreeGate` refuses): a run, a
    /// dry run included, stops on the first, before writing anything.
    public var refusals: [Refusal] = []

    public func count(_ verb: Action.Verb) -> Int { actions.filter { $0.verb == verb }.count }

    public struct Refusal: Sendable {
        public enum Reason: Sendable, Equatable {
            /// A folder on the way is a link, leading to `target` outside the home.
            case escapingLink(link: String, target: String)
            /// The target itself holds what naner never writes.
            case refused(TreeProblem.Reason)
        }

        public let path: String
        public let reason: Reason
        /// The target as the user named it, and its commit.
        let source: String
        let commit: ObjectID?

        init(path: String, link: String, target: String) {
            self.path = path
            reason = .escapingLink(link: link, target: target)
            source = ""
            commit = nil
        }

        init(_ problem: TreeProblem, source: String, commit: ObjectID?) {
            path = problem.path
            reason = .refused(problem.reason)
            self.source = source
            self.commit = commit
        }

        var error: any NanerFailure {
            switch reason {
            case .escapingLink(let link, let target):
                return NanerError.unsafeTreePath(path, through: link, target: target)
            case .refused(let reason):
                return RefusedTarget(source: source, commit: commit?.short, problem: TreeProblem(path: path, reason: reason))
            }
        }
    }
}
