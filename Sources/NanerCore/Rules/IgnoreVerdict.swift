import FoundationEssentials

/// The answer of `naner ignore check` for one path.
public struct IgnoreVerdict: Sendable {
    /// A folder on the way to the path that is a symbolic link: naner, like git, stores the
    /// link itself and never what lies below it.
    public struct Link: Sendable, Equatable {
        /// The link, relative to the home.
        public let path: String
        /// What it points to, as written in the link.
        public let target: String
        /// Whether the link itself is managed (stored as a link).
        public let stored: Bool
    }

    public let path: String
    public let managed: Bool
    /// The rule that decided, nil when no rule matched (which never happens for a
    /// path below the home: `/*` matches everything not included). For a path below
    /// a link, the rule that decides the link.
    public let rule: RuleOrigin?
    /// The link the path lies below, when one does: the path is then never managed.
    public var link: Link? = nil
}
