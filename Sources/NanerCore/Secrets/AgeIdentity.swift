/// What can open an age file: it finds the file key in the stanzas meant for it.
public protocol AgeIdentity: Sendable {
    /// The 16-byte file key from the first stanza this identity opens; nil when
    /// none is for it. Throws for a stanza of its type that is malformed (always
    /// fatal, as the age spec asks) or, for scrypt, too costly to try.
    func unwrap(_ stanzas: [AgeStanza]) throws(AgeError) -> [UInt8]?
}
