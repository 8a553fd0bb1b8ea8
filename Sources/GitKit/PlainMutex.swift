import Glibc

/// A pthread mutex in storage of its own, so its address never moves (Swift does not
/// promise a stored property's address is stable, and `&property` may pass a copy).
/// Used where a holder may keep it for milliseconds (libgit2's start-up, writing a
/// pack): `Synchronization.Mutex` waits in a priority-inheritance futex, on which this
/// kernel spins a CPU while the owner runs.
final class PlainMutex: @unchecked Sendable {  // Unchecked: the pthread mutex is what makes it safe.
    private let storage = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)

    init() {
        storage.initialize(to: pthread_mutex_t())
        pthread_mutex_init(storage, nil)
    }

    deinit {
        pthread_mutex_destroy(storage)
        storage.deinitialize(count: 1)
        storage.deallocate()
    }

    func withLock<Result>(_ body: () throws -> Result) rethrows -> Result {
        pthread_mutex_lock(storage)
        defer { pthread_mutex_unlock(storage) }
        return try body()
    }
}
