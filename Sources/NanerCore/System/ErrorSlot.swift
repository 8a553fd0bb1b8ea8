import Synchronization

/// The first error thrown on any worker thread.
final class ErrorSlot: Sendable {
    private let first = Mutex<Error?>(nil)

    var error: Error? { first.withLock { $0 } }

    func store(_ error: Error) {
        first.withLock { if $0 == nil { $0 = error } }
    }
}
