import _CryptoExtras
import Crypto

/// A passphrase that opens an `scrypt` stanza.
///
/// The stanza names scrypt's work factor (log2 N, with r = 8 and p = 1), so a
/// file decides how much memory and time opening it takes: 128 × 8 × 2^N bytes.
/// naner refuses above `maximumWorkFactor` = 20 (1 GiB, a few seconds) before any
/// work; `age -p` and naner write 18. The reference implementations cap at 22
/// (4 GiB); naner stays lower because it runs beside other work on small machines.
public struct ScryptIdentity: AgeIdentity {
    public static let maximumWorkFactor = 20
    static let label = Array("age-encryption.org/v1/scrypt".utf8)
    private let passphrase: [UInt8]
    private let maximumWorkFactor: Int

    public init(passphrase: String, maximumWorkFactor: Int = ScryptIdentity.maximumWorkFactor) {
        self.passphrase = Array(passphrase.utf8)
        self.maximumWorkFactor = maximumWorkFactor
    }

    public func unwrap(_ stanzas: [AgeStanza]) throws(AgeError) -> [UInt8]? {
        for stanza in stanzas where stanza.type == "scrypt" {
            func malformed(_ reason: String) -> AgeError { .damaged("", .header("has an scrypt stanza " + reason)) }
            guard stanzas.count == 1 else { throw .damaged("", .header("has an scrypt stanza beside other stanzas")) }
            guard stanza.arguments.count == 2 else { throw malformed("with \(stanza.arguments.count) arguments instead of 2") }
            guard let salt = AgeBase64.decode(stanza.arguments[0].utf8), salt.count == 16 else {
                throw malformed("whose salt is not 16 bytes of canonical base64")
            }
            let text = Array(stanza.arguments[1].utf8)
            // Decimal, no sign, no leading zero: one spelling for each work factor.
            guard (1...2).contains(text.count), text.allSatisfy({ (0x30...0x39).contains($0) }), text[0] != 0x30,
                  let workFactor = Int(stanza.arguments[1]) else {
                throw malformed("whose work factor '\(stanza.arguments[1].prefix(20))' is not a decimal number from 1")
            }
            guard workFactor <= maximumWorkFactor else {
                throw .tooCostly("", workFactor: workFactor, limit: maximumWorkFactor)
            }
            guard stanza.body.count == WrapKey.bodySize else { throw malformed("whose body is not a wrapped 16-byte file key") }
            let key = try ScryptIdentity.wrapKey(passphrase, salt: salt, workFactor: workFactor)
            if let fileKey = WrapKey.open(stanza.body, with: key) { return fileKey }
        }
        return nil
    }

    static func wrapKey(_ passphrase: [UInt8], salt: [UInt8], workFactor: Int) throws(AgeError) -> SymmetricKey {
        do {
            return try KDF.Scrypt.deriveKey(from: passphrase, salt: label + salt, outputByteCount: 32,
                                            rounds: 1 << workFactor, blockSize: 8, parallelism: 1)
        } catch {
            throw .cannotRead("", reason: "scrypt failed at work factor \(workFactor): \(error)")
        }
    }
}
