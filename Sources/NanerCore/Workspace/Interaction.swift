import Foundation

/// How the core reaches the person running it, besides its results: warnings as they
/// happen, and a passphrase when an archive needs one. Passed in (the CLI passes its
/// console), so no command depends on a global another part of the program set.
public protocol Interaction {
    /// A `warning:` line: something was done or left that the person should know.
    func warn(_ message: String)
    /// The passphrase for `archive`; `confirm` asks twice (a new archive). Never taken
    /// from the command line.
    func passphrase(for archive: String, confirm: Bool) throws -> String
}
