/// Whom an age file is for: it wraps the file key into stanzas.
public protocol AgeRecipient: Sendable {
    func wrap(_ fileKey: [UInt8]) throws(AgeError) -> [AgeStanza]
    /// An scrypt recipient must be the only one (the age spec: a passphrase file
    /// must not be openable by anyone else without the passphrase being known).
    var mustBeAlone: Bool { get }
}
