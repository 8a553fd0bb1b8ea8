import Dispatch
import GitKit

/// What the walking lane found: the remembered walk when it is current, else its
/// walker. Set on that lane, read after joining it.
// Unchecked: one lane writes it, and the scan reads it only after joining that lane.
final class Walking: @unchecked Sendable {
    var current: WalkCache?
    var walker: TreeWalker?
    /// The rules compiled into a stack, once a walk or a check needed them.
    var stack: IgnoreStack?
    /// Some folder listed again can be trusted from now on: the walk is worth saving.
    var settledNewly = false
    /// The remembered walk the walker started from.
    var remembered: WalkCache?
    /// Folders listed from the disk and folders whose remembered listing served (`-v`).
    var listed = 0
    var reused = 0

    /// The remembered walk with the walker's folders, when the folders it listed again
    /// hold what they held (the home's root rewritten by a shell, say) and the walk was
    /// remembered for this index: its result against the index still holds.
    var unchangedWalk: WalkCache? {
        guard var remembered, remembered.matchesIndex, let walker, walker.listedEveryFolder, !walker.changedListing else {
            return nil
        }
        remembered.folders = walker.folders
        return remembered
    }
}
