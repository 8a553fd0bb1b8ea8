import Glibc
import Synchronization

/// Joinable threads. A process must not exit while one of them runs, or is still
/// ending: exit tears down libgit2's and the runtime's globals while the thread's own
/// clean-up (its libgit2 thread state) uses them. A detached thread cannot be waited
/// for to its very end, a joined one can.
enum BackgroundThreads {
    private static let running = Mutex<[pthread_t]>([])

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
        running.withLock { $0.append(thread) }
        return Handle(thread: thread)
    }

    /// Waits until the thread has ended; its work is then done and visible.
    static func join(_ handle: Handle) {
        guard let thread = handle.thread else { return }
        let wasRunning = running.withLock { running in
            guard let index = running.firstIndex(where: { pthread_equal($0, thread) != 0 }) else { return false }
            running.remove(at: index)
            return true
        }
        if wasRunning { pthread_join(thread, nil) }
    }

    /// Waits until every thread started here has ended.
    static func joinAll() {
        let threads = running.withLock { running in
            defer { running.removeAll() }
            return running
        }
        for thread in threads { pthread_join(thread, nil) }
    }
}
