import Foundation
import GitKit

/// What `naner diff` shows for one path.
public struct FileDiff: Sendable {
    public let change: FileChange
    /// The unified diff; empty for paths that only stop being tracked.
    public let patch: String
}
