import FoundationEssentials

/// How the core reaches the person running it, besides its results: warnings as they
/// happen, the facts behind them for `-v`, and a passphrase when an archive needs one. Passed in (the CLI passes its
/// console), so no command depends on a global another part of the program set.
public protocol Interaction {
    /// A `warning:` line: something was done or left that the person should know.
    func warn(_ message: String)
    /// A fact behind the report, shown only with `-v` (the rule files read, folders listed and
    /// reused, each ref moved, remote URLs without passwords, time per phase); the line is
    /// built only when it is shown.
    func detail(_ line: @autoclosure () -> String)
    /// The passphrase for `archive`; `confirm` asks twice (a new archive). Never taken
    /// from the command line.
    func passphrase(for archive: String, confirm: Bool) throws -> String
}
