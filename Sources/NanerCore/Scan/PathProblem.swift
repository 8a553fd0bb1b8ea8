import GitKit

/// A path naner will not commit, and why.
public struct PathProblem: Sendable, Equatable {
    public let path: String
    public let reason: String
    /// Skipped only for its size: `naner add PATH` or `naner.maxFileSize` lets it in.
    public var isOverSizeLimit = false
    /// Listed in `.naner/secrets`: stored encrypted, never in plain form, so an include
    /// entry does not let it past the size limit (only `naner.maxFileSize` does).
    public var storedEncrypted = false
    /// Refused for holding a secret: the rule that found it (`naner secret allow --rule`).
    public var secretRule: String? = nil
}
