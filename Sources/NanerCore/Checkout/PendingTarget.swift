import Foundation
import GitKit

/// A restore target resolved on another thread; `target()` waits for it, then the
/// target's repository handle belongs to the caller's thread.
final class PendingTarget: @unchecked Sendable {
    var thread: BackgroundThreads.Handle?
    var result: RestoreTarget?

    func target() -> RestoreTarget? {
        if let thread { BackgroundThreads.join(thread) }
        thread = nil
        return result
    }
}
