import Dispatch
import Glibc

/// The first error thrown on any worker thread.
final class ErrorSlot: @unchecked Sendable {
    private var mutex = pthread_mutex_t()
    private(set) var error: Error?

    init() { pthread_mutex_init(&mutex, nil) }
    deinit { pthread_mutex_destroy(&mutex) }

    func store(_ error: Error) {
        pthread_mutex_lock(&mutex)
        if self.error == nil { self.error = error }
        pthread_mutex_unlock(&mutex)
    }
}
