import Crypto
import Synchronization

/// age v1 (age-encryption.org/v1) files: what the stock `age` and `rage` tools
/// read and write. A random 16-byte file key is wrapped once per recipient in
/// the header, the header is authenticated with HMAC-SHA-256 under a key HKDF
/// derives from the file key, and the payload follows as a 16-byte nonce and
/// STREAM chunks (see `AgeStream`). Both directions stream: memory holds at most
/// the header and two chunks, whatever the size of the file.
public enum AgeFile {
    private static let opened = Atomic<Int>(0)

    /// How many age files this process has decrypted (their file key unwrapped and the
    /// header's MAC checked): `-v` says it, so "status never decrypts" is something a user,
    /// and a test, can see.
    public static var decryptedCount: Int { opened.load(ordering: .relaxed) }

    /// How `decrypt` treats ASCII armor.
    public enum Armor: Sendable {
        /// Armor when the file opens with whitespace and `-----BEGIN`.
        case detect
        /// Armor required.
        case required
        /// Binary only.
        case refused
    }

    /// Encrypts all of `source` for `recipients`, handing the age file to `sink` piece by piece.
    public static func encrypt(from source: any AgeSource, to recipients: [any AgeRecipient],
                               into sink: ([UInt8]) throws(AgeError) -> Void) throws(AgeError) {
        guard !recipients.isEmpty else { throw .invalidKey("an age file needs at least one recipient") }
        guard recipients.count == 1 || !recipients.contains(where: \.mustBeAlone) else {
            throw .invalidKey("a passphrase must be an age file's only recipient")
        }
        var generator = SystemRandomNumberGenerator()
        let fileKeyBytes = (0..<WrapKey.fileKeySize).map { _ in UInt8.random(in: 0...255, using: &generator) }
        var stanzas: [AgeStanza] = []
        for recipient in recipients { stanzas += try recipient.wrap(fileKeyBytes) }
        let fileKey = SymmetricKey(data: fileKeyBytes)
        let nonce = (0..<AgeStream.nonceSize).map { _ in UInt8.random(in: 0...255, using: &generator) }
        try sink(AgeHeader.encode(stanzas, fileKey: fileKey) + nonce)
        var stream = AgeStream(fileKey: fileKey, nonce: nonce)
        var reader = ByteReader(source)
        try stream.encrypt(&reader, into: sink)
    }

    /// Decrypts `source` with the first of `identities` that opens it, handing the
    /// plaintext to `sink` one authenticated chunk at a time. `file` names it in
    /// errors. Nothing reaches `sink` before the header and its MAC check out; a
    /// chunk that fails stops everything after it, so a caller that must not keep
    /// a partial result writes to a temporary file and renames it on success.
    public static func decrypt(from source: any AgeSource, with identities: [any AgeIdentity], file: String,
                               armor: Armor = .detect, into sink: ([UInt8]) throws(AgeError) -> Void) throws(AgeError) {
        do throws(AgeError) {
            var reader = ByteReader(source)
            let armored: Bool
            switch armor {
            case .detect: armored = AgeArmorSource.looksArmored(try reader.peek(1024))
            case .required: armored = true
            case .refused: armored = false
            }
            if armored { reader = ByteReader(AgeArmorSource(reader)) }
            let header = try AgeHeader.read(from: &reader)
            if header.stanzas.contains(where: { $0.type == "scrypt" }) && header.stanzas.count > 1 {
                throw AgeError.damaged("", .header("has an scrypt stanza beside other stanzas"))
            }
            var fileKeyBytes: [UInt8]?
            for identity in identities {
                fileKeyBytes = try identity.unwrap(header.stanzas)
                if fileKeyBytes != nil { break }
            }
            guard let fileKeyBytes else { throw AgeError.noMatch("") }
            let fileKey = SymmetricKey(data: fileKeyBytes)
            guard header.macMatches(fileKey: fileKey) else { throw AgeError.damaged("", .headerMAC) }
            opened.add(1, ordering: .relaxed)
            let nonce = try reader.read(upTo: AgeStream.nonceSize)
            guard nonce.count == AgeStream.nonceSize else {
                throw AgeError.damaged("", .header("is not followed by the payload's 16-byte nonce"))
            }
            var stream = AgeStream(fileKey: fileKey, nonce: nonce)
            try stream.decrypt(&reader, into: sink)
        } catch {
            throw error.about(file)
        }
    }

    /// All of `bytes` encrypted for `recipients`, in memory.
    public static func encrypt(_ bytes: [UInt8], to recipients: [any AgeRecipient]) throws(AgeError) -> [UInt8] {
        var result: [UInt8] = []
        try encrypt(from: AgeBytesSource(bytes), to: recipients) { result += $0 }
        return result
    }

    /// All of the age file `bytes` decrypted, in memory.
    public static func decrypt(_ bytes: [UInt8], with identities: [any AgeIdentity], file: String) throws(AgeError) -> [UInt8] {
        var result: [UInt8] = []
        try decrypt(from: AgeBytesSource(bytes), with: identities, file: file) { result += $0 }
        return result
    }

    /// True when `head` (a file's first bytes) is an age file, binary or armored.
    public static func isAgeFile(_ head: [UInt8]) -> Bool {
        head.starts(with: AgeHeader.versionLine + [0x0A]) || head.drop(while: AgeArmorSource.whitespace.contains)
            .starts(with: AgeArmorSource.begin)
    }
}
