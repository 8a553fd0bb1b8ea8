import FoundationEssentials
import GitKit

/// What a push did.
public struct PushOutcome: Sendable {
    /// nil when `main` was already there.
    public let main: ObjectID?
    public let tags: [String]
    public let createdFolder: Bool
    /// Backup tags pruned here that the push deleted there (names).
    public var deletedTags: [String] = []
}
