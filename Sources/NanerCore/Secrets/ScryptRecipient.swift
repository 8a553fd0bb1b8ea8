import Crypto

/// A passphrase: the file key is wrapped under scrypt(passphrase, random salt).
/// age's own `age -p` writes work factor 18 (256 MiB, about a second); so does naner.
public struct ScryptRecipient: AgeRecipient {
    public static let defaultWorkFactor = 18
    private let passphrase: [UInt8]
    private let workFactor: Int

    public init(passphrase: String, workFactor: Int = ScryptRecipient.defaultWorkFactor) {
        self.passphrase = Array(passphrase.utf8)
        self.workFactor = workFactor
    }

    public var mustBeAlone: Bool { true }

    public func wrap(_ fileKey: [UInt8]) throws(AgeError) -> [AgeStanza] {
        // Never a file naner itself would refuse to open.
        guard (1...ScryptIdentity.maximumWorkFactor).contains(workFactor) else {
            throw .invalidKey("scrypt work factor \(workFactor) is outside 1...\(ScryptIdentity.maximumWorkFactor)")
        }
        var generator = SystemRandomNumberGenerator()
        let salt = (0..<16).map { _ in UInt8.random(in: 0...255, using: &generator) }
        let key = try ScryptIdentity.wrapKey(passphrase, salt: salt, workFactor: workFactor)
        return [AgeStanza(type: "scrypt", arguments: [String(decoding: AgeBase64.encode(salt), as: UTF8.self), String(workFactor)],
                          body: WrapKey.seal(fileKey, with: key))]
    }
}
