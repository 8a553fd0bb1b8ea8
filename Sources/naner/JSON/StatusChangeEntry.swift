import NanerCore

/// One of `status --json`'s `changes`.
struct StatusChangeEntry: Encodable {
    let path: String
    /// `modified`, `new`, `deleted` or `excluded`.
    let status: String
    /// The `.syncignore` line that now excludes the path; left out for other changes.
    let rule: RuleEntry?

    init(_ change: FileChange) {
        path = change.path
        status = change.kind.rawValue
        rule = change.rule.map(RuleEntry.init)
    }
}
