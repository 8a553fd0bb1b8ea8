import CLibgit2
import Glibc

/// The result of merging two commits in memory.
public struct MergeOutcome {
    /// The merged tree with every conflicting path replaced by `resolutions`.
    public let tree: ObjectID
    public let conflicts: [MergeConflict]
}
