import Crypto
import Foundation
import XCTest
@testable import NanerCore

/// naner's age files against Debian's `age` 1.1.1 (`make deps` installs it), both
/// ways, byte for byte, at the sizes where STREAM's chunking can go wrong.
final class AgeInteropTests: XCTestCase {
    static let sizes = [0, 1, 64 * 1024 - 1, 64 * 1024, 64 * 1024 + 1, 10 * 1024 * 1024]
    static let onTerminal = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("tools/on-terminal").path
    private var folder = ""

    override func setUpWithError() throws {
        // Not skipped when missing: `make deps` installs it, and interop is the point.
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/age") else {
            throw NSError(domain: "AgeInteropTests", code: 1, userInfo: [NSLocalizedDescriptionKey: "age is not installed: run make deps"])
        }
        folder = NSTemporaryDirectory() + "naner-age-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    }

    override func tearDown() { try? FileManager.default.removeItem(atPath: folder) }

    struct Run {
        let status: Int32
        let output: String
    }

    /// Runs a real program; output and errors through a file, so nothing can block.
    @discardableResult
    func run(_ arguments: [String], environment: [String: String] = [:]) throws -> Run {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: arguments[0])
        process.arguments = Array(arguments.dropFirst())
        process.environment = ["PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"].merging(environment) { $1 }
        let log = folder + "/log-\(UUID().uuidString)"
        FileManager.default.createFile(atPath: log, contents: nil)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        process.standardOutput = handle
        process.standardError = handle
        process.standardInput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        try handle.close()
        return Run(status: process.terminationStatus, output: (try? String(contentsOfFile: log, encoding: .utf8)) ?? "")
    }

    /// Bytes that differ from chunk to chunk, so a dropped or swapped chunk shows.
    static func content(_ size: Int) -> [UInt8] {
        var state: UInt64 = 0x9E3779B97F4A7C15 &* UInt64(size + 1)
        return (0..<size).map { _ in
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return UInt8(truncatingIfNeeded: state >> 33)
        }
    }

    func write(_ name: String, _ bytes: [UInt8]) throws -> String {
        let path = folder + "/" + name
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    func read(_ path: String) throws -> [UInt8] { [UInt8](try Data(contentsOf: URL(fileURLWithPath: path))) }

    /// What `age -d -o PATH` wrote: age creates the file at its first byte, so none for an empty plaintext.
    func written(_ path: String, size: Int) throws -> [UInt8] {
        size == 0 && !FileManager.default.fileExists(atPath: path) ? [] : try read(path)
    }

    func testIdentitiesAndRecipientsAgreeWithAgeKeygen() throws {
        let keyFile = folder + "/key.txt"
        XCTAssertEqual(try run(["/usr/bin/age-keygen", "-o", keyFile]).status, 0)
        let identities = try X25519Identity.parseFile(String(contentsOfFile: keyFile, encoding: .utf8))
        XCTAssertEqual(identities.count, 1)
        let theirs = try run(["/usr/bin/age-keygen", "-y", keyFile]).output.trimmingCharacters(in: .whitespacesAndNewlines)
        XCTAssertEqual(identities[0].recipient.encoded, theirs)
        XCTAssertEqual(try X25519Recipient(parsing: theirs).encoded, theirs)
        let line = try String(contentsOfFile: keyFile, encoding: .utf8).split(separator: "\n").first { $0.hasPrefix("AGE-SECRET-KEY-1") }
        XCTAssertEqual(identities[0].encoded, line.map(String.init))

        // And ours, written as age-keygen would, is read by age-keygen.
        let mine = X25519Identity()
        let mineFile = try write("mine.txt", Array("# public key: \(mine.recipient.encoded)\n\(mine.encoded)\n".utf8))
        XCTAssertEqual(try run(["/usr/bin/age-keygen", "-y", mineFile]).output.trimmingCharacters(in: .whitespacesAndNewlines),
                       mine.recipient.encoded)

        // A typo is refused, and the secret key is never quoted back.
        var typo = Array(mine.encoded)
        typo[typo.count - 3] = typo[typo.count - 3] == "Q" ? "P" : "Q"
        XCTAssertThrowsError(try X25519Identity(parsing: String(typo))) { error in
            XCTAssertFalse("\(error)".contains(String(typo.suffix(20))), "\(error)")
        }
        XCTAssertThrowsError(try X25519Recipient(parsing: mine.recipient.encoded.uppercased() + "x"))
        XCTAssertThrowsError(try X25519Recipient(parsing: mine.encoded), "an identity is no recipient")
    }

    func testNanerEncryptsForARecipientAndAgeDecrypts() throws {
        let identity = X25519Identity()
        let keyFile = try write("key.txt", Array("\(identity.encoded)\n".utf8))
        for size in AgeInteropTests.sizes {
            let plain = AgeInteropTests.content(size)
            let sealed = try write("x-\(size).age", try AgeFile.encrypt(plain, to: [identity.recipient]))
            let back = folder + "/x-\(size).out"
            let decrypted = try run(["/usr/bin/age", "-d", "-i", keyFile, "-o", back, sealed])
            XCTAssertEqual(decrypted.status, 0, "\(size): \(decrypted.output)")
            XCTAssertEqual(try written(back, size: size), plain, "size \(size)")
            // The chunking: a header, 16-byte nonce, and one tag per started 64 KiB chunk (at least one).
            let chunks = max(1, (size + 65535) / 65536)
            let headerSize = try read(sealed).count - 16 - size - 16 * chunks
            XCTAssertTrue((150...250).contains(headerSize), "size \(size): header of \(headerSize) bytes")
        }
    }

    func testNanerEncryptsWithAPassphraseAndAgeDecrypts() throws {
        let passphrase = "correct horse battery staple"
        for size in AgeInteropTests.sizes {
            let plain = AgeInteropTests.content(size)
            // age -p's own work factor for one size; a cheaper one for the rest.
            let recipient = ScryptRecipient(passphrase: passphrase, workFactor: size == 1 ? ScryptRecipient.defaultWorkFactor : 12)
            let sealed = try write("p-\(size).age", try AgeFile.encrypt(plain, to: [recipient]))
            let back = folder + "/p-\(size).out"
            let decrypted = try run([AgeInteropTests.onTerminal, "/usr/bin/age", "-d", "-o", back, sealed],
                                    environment: ["NANER_TEST_PASSPHRASE": passphrase])
            XCTAssertEqual(decrypted.status, 0, "\(size): \(decrypted.output)")
            XCTAssertEqual(try written(back, size: size), plain, "size \(size)")
        }
        XCTAssertTrue(try read(folder + "/p-1.age").starts(with: Array("age-encryption.org/v1\n-> scrypt ".utf8)))
    }

    func testAgeEncryptsForARecipientAndNanerDecrypts() throws {
        let keyFile = folder + "/key.txt"
        XCTAssertEqual(try run(["/usr/bin/age-keygen", "-o", keyFile]).status, 0)
        let identities = try X25519Identity.parseFile(String(contentsOfFile: keyFile, encoding: .utf8))
        let recipient = identities[0].recipient.encoded
        let other = X25519Identity()
        for size in AgeInteropTests.sizes {
            let plain = AgeInteropTests.content(size)
            let input = try write("in-\(size)", plain)
            for armored in [false, true] where !armored || size <= 64 * 1024 + 1 {
                let sealed = folder + "/e-\(size)-\(armored).age"
                // Two recipients: naner finds its stanza whichever comes first.
                let encrypted = try run(["/usr/bin/age", "-e", "-r", other.recipient.encoded, "-r", recipient]
                                        + (armored ? ["-a"] : []) + ["-o", sealed, input])
                XCTAssertEqual(encrypted.status, 0, encrypted.output)
                XCTAssertEqual(try AgeFile.decrypt(try read(sealed), with: identities, file: sealed), plain, "size \(size), armor \(armored)")
                XCTAssertEqual(try AgeFile.decrypt(try read(sealed), with: [other], file: sealed), plain)
            }
            // From the file itself, streamed, as a restore reads it.
            var hash = SHA256()
            try AgeFile.decrypt(from: try AgeFileSource(path: folder + "/e-\(size)-false.age"), with: identities, file: "x") {
                XCTAssertLessThanOrEqual($0.count, 64 * 1024)
                hash.update(data: $0)
            }
            XCTAssertEqual(Array(hash.finalize()), Array(SHA256.hash(data: plain)))
        }
        let sealed = folder + "/e-1-false.age"
        XCTAssertThrowsError(try AgeFile.decrypt(try read(sealed), with: [X25519Identity()], file: sealed)) { error in
            XCTAssertEqual("\(error)", "wrong passphrase or not an age file for this identity: '\(sealed)'")
        }
    }

    func testAgePassphraseFilesDecryptInNaner() throws {
        let passphrase = "Tr0ub4dor&3 and more"
        for size in AgeInteropTests.sizes {
            let plain = AgeInteropTests.content(size)
            let input = try write("in-\(size)", plain)
            let sealed = folder + "/ap-\(size).age"
            let encrypted = try run([AgeInteropTests.onTerminal, "/usr/bin/age", "-p", "-o", sealed, input],
                                    environment: ["NANER_TEST_PASSPHRASE": passphrase])
            XCTAssertEqual(encrypted.status, 0, encrypted.output)
            let bytes = try read(sealed)
            XCTAssertTrue(bytes.starts(with: Array("age-encryption.org/v1\n-> scrypt ".utf8)), "age -p wrote a passphrase file")
            XCTAssertEqual(try AgeFile.decrypt(bytes, with: [ScryptIdentity(passphrase: passphrase)], file: sealed), plain, "size \(size)")
            if size == 1 {
                XCTAssertThrowsError(try AgeFile.decrypt(bytes, with: [ScryptIdentity(passphrase: "tr0ub4dor&3 and more")], file: sealed)) {
                    XCTAssertEqual($0 as? AgeError, .noMatch(sealed))
                }
                // An X25519 identity finds nothing for it, and is not fooled into trying.
                XCTAssertThrowsError(try AgeFile.decrypt(bytes, with: [X25519Identity()], file: sealed)) {
                    XCTAssertEqual($0 as? AgeError, .noMatch(sealed))
                }
            }
        }
    }
}
