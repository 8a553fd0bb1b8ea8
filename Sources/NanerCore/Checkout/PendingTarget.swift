import FoundationEssentials
import GitKit

/// A restore target resolved on another thread; `target()` waits for it, then the
/// target's repository handle belongs to the caller's thread.
// Unchecked: the resolving thread writes `result` once; `target()` reads it after joining that thread.
final class PendingTarget: @unchecked Sendable {
    var thread: BackgroundThreads.Handle?
    var result: RestoreTarget?

    func target() -> RestoreTarget? {
        if let thread { BackgroundThreads.join(thread) }
        thread = nil
        return result
    }
}
