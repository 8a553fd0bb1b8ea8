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

        public let path: String
        public let kind: Kind
        /// The local file has uncommitted edits that this action would lose
        /// (they go to the safety point first with `--force`).
        public let conflict: Bool
        /// Only the permissions differ.
        public let modeOnly: Bool

        /// The guide's words: `restore`, `overwrite`, `remove`.
        public var verb: String {
            switch (kind, conflict) {
            case (.restore, false): return "restore"
            case (.restore, true): return "overwrite"
            case (.remove, _): return "remove"
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

    public func count(_ verb: String) -> Int { actions.filter { $0.verb == verb }.count }
}
