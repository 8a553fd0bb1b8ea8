import CLibgit2
import Glibc

/// A path both sides changed in ways the merge could not combine.
public struct MergeConflict: Sendable {
    public let path: String
    public let ancestor: MergeSide?
    public let ours: MergeSide?
    public let theirs: MergeSide?
}
