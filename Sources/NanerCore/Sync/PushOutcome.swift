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
    /// With variants: the layer branches pushed besides `main` (`class/work`, `host/laptop`).
    public var layers: [String] = []
}
