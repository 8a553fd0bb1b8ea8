import FoundationEssentials
import GitKit

/// Machine-local (`REPO/naner-secrets`, mode 0600, never sent anywhere): for each secret
/// file, the git hash of the plaintext last stored or laid out and the ciphertext blob
/// that holds it. A scan that must read a secret file (its stat data changed) hashes it
/// and compares: the same plaintext keeps its ciphertext blob, so history does not grow
/// on every commit and nothing is ever decrypted to notice an edit.
struct SecretRecord: Sendable, Equatable {
    static let fileName = "naner-secrets"

    struct Entry: Sendable, Equatable {
        let plain: ObjectID
        let cipher: ObjectID
    }

    private(set) var entries: [String: Entry] = [:]
    /// Secrets a restore or a pull could not decrypt (no identity on this machine yet): the
    /// ciphertext the index names, not laid out. A scan leaves them alone (never a deletion,
    /// never an edit); `naner secret unlock` lays them out.
    var waiting: [String: ObjectID] = [:]

    init() {}

    init(text: String) {
        self.init(bytes: Array(text.utf8))
    }

    /// Read as bytes, not Characters: every status with secrets reads it.
    init(bytes: [UInt8]) {
        for line in bytes.split(separator: 0x0A) where line.first != UInt8(ascii: "#") {
            let parts = line.split(separator: 0x20, maxSplits: 2, omittingEmptySubsequences: false)
            guard parts.count == 3 else { continue }
            func text(_ part: ArraySlice<UInt8>) -> String { String(decoding: part, as: UTF8.self) }
            if parts[0].elementsEqual("waiting".utf8) {
                if let cipher = ObjectID(hex: text(parts[1])) { waiting[ModeTable.unquote(text(parts[2]))] = cipher }
                continue
            }
            guard let plain = ObjectID(hex: text(parts[0])), let cipher = ObjectID(hex: text(parts[1])) else { continue }
            entries[ModeTable.unquote(text(parts[2]))] = Entry(plain: plain, cipher: cipher)
        }
    }

    static func load(repository: String) -> SecretRecord {
        (try? FileReader.read(repository + "/" + fileName)).map { SecretRecord(bytes: $0) } ?? SecretRecord()
    }

    /// The ciphertext stored for exactly this plaintext of `path`, if any.
    func cipher(for path: String, plain: ObjectID) -> ObjectID? {
        guard let entry = entries[path], entry.plain == plain else { return nil }
        return entry.cipher
    }

    mutating func set(_ path: String, plain: ObjectID, cipher: ObjectID) { entries[path] = Entry(plain: plain, cipher: cipher) }
    mutating func remove(_ path: String) {
        entries[path] = nil
        waiting[path] = nil
    }

    var text: String {
        var text = "# naner: each secret's plaintext hash and its ciphertext blob; machine-local.\n"
        for path in entries.keys.sorted() {
            let entry = entries[path]!
            text += "\(entry.plain.hex) \(entry.cipher.hex) \(ModeTable.quote(path))\n"
        }
        for path in waiting.keys.sorted() { text += "waiting \(waiting[path]!.hex) \(ModeTable.quote(path))\n" }
        return text
    }

    /// Written beside itself and renamed into place, mode 0600.
    func save(repository: String) throws {
        do {
            try AtomicFile.write(Array(text.utf8), to: repository + "/" + SecretRecord.fileName, mode: 0o600)
        } catch let error as NanerError {
            throw error
        } catch {
            throw NanerError.cannotWrite(SecretRecord.fileName, reason: "\(error)")
        }
    }
}
