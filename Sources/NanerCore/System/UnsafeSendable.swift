import Dispatch
import Glibc

/// Moves a value the compiler cannot prove thread-safe into a concurrent section
/// whose accesses are disjoint or lock-protected by construction.
struct UnsafeSendable<Value>: @unchecked Sendable {
    let value: Value
}
