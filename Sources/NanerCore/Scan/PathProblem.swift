import GitKit

/// A path naner will not commit, and why.
public struct PathProblem: Sendable, Equatable {
    public let path: String
    public let reason: String
}
