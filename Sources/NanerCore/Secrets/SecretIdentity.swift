import FoundationEssentials

/// The configuration's one age identity, for the secrets that travel encrypted
/// (DESIGN.md, "Secrets that travel"). Two copies:
///
/// - machine-local, `REPO/naner-identity.txt`, mode 0600: the repository folder is
///   private and never part of the managed set, and git never sends a file of the
///   git dir anywhere. Written as `age-keygen` writes an identity file, so
///   `age -d -i REPO/naner-identity.txt` opens any secret naner stored.
/// - in the tree, `.naner/identity.age` (tracked, committed like `.naner/modes`):
///   that same text as an age file with one scrypt recipient, the passphrase, so a
///   new machine needs only the passphrase (`age -d .naner/identity.age` too).
public struct SecretIdentity: Sendable {
    /// The wrapped copy, relative to the home.
    public static let wrappedPath = ".naner/identity.age"
    /// The machine-local identity file, inside the repository folder.
    public static let localFileName = "naner-identity.txt"

    public let identity: X25519Identity
    public var recipient: X25519Recipient { identity.recipient }

    public init(_ identity: X25519Identity) { self.identity = identity }

    /// The identity file's text, as `age-keygen` writes it.
    func fileText(created: Date) -> String {
        // age-keygen writes UTC with a Z: `2026-11-25T20:40:00Z`.
        let utc = CivilTime(Int64(created.timeIntervalSince1970.rounded(.down)), offsetSeconds: 0)
        let stamp = String(utc.iso8601.dropLast(6)) + "Z"
        return "# created: \(stamp)\n# public key: \(recipient.encoded)\n\(identity.encoded)\n"
    }

    /// Parses an identity file: exactly one X25519 identity.
    static func parse(_ text: String, file: String) throws -> SecretIdentity {
        let identities: [X25519Identity]
        do {
            identities = try X25519Identity.parseFile(text)
        } catch {
            throw NanerError.identityUnreadable(file, reason: "it holds a line that is not an age identity")
        }
        guard identities.count == 1 else {
            throw NanerError.identityUnreadable(file, reason: "it holds \(identities.count) identities instead of 1")
        }
        return SecretIdentity(identities[0])
    }

    /// The text wrapped under `passphrase` (scrypt, age -p's work factor).
    func wrapped(passphrase: String, created: Date) throws -> [UInt8] {
        try AgeFile.encrypt(Array(fileText(created: created).utf8), to: [ScryptRecipient(passphrase: passphrase)])
    }

    /// The identity inside a wrapped copy. `file` names it in errors.
    static func unwrap(_ bytes: [UInt8], passphrase: String, file: String) throws -> (SecretIdentity, text: [UInt8]) {
        let text: [UInt8]
        do {
            text = try AgeFile.decrypt(bytes, with: [ScryptIdentity(passphrase: passphrase)], file: file)
        } catch {
            if case .noMatch = error { throw NanerError.wrongIdentityPassphrase(file) }
            throw NanerError.identityUnreadable(file, reason: error.description)
        }
        return (try parse(String(decoding: text, as: UTF8.self), file: file), text)
    }
}
