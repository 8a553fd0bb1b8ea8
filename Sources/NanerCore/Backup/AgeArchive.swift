/// A backup archive sealed with a passphrase, as `backup --encrypt` writes it
/// now: the zip as an age v1 file (`NAME.zip.age`) with one scrypt
/// stanza, work factor 18 like `age -p`, so `age -d NAME.zip.age > NAME.zip`
/// opens it without naner. Archives of the earlier format (`NAME.zip.enc`,
/// `EncryptedArchive`) are still read.
public enum AgeArchive {
    public static let fileExtension = ".zip.age"

    static func seal(_ zip: [UInt8], passphrase: String) throws -> [UInt8] {
        try AgeFile.encrypt(zip, to: [ScryptRecipient(passphrase: passphrase)])
    }

    /// The zip inside; a wrong passphrase and damage are told apart, and nothing is returned in part.
    static func open(_ sealed: [UInt8], passphrase: String, path: String) throws -> [UInt8] {
        do {
            return try AgeFile.decrypt(sealed, with: [ScryptIdentity(passphrase: passphrase)], file: path)
        } catch {
            switch error {
            case .noMatch: throw NanerError.wrongPassphrase(path)
            case .damaged(_, let damage): throw NanerError.archiveDamaged(path, reason: damage.reason)
            case .tooCostly(_, let workFactor, let limit):
                throw NanerError.archiveDamaged(path, reason: "it asks for scrypt work factor \(workFactor), above the limit of \(limit)")
            case .cannotRead(_, let reason): throw NanerError.cannotRead(path, reason: reason)
            case .invalidKey(let reason), .cannotWrite(_, let reason): throw NanerError.cannotRead(path, reason: reason)
            }
        }
    }
}
