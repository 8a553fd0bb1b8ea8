import Crypto
import _CryptoExtras
import FoundationEssentials

/// The sealed backup archives of earlier versions (`NAME.zip.enc`), still read by
/// `restore`; `backup --encrypt` now writes age files (`AgeArchive`). `seal`
/// stays for the tests that prove old archives keep restoring.
///
/// A backup archive sealed with a passphrase: the zip's bytes, encrypted with
/// AES-256-GCM under a key that scrypt derives from the passphrase and a random
/// salt. Format version 1, all integers one byte:
///
///     "NANERENC"          8 bytes, magic
///     version             1
///     kdf                 1 = scrypt
///     log2 N, r, p        scrypt's cost parameters (16, 8, 1 when written)
///     salt length, salt   16 random bytes
///     nonce               12 random bytes
///     ciphertext, tag     AES-256-GCM of the zip, 16-byte tag at the end
///
/// Everything before the ciphertext is authenticated as associated data, so a
/// changed parameter fails like a wrong passphrase: nothing is written then.
public enum EncryptedArchive {
    static let magic = Array("NANERENC".utf8)
    /// `NAME.zip.enc`: what it holds, then how.
    public static let fileExtension = ".zip.enc"
    static let version: UInt8 = 1
    static let scryptID: UInt8 = 1
    /// scrypt with N = 2^16, r = 8, p = 1: 64 MiB and about a quarter of a second to try one passphrase.
    static let defaultCost = (log2N: UInt8(16), r: UInt8(8), p: UInt8(1))

    public static func isEncrypted(_ bytes: [UInt8]) -> Bool { bytes.starts(with: magic) }

    static func seal(_ plaintext: [UInt8], passphrase: String) throws -> [UInt8] {
        var header = magic + [version, scryptID, defaultCost.log2N, defaultCost.r, defaultCost.p]
        let salt = randomBytes(16)
        header += [UInt8(salt.count)] + salt
        let key = try deriveKey(passphrase, salt: salt, log2N: defaultCost.log2N, r: defaultCost.r, p: defaultCost.p)
        let nonce = AES.GCM.Nonce()
        let box = try AES.GCM.seal(plaintext, using: key, nonce: nonce, authenticating: header)
        return header + Array(nonce) + Array(box.ciphertext) + Array(box.tag)
    }

    enum Failure: Error {
        case malformed(String)
        case wrongPassphrase
    }

    static func open(_ sealed: [UInt8], passphrase: String) throws(Failure) -> [UInt8] {
        var position = magic.count
        func byte() throws(Failure) -> UInt8 {
            guard position < sealed.count else { throw .malformed("it ends inside its header") }
            defer { position += 1 }
            return sealed[position]
        }
        guard try byte() == version else { throw .malformed("it was written by a newer naner (format \(sealed[position - 1]))") }
        guard try byte() == scryptID else { throw .malformed("unknown key derivation \(sealed[position - 1])") }
        let log2N = try byte(), r = try byte(), p = try byte()
        // Bounds keep a hostile header from asking for terabytes: at most 1 GiB of scrypt memory.
        guard (10...20).contains(log2N), (1...16).contains(r), (1...4).contains(p), Int(r) << Int(log2N) <= 1 << 23 else {
            throw .malformed("its key derivation costs are out of range")
        }
        let saltCount = Int(try byte())
        guard saltCount >= 8, position + saltCount + 12 + 16 <= sealed.count else { throw .malformed("it is too short") }
        let salt = Array(sealed[position..<position + saltCount])
        position += saltCount
        let header = Array(sealed[..<position])
        let nonceBytes = sealed[position..<position + 12]
        let body = sealed[(position + 12)...]
        do {
            let key = try deriveKey(passphrase, salt: salt, log2N: log2N, r: r, p: p)
            let box = try AES.GCM.SealedBox(nonce: AES.GCM.Nonce(data: nonceBytes), ciphertext: body.dropLast(16), tag: body.suffix(16))
            return Array(try AES.GCM.open(box, using: key, authenticating: header))
        } catch {
            throw .wrongPassphrase
        }
    }

    private static func deriveKey(_ passphrase: String, salt: [UInt8], log2N: UInt8, r: UInt8, p: UInt8) throws -> SymmetricKey {
        try KDF.Scrypt.deriveKey(from: Array(passphrase.utf8), salt: salt, outputByteCount: 32,
                                 rounds: 1 << Int(log2N), blockSize: Int(r), parallelism: Int(p))
    }

    private static func randomBytes(_ count: Int) -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        return (0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) }
    }
}
