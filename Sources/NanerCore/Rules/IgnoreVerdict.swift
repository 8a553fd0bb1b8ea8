import Foundation

/// The answer of `naner ignore check` for one path.
public struct IgnoreVerdict: Sendable {
    public let path: String
    public let managed: Bool
    /// The rule that decided, nil when no rule matched (which never happens for a
    /// path below the home: `/*` matches everything not included).
    public let rule: RuleOrigin?
}
