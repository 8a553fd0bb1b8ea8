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
    /// leading out of the home): a real run stops on the first, before writing anything.
    public var refusals: [Refusal] = []

    public func count(_ verb: Action.Verb) -> Int { actions.filter { $0.verb == verb }.count }

    public struct Refusal: Sendable {
        public let path: String
        /// The folder on the way that is a link, and where it leads.
        public let link: String
        public let target: String

        var error: NanerError { .unsafeTreePath(path, through: link, target: target) }
    }
}
