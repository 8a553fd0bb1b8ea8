import FoundationEssentials

/// Nobody to ask: warnings and details are dropped, a passphrase comes only from `NANER_PASSPHRASE`.
public struct Unattended: Interaction {
    public init() {}

    public func warn(_ message: String) {}

    public func detail(_ line: @autoclosure () -> String) {}

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
