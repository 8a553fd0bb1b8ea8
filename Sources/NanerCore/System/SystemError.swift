import FoundationEssentials
import Glibc

/// A failed system call, with errno as it was right after the call. The one place
/// errno becomes words: callers branch on the typed cases, messages quote `reason`.
struct SystemError: Error, Equatable, CustomStringConvertible {
    let call: String
    let code: Int32
    /// Set for failures that are not an errno (a folder where a file was expected).
    private var fixedReason: String?

    init(call: String, code: Int32) {
        self.call = call
        self.code = code
    }

    init(call: String, reason: String) {
        self.call = call
        self.code = 0
        fixedReason = reason
    }

    /// The error the last failed call on this thread left in errno.
    static func last(_ call: String) -> SystemError { SystemError(call: call, code: errno) }

    /// errno's text, as `ls` or `cp` would print it: `Permission denied`.
    var reason: String { fixedReason ?? String(cString: strerror(code)) }
    var description: String { reason }

    var isNotFound: Bool { code == ENOENT }
    var isNotFolder: Bool { code == ENOTDIR }
    var isExisting: Bool { code == EEXIST }
    var isInterrupted: Bool { code == EINTR }
    var wouldBlock: Bool { code == EWOULDBLOCK || code == EAGAIN }

    /// An error some library reported through POSIX codes (Foundation, ZIPFoundation), in errno's words.
    static func describe(_ error: Error) -> String {
        if let posix = error as? POSIXError { return SystemError(call: "", code: posix.code.rawValue).reason }
        return String(describing: error)
    }
}
