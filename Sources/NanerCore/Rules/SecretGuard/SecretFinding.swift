/// What the secret guard found in some bytes: which rule matched, and the words a
/// message uses for it ("an OpenAI API key").
public struct SecretFinding: Equatable, Hashable, Sendable, CustomStringConvertible {
    /// The rule's id (`openai-api-key`): what `naner secret allow --rule` takes.
    public let rule: String
    /// What was found, with its article: "a GitLab token".
    public let kind: String

    init(_ rule: SecretRule, kind: String? = nil) {
        self.rule = rule.id
        self.kind = kind ?? rule.kind
    }

    /// "an OpenAI API key (rule openai-api-key)": what a refusal says after "contains".
    public var description: String { "\(kind) (rule \(rule))" }
}
