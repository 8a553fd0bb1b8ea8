/// Moves a value the compiler cannot prove thread-safe into a concurrent section.
/// Sound only where each use says why: every access is disjoint (each lane writes its own
/// slots) or guarded by a lock, and the section ends before the value is used again.
struct UnsafeSendable<Value>: @unchecked Sendable {
    let value: Value
}
