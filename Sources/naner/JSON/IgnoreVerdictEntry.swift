import NanerCore

/// One path's answer in `ignore check --json`.
struct IgnoreVerdictEntry: Encodable {
    let path: String
    let managed: Bool
    /// The deciding line; every path below the home has one, so it is left out only in theory.
    let rule: RuleEntry?

    init(_ verdict: IgnoreVerdict) {
        path = verdict.path
        managed = verdict.managed
        rule = verdict.rule.map(RuleEntry.init)
    }
}
