import Foundation
import GitKit

/// Joinable threads. A process must not exit while one of them runs, or is still
/// ending: exit tears down libgit2's and the runtime's globals while the thread's own
/// clean-up (its libgit2 thread state) uses them. A detached thread cannot be waited
/// for to its very end, a joined one can.
enum BackgroundThreads {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var running: [pthread_t] = []

    private final class Work {
        let body: () -> Void
        init(_ body: @escaping () -> Void) { self.body = body }
    }

    struct Handle { fileprivate let thread: pthread_t? }

    static func start(_ body: @escaping () -> Void) -> Handle {
        let context = Unmanaged.passRetained(Work(body)).toOpaque()
        var thread = pthread_t()
        let rc = pthread_create(&thread, nil, { context in
            let work = Unmanaged<Work>.fromOpaque(context!).takeRetainedValue()
            work.body()
            return nil
        }, context)
        guard rc == 0 else {
            // No thread to be had: do the work here and now.
            Unmanaged<Work>.fromOpaque(context).takeRetainedValue().body()
            return Handle(thread: nil)
        }
        lock.lock()
        running.append(thread)
        lock.unlock()
        return Handle(thread: thread)
    }

    /// Waits until the thread has ended; its work is then done and visible.
    static func join(_ handle: Handle) {
        guard let thread = handle.thread else { return }
        lock.lock()
        let index = running.firstIndex { pthread_equal($0, thread) != 0 }
        if let index { running.remove(at: index) }
        lock.unlock()
        if index != nil { pthread_join(thread, nil) }
    }

    /// Waits until every thread started here has ended.
    static func joinAll() {
        lock.lock()
        let threads = running
        running.removeAll()
        lock.unlock()
        for thread in threads { pthread_join(thread, nil) }
    }
}
