import GitKit

/// One managed path whose state differs from the last commit.
public struct FileChange: Sendable, Equatable {
    public enum Kind: String, Sendable {
        case added = "new"
        case modified
        case deleted
        /// Tracked, but the rules now exclude it: the next commit stops tracking it (the file stays).
        case excluded
    }

    public let path: String
    public let kind: Kind
    /// For `.excluded`: the rule that excludes it.
    public let rule: RuleOrigin?
}
