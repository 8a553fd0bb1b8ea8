import NanerCore

/// The line that decides whether a path is managed (`status --json`, `ignore check --json`).
struct RuleEntry: Encodable {
    let file: String
    /// 0 for a rule no line of the file holds (a path not in the include list).
    let line: Int
    let pattern: String

    init(_ rule: RuleOrigin) {
        file = rule.file
        line = rule.line
        pattern = rule.text
    }
}
