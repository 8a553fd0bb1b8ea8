import NanerCore

/// One path's answer in `ignore check --json`.
struct IgnoreVerdictEntry: Encodable {
    /// A folder on the way that is a link: only the link is ever stored.
    struct LinkEntry: Encodable {
        let path: String
        let target: String
        /// Whether the link itself is managed.
        let stored: Bool
    }

    let path: String
    let managed: Bool
    /// The deciding line; every path below the home has one, so it is left out only in theory.
    /// For a path below a link, the line that decides the link.
    let rule: RuleEntry?
    /// Present only for a path below a link.
    let link: LinkEntry?

    init(_ verdict: IgnoreVerdict) {
        path = verdict.path
        managed = verdict.managed
        rule = verdict.rule.map(RuleEntry.init)
        link = verdict.link.map { LinkEntry(path: $0.path, target: $0.target, stored: $0.stored) }
    }
}
