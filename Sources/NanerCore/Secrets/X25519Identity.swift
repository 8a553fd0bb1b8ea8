import FoundationEssentials
import Crypto

/// An `AGE-SECRET-KEY-1…` private key: opens `X25519` stanzas made for its recipient.
/// `@unchecked`: the key is an immutable value, which swift-crypto 4 marks Sendable and 3 does not
/// (a clone resolves either, as Package.swift allows both).
public struct X25519Identity: AgeIdentity, @unchecked Sendable {
    static let prefix = "age-secret-key-"
    private let privateKey: Curve25519.KeyAgreement.PrivateKey

    /// A new random identity.
    public init() { privateKey = Curve25519.KeyAgreement.PrivateKey() }

    /// Parses `AGE-SECRET-KEY-1…` (upper case, as age-keygen writes it). The
    /// message never quotes the text: it may be a secret key with a typo.
    public init(parsing text: String) throws(AgeError) {
        guard let (prefix, data) = Bech32.decode(text), prefix == X25519Identity.prefix, data.count == 32,
              text == text.uppercased(), let key = try? Curve25519.KeyAgreement.PrivateKey(rawRepresentation: data) else {
            throw .invalidKey("not an age identity (AGE-SECRET-KEY-1…)")
        }
        privateKey = key
    }

    /// Every identity in an identity file as age-keygen writes it: one
    /// `AGE-SECRET-KEY-1…` a line; empty lines and `#` comments are skipped.
    public static func parseFile(_ text: String) throws(AgeError) -> [X25519Identity] {
        var identities: [X25519Identity] = []
        for line in text.split(whereSeparator: \.isNewline) {
            let trimmed = line.trimmingSpaces()
            if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
            identities.append(try X25519Identity(parsing: trimmed))
        }
        return identities
    }

    /// `AGE-SECRET-KEY-1…`: a secret, to write only into a 0600 file or an age file.
    public var encoded: String {
        Bech32.encode(prefix: X25519Identity.prefix, data: Array(privateKey.rawRepresentation), uppercased: true)
    }

    public var recipient: X25519Recipient { X25519Recipient(publicKey: Array(privateKey.publicKey.rawRepresentation)) }

    public func unwrap(_ stanzas: [AgeStanza]) throws(AgeError) -> [UInt8]? {
        let ownKey = Array(privateKey.publicKey.rawRepresentation)
        for stanza in stanzas where stanza.type == "X25519" {
            func malformed(_ reason: String) -> AgeError { .damaged("", .header("has an X25519 stanza " + reason)) }
            guard stanza.arguments.count == 1 else { throw malformed("with \(stanza.arguments.count) arguments instead of 1") }
            guard let share = AgeBase64.decode(stanza.arguments[0].utf8), share.count == 32 else {
                throw malformed("whose share is not 32 bytes of canonical base64")
            }
            guard stanza.body.count == WrapKey.bodySize else { throw malformed("whose body is not a wrapped 16-byte file key") }
            let secret: [UInt8]
            if let theirs = try? Curve25519.KeyAgreement.PublicKey(rawRepresentation: share),
               let shared = try? privateKey.sharedSecretFromKeyAgreement(with: theirs) {
                secret = shared.withUnsafeBytes { Array($0) }
            } else {
                secret = [UInt8](repeating: 0, count: 32)
            }
            guard secret.contains(where: { $0 != 0 }) else { throw malformed("whose share is a low-order point") }
            let key = X25519Recipient.wrapKey(secret: secret, share: share, recipient: ownKey)
            if let fileKey = WrapKey.open(stanza.body, with: key) { return fileKey }
        }
        return nil
    }
}
