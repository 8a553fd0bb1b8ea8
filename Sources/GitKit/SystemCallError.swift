import CLibgit2
import Glibc

/// A failed system call: which one, and `errno`'s text.
struct SystemCallError: Error, CustomStringConvertible {
    let function: String
    let code: Int32

    var reason: String { String(cString: strerror(code)) }
    var description: String { "\(function): \(reason)" }
}
