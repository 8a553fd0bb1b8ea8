import Crypto

/// The ChaCha20-Poly1305 wrapping of a 16-byte file key in a stanza body, under a
/// key used once (so the nonce is zero).
enum WrapKey {
    static let fileKeySize = 16
    static let bodySize = fileKeySize + 16

    static func seal(_ fileKey: [UInt8], with key: SymmetricKey) -> [UInt8] {
        let box = try! ChaChaPoly.seal(fileKey, using: key, nonce: ChaChaPoly.Nonce(data: [UInt8](repeating: 0, count: 12)))
        return Array(box.ciphertext) + Array(box.tag)
    }

    /// nil when the tag does not match (another recipient's stanza, a wrong passphrase).
    static func open(_ body: [UInt8], with key: SymmetricKey) -> [UInt8]? {
        guard body.count == bodySize,
              let box = try? ChaChaPoly.SealedBox(nonce: ChaChaPoly.Nonce(data: [UInt8](repeating: 0, count: 12)),
                                                  ciphertext: body.prefix(fileKeySize), tag: body.suffix(16)),
              let key = try? ChaChaPoly.open(box, using: key) else { return nil }
        return Array(key)
    }
}
