import CLibgit2

/// A failed libgit2 call: which function, libgit2's own message, and what kind of
/// failure it was. libgit2's numbers stay inside GitKit; callers branch on `kind`.
public struct GitError: Error, CustomStringConvertible, Sendable {
    public let function: String
    /// libgit2's return code (`GIT_ENOTFOUND`, …), or -1 for a failure GitKit raises itself.
    let code: Int32
    public let message: String
    /// libgit2's error class (`GIT_ERROR_NET`, `GIT_ERROR_HTTP`, …); 0 when it set none.
    var errorClass: Int32 = 0

    public var description: String { "\(function): \(message)" }

    /// What went wrong, as far as a caller can act on it.
    public enum Kind: Sendable, Equatable {
        /// The object, reference, remote or path asked for does not exist.
        case notFound
        /// Something with that name exists already (a reference, a tag).
        case exists
        /// The remote refused a reference update that is not a fast-forward.
        case nonFastForward
        /// Another process holds the lock file.
        case locked
        /// The server refused every credential, or wanted some and none were offered.
        case auth
        /// The server's TLS certificate was not accepted.
        case certificate
        /// A merge or checkout stopped on conflicting changes.
        case conflict
        /// A name, refspec or input libgit2 does not accept.
        case invalid
        /// No connection: name resolution, connect or TLS failed.
        case network
        /// Anything else: `message` says what.
        case other
    }

    /// The kind, from libgit2's return code first and, for its generic -1, its error class.
    public var kind: Kind {
        switch code {
        case GIT_ENOTFOUND.rawValue: return .notFound
        case GIT_EEXISTS.rawValue: return .exists
        case GIT_ENONFASTFORWARD.rawValue: return .nonFastForward
        case GIT_ELOCKED.rawValue: return .locked
        case GIT_EAUTH.rawValue: return .auth
        case GIT_ECERTIFICATE.rawValue: return .certificate
        case GIT_ECONFLICT.rawValue, GIT_EMERGECONFLICT.rawValue, GIT_EUNMERGED.rawValue: return .conflict
        case GIT_EINVALIDSPEC.rawValue, GIT_EINVALID.rawValue: return .invalid
        default: return isUnreachable ? .network : .other
        }
    }
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
