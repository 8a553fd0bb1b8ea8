import Crypto

/// An `age1…` public key: the file key is wrapped for it with an ephemeral X25519 share.
public struct X25519Recipient: AgeRecipient, Equatable {
    static let prefix = "age"
    static let label = Array("age-encryption.org/v1/X25519".utf8)
    let publicKey: [UInt8]

    init(publicKey: [UInt8]) { self.publicKey = publicKey }

    /// Parses `age1…`; the message quotes the text (a public key is no secret).
    public init(parsing text: String) throws(AgeError) {
        guard let (prefix, data) = Bech32.decode(text), prefix == X25519Recipient.prefix, data.count == 32,
              text == text.lowercased() else {
            throw .invalidKey("'\(text)' is not an age recipient (age1…)")
        }
        publicKey = data
    }

    /// `age1…`.
    public var encoded: String { Bech32.encode(prefix: X25519Recipient.prefix, data: publicKey) }

    public var mustBeAlone: Bool { false }

    public func wrap(_ fileKey: [UInt8]) throws(AgeError) -> [AgeStanza] {
        let ephemeral = Curve25519.KeyAgreement.PrivateKey()
        let share = Array(ephemeral.publicKey.rawRepresentation)
        guard let recipientKey = try? Curve25519.KeyAgreement.PublicKey(rawRepresentation: publicKey),
              let shared = try? ephemeral.sharedSecretFromKeyAgreement(with: recipientKey) else {
            throw .invalidKey("'\(encoded)' is not a usable X25519 public key")
        }
        let secret = shared.withUnsafeBytes { Array($0) }
        guard secret.contains(where: { $0 != 0 }) else { throw .invalidKey("'\(encoded)' is a low-order X25519 point") }
        let key = X25519Recipient.wrapKey(secret: secret, share: share, recipient: publicKey)
        return [AgeStanza(type: "X25519", arguments: [String(decoding: AgeBase64.encode(share), as: UTF8.self)],
                          body: WrapKey.seal(fileKey, with: key))]
    }

    static func wrapKey(secret: [UInt8], share: [UInt8], recipient: [UInt8]) -> SymmetricKey {
        HKDF<SHA256>.deriveKey(inputKeyMaterial: SymmetricKey(data: secret), salt: share + recipient,
                               info: label, outputByteCount: 32)
    }
}
