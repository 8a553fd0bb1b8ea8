import Foundation
import XCTest
@testable import NanerCore

/// The sealed archive format: round trip, and every kind of damage refused.
final class EncryptedArchiveTests: XCTestCase {
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
