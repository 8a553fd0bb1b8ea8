import Foundation
import XCTest
@testable import NanerCore

/// Sealed backup archives: `NAME.zip.age` (age v1, scrypt), what `backup --encrypt`
/// writes now, and `NAME.zip.enc`, the format of earlier versions, still read.
final class EncryptedArchiveTests: XCTestCase {
    /// Gives one passphrase and counts how often it was asked.
    final class Typist: Interaction {
        let passphrase: String
        var asked = 0
        init(_ passphrase: String) { self.passphrase = passphrase }
        func warn(_ message: String) {}
        func detail(_ line: @autoclosure () -> String) {}
        func passphrase(for archive: String, confirm: Bool) throws -> String {
            asked += 1
            return passphrase
        }
    }

    private func scratch() throws -> String {
        let path = NSTemporaryDirectory() + "naner-sealed-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(atPath: path) }
        return path
    }

    private let manifest = BackupManifest(
        name: "sealed", date: "2026-12-05T10:00:00+01:00", host: "laptop", user: "me", tree: "/home/me",
        nanerVersion: "0.1.0", commit: String(repeating: "cd", count: 20), message: "", includedSSHKeys: true,
        itemsBackedUp: 2, skipped: [])
    private let entries: [ArchiveEntry] = [
        .file(".bashrc", Array("export EDITOR=vim\n".utf8)),
        .file(".ssh/id_ed25519", Array("-----BEGIN OPENSSH PRIVATE KEY-----\nxyz\n".utf8), mode: 0o600),
    ]

    func testBackupsAreSealedAsAgeFilesWithAPassphrase() throws {
        let folder = try scratch()
        let path = try BackupArchive.write(entries: entries, manifest: manifest, to: folder, name: "sealed", compress: true,
                                           passphrase: "correct horse")
        XCTAssertEqual(path, folder + "/sealed.zip.age")
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        let head = String(decoding: bytes.prefix(80), as: UTF8.self)
        XCTAssertTrue(head.hasPrefix("age-encryption.org/v1\n-> scrypt "), head)
        XCTAssertTrue(head.split(separator: "\n")[1].hasSuffix(" 18"), "age -p's work factor: \(head)")
        XCTAssertNil(bytes.firstRange(of: Array("OPENSSH".utf8)))
        XCTAssertEqual((try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int), 0o600)

        let typist = Typist("correct horse")
        let (readManifest, readEntries) = try BackupArchive.read(path, interaction: typist)
        XCTAssertEqual(typist.asked, 1)
        XCTAssertEqual(readManifest.name, "sealed")
        XCTAssertEqual(readEntries, entries.sorted { $0.path < $1.path })

        XCTAssertThrowsError(try BackupArchive.read(path, interaction: Typist("Correct horse"))) {
            XCTAssertEqual($0 as? NanerError, .wrongPassphrase(path))
        }
        // A changed salt (base64 from byte 32) is a wrong key; a changed byte of the
        // content is damage, said as such; so is a changed MAC.
        let mac = bytes.firstRange(of: Array("\n--- ".utf8))!.upperBound + 5
        for (position, expected) in [(40, NanerError.wrongPassphrase(path)),
                                     (bytes.count - 20, .archiveDamaged(path, reason: "its content was altered or cut short")),
                                     (mac, .archiveDamaged(path, reason: "its header was altered (the header MAC does not match)"))] {
            var damaged = bytes
            damaged[position] = damaged[position] == 0x41 ? 0x42 : 0x41
            try Data(damaged).write(to: URL(fileURLWithPath: path))
            XCTAssertThrowsError(try BackupArchive.read(path, interaction: typist), "byte \(position)") {
                XCTAssertEqual($0 as? NanerError, expected)
            }
        }
    }

    func testArchivesSealedByEarlierVersionsStillOpen() throws {
        let folder = try scratch()
        let zip = try BackupArchive.write(entries: entries, manifest: manifest, to: folder, name: "old", compress: true)
        let old = folder + "/old.zip.enc"
        let sealed = try EncryptedArchive.seal(try [UInt8](Data(contentsOf: URL(fileURLWithPath: zip))), passphrase: "pass")
        try Data(sealed).write(to: URL(fileURLWithPath: old))
        XCTAssertEqual(try BackupArchive.read(old, interaction: Typist("pass")).entries, entries.sorted { $0.path < $1.path })
        XCTAssertThrowsError(try BackupArchive.read(old, interaction: Typist("Pass"))) {
            XCTAssertEqual($0 as? NanerError, .wrongPassphrase(old))
        }
    }

    private let plain = Array("PK\u{3}\u{4} a zip with .ssh/config inside".utf8)

    func testRoundTripAndFreshSaltAndNonce() throws {
        let first = try EncryptedArchive.seal(plain, passphrase: "pass")
        let second = try EncryptedArchive.seal(plain, passphrase: "pass")
        XCTAssertNotEqual(first, second, "a new salt and nonce every time")
        XCTAssertEqual(try EncryptedArchive.open(first, passphrase: "pass"), plain)
        XCTAssertEqual(Array(first.prefix(13)), Array("NANERENC".utf8) + [1, 1, 16, 8, 1], "version 1, scrypt 2^16/8/1")
        XCTAssertEqual(first.count, 8 + 5 + 1 + 16 + 12 + plain.count + 16)
    }

    func testWrongPassphraseAndEveryFlippedByteAreRefused() throws {
        let sealed = try EncryptedArchive.seal(plain, passphrase: "pass")
        XCTAssertThrowsError(try EncryptedArchive.open(sealed, passphrase: "Pass"))
        // Header (authenticated), salt, nonce, ciphertext and tag (each try costs a key derivation).
        let salt = 14, nonce = 30, body = 42
        for position in [8, 9, 10, 11, 12, 13, salt, salt + 15, nonce, nonce + 11, body, body + plain.count / 2, sealed.count - 1] {
            var damaged = sealed
            damaged[position] ^= 0x40
            XCTAssertThrowsError(try EncryptedArchive.open(damaged, passphrase: "pass"), "byte \(position)")
        }
        for length in [0, 9, 20, 40] {
            XCTAssertThrowsError(try EncryptedArchive.open(Array(sealed.prefix(length)), passphrase: "pass"), "cut at \(length)")
        }
    }

    func testHostileCostsAreRefusedBeforeAnyWork() throws {
        var sealed = try EncryptedArchive.seal(plain, passphrase: "pass")
        sealed[10] = 40  // log2 N = 40: terabytes
        let started = Date()
        do {
            _ = try EncryptedArchive.open(sealed, passphrase: "pass")
            XCTFail("opened")
        } catch {
            guard case .malformed(let reason) = error else { return XCTFail("\(error)") }
            XCTAssertTrue(reason.contains("out of range"), reason)
        }
        XCTAssertLessThan(Date().timeIntervalSince(started), 1)
        sealed[10] = 16
        sealed[8] = 2
        XCTAssertThrowsError(try EncryptedArchive.open(sealed, passphrase: "pass"))
    }
}
