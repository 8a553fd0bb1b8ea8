import GitKit
import Glibc

/// A point in time as the index stores it.
struct Timestamp: Comparable, Sendable {
    let seconds: Int
    let nanoseconds: Int

    static func < (lhs: Timestamp, rhs: Timestamp) -> Bool {
        (lhs.seconds, lhs.nanoseconds) < (rhs.seconds, rhs.nanoseconds)
    }

    /// The modification time of a file, or nil when it does not exist.
    static func modification(of path: String) -> Timestamp? {
        var status = stat()
        guard stat(path, &status) == 0 else { return nil }
        return Timestamp(seconds: status.st_mtim.tv_sec, nanoseconds: status.st_mtim.tv_nsec)
    }
}
