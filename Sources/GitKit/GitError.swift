import CLibgit2

/// A failed libgit2 call: which function, its return code, and libgit2's own message.
public struct GitError: Error, CustomStringConvertible, Sendable {
    public let function: String
    public let code: Int32
    public let message: String
    /// libgit2's error class (`GIT_ERROR_NET`, `GIT_ERROR_HTTP`, …); 0 when it set none.
    public var errorClass: Int32 = 0

    public var description: String { "\(function): \(message)" }

    /// libgit2's return codes that callers branch on.
    public var isNotFound: Bool { code == GIT_ENOTFOUND.rawValue }
    public var isExists: Bool { code == GIT_EEXISTS.rawValue }
    public var isLocked: Bool { code == GIT_ELOCKED.rawValue }
}

/// Turns a libgit2 return code into a thrown `GitError`, reading `git_error_last()`
/// right away because libgit2 keeps it per thread and may overwrite it on the next call.
func check(_ rc: Int32, _ function: String) throws {
    guard rc < 0 else { return }
    var message = "failed with code \(rc)"
    var errorClass: Int32 = 0
    if let last = git_error_last(), let text = last.pointee.message {
        message = String(cString: text).trimmingTrailingNewlines()
        errorClass = last.pointee.klass
    }
    throw GitError(function: function, code: rc, message: message, errorClass: errorClass)
}

extension String {
    func trimmingTrailingNewlines() -> String {
        var text = self
        while text.last == "\n" || text.last == "\r" { text.removeLast() }
        return text
    }
}
