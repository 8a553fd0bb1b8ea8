/// An error naner explains itself: one line, hints, an exit code. Each area keeps
/// its own enum (`NanerError`, `SyncError`); the CLI prints them all the same way.
public protocol NanerFailure: Error, Sendable {
    var message: String { get }
    var hints: [String] { get }
    var exitCode: Int32 { get }
}

extension NanerError {
    public var exitCode: Int32 {
        if case .conflicts = self { return NanerExit.conflict }
        return NanerExit.failure
    }
}
