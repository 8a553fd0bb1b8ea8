import CNanerThreads
import Glibc
import Synchronization

/// Joinable threads. A process must not exit while one of them runs, or is still
/// ending: exit tears down libgit2's and the runtime's globals while the thread's own
/// clean-up (its libgit2 thread state) uses them. A detached thread cannot be waited
/// for to its very end, a joined one can.
enum BackgroundThreads {
    private static let running = Mutex<[pthread_t]>([])
    /// Threads whose work only reads (opening the repository): at exit they are not
    /// waited for; the process ends with `_exit`, which tears nothing down under them.
    private static let abandonable = Mutex<[pthread_t]>([])

    private final class Work {
        let body: () -> Void
        init(_ body: @escaping () -> Void) { self.body = body }
    }

    struct Handle { fileprivate let thread: pthread_t? }

    static func start(abandonable mayAbandon: Bool = false, _ body: @escaping () -> Void) -> Handle {
        let context = Unmanaged.passRetained(Work(body)).toOpaque()
        var thread = pthread_t()
        let rc = naner_thread_create_elsewhere(&thread, { context in
            let work = Unmanaged<Work>.fromOpaque(context!).takeRetainedValue()
            work.body()
            return nil
        }, context)
        guard rc == 0 else {
            // No thread to be had: do the work here and now.
            Unmanaged<Work>.fromOpaque(context).takeRetainedValue().body()
            return Handle(thread: nil)
        }
        if mayAbandon { abandonable.withLock { $0.append(thread) } } else { running.withLock { $0.append(thread) } }
        return Handle(thread: thread)
    }

    /// Waits until the thread has ended; its work is then done and visible.
    static func join(_ handle: Handle) {
        guard let thread = handle.thread else { return }
        func take(_ list: inout [pthread_t]) -> Bool {
            guard let index = list.firstIndex(where: { pthread_equal($0, thread) != 0 }) else { return false }
            list.remove(at: index)
            return true
        }
        let wasRunning = running.withLock { take(&$0) } || abandonable.withLock { take(&$0) }
        if wasRunning { pthread_join(thread, nil) }
    }

    /// Whether an abandonable thread was never joined: the process must then end with `_exit`.
    static var abandonedAny: Bool { abandonable.withLock { !$0.isEmpty } }

    /// Waits until every thread started here has ended, but the abandonable ones.
    static func joinAll() {
        let threads = running.withLock { running in
            defer { running.removeAll() }
            return running
        }
        for thread in threads { pthread_join(thread, nil) }
    }
}
