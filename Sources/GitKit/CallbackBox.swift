/// Context handed to a libgit2 callback through its `payload` pointer with
/// `Unmanaged.passUnretained`: the caller keeps the box alive for the whole call,
/// and a callback that throws stores the error here to be rethrown after libgit2 returns.
final class CallbackBox<Value> {
    var value: Value
    var error: Error?

    init(_ value: Value) { self.value = value }
}
