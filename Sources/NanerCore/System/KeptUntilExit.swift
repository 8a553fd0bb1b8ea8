import Synchronization

/// What a command's results hold, left for the process's exit to return whole: released
/// at the end of a command, a 2,000-file scan's entries and paths were freed one object
/// at a time, a twentieth of a `naner diff`'s instructions. Only for what a command keeps
/// to its end anyway; nothing is ever taken out.
public enum KeptUntilExit {
    // Unchecked: the values are never read again, by any thread.
    private static let values = Mutex<[UnsafeSendable<Any>]>([])

    public static func keep(_ value: Any) {
        values.withLock { $0.append(UnsafeSendable(value: value)) }
    }
}
