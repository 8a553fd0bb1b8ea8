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

/// Nobody to ask: warnings are dropped, a passphrase comes only from `NANER_PASSPHRASE`.
public struct Unattended: Interaction {
    public init() {}

    public func warn(_ message: String) {}

    public func passphrase(for archive: String, confirm: Bool) throws -> String {
        try Unattended.environmentPassphrase(for: archive)
    }

    /// `NANER_PASSPHRASE`, the one place a script gives a passphrase.
    public static func environmentPassphrase(for archive: String) throws -> String {
        guard let given = ProcessInfo.processInfo.environment["NANER_PASSPHRASE"], !given.isEmpty else {
            throw NanerError.passphraseNeeded(archive)
        }
        return given
    }
}
