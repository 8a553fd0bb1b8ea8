import Foundation
import XCTest
@testable import NanerCore

/// `naner backup --output DIR --encrypt` and restoring what it wrote: an age file
/// (`NAME.zip.age`, scrypt) that the stock `age` tool opens too; a passphrase from
/// NANER_PASSPHRASE or the terminal, never the command line; a wrong one writes
/// nothing. Archives of earlier versions (`NAME.zip.enc`) still restore.
final class EncryptedBackupTests: XCTestCase {
    private let passphrase = ["NANER_PASSPHRASE": "correct horse battery staple"]

    private func machine() throws -> (Sandbox, String) {
        let sandbox = try Sandbox()
        try sandbox.makeTypicalHome()
        XCTAssertExit(sandbox.naner("init"), 0)
        let out = sandbox.root + "/out"
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        return (sandbox, out)
    }

    func testSealedArchiveHidesEverythingAndRestores() throws {
        let (sandbox, out) = try machine()
        let run = sandbox.naner(["backup", "--name", "sealed", "--output", out, "--encrypt", "--include-ssh-keys"], environment: passphrase)
        XCTAssertExit(run, 0)
        XCTAssertFalse(run.stderr.contains("warning"), "sealed keys need no warning: \(run.stderr)")
        let path = out + "/sealed.zip.age"
        let bytes = try XCTUnwrap(FileManager.default.contents(atPath: path))
        XCTAssertTrue(bytes.starts(with: Data("age-encryption.org/v1\n-> scrypt ".utf8)))
        XCTAssertEqual((try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int), 0o600)
        for secret in ["export EDITOR", "OPENSSH PRIVATE KEY", "BACKUP-MANIFEST", ".bashrc"] {
            XCTAssertNil(bytes.range(of: Data(secret.utf8)), "'\(secret)' readable in the sealed archive")
        }
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: out), ["sealed.zip.age"], "no plain copy left beside it")

        let original = sandbox.read(".bashrc")
        try sandbox.write(".bashrc", "broken\n")
        XCTAssertExit(sandbox.naner("commit", "-m", "broke it"), 0)
        let restore = sandbox.naner(["restore", path], environment: passphrase)
        XCTAssertExit(restore, 0)
        XCTAssertEqual(sandbox.read(".bashrc"), original)
        XCTAssertEqual(sandbox.mode(".ssh/config"), 0o600)
        XCTAssertEqual(sandbox.read(".ssh/id_ed25519").map { String(decoding: $0, as: UTF8.self) }?.contains("OPENSSH PRIVATE KEY"), true,
                       "the sealed archive carried the key")
    }

    func testWrongOrMissingPassphraseWritesNothing() throws {
        let (sandbox, out) = try machine()
        XCTAssertExit(sandbox.naner(["backup", "--name", "sealed", "--output", out, "--encrypt"], environment: passphrase), 0)
        let path = out + "/sealed.zip.age"
        try sandbox.write(".bashrc", "edited\n")
        XCTAssertExit(sandbox.naner("commit", "-m", "edit"), 0)
        let head = sandbox.git("rev-parse", "HEAD").stdout

        let wrong = sandbox.naner(["restore", path], environment: ["NANER_PASSPHRASE": "Tr0ub4dor&3"])
        XCTAssertExit(wrong, 1)
        XCTAssertOneErrorLine(wrong, contains: "wrong passphrase for '\(path)'")
        XCTAssertEqual(String(decoding: sandbox.read(".bashrc")!, as: UTF8.self), "edited\n")
        XCTAssertEqual(sandbox.git("rev-parse", "HEAD").stdout, head)
        XCTAssertEqual(sandbox.git("for-each-ref", "refs/naner/safety").stdout, "", "not even a safety point")

        let none = sandbox.naner("restore", path)
        XCTAssertExit(none, 1)
        XCTAssertOneErrorLine(none, contains: "'\(path)' needs a passphrase")

        // One flipped byte is refused, never half-read: in the stanza it is a wrong key,
        // in the content it is damage, and the message says which.
        let original = try XCTUnwrap(FileManager.default.contents(atPath: path))
        // Byte 40 is inside the salt (base64 from byte 32): another letter there is another key.
        for (position, message) in [(40, "or the archive was altered"),
                                    (original.count / 2, "backup archive '\(path)' is damaged: its content was altered")] {
            var bytes = original
            bytes[position] = position == 40 ? (bytes[position] == 0x41 ? 0x42 : 0x41) : bytes[position] ^ 0x01
            try bytes.write(to: URL(fileURLWithPath: path))
            let altered = sandbox.naner(["restore", path], environment: passphrase)
            XCTAssertExit(altered, 1)
            XCTAssertOneErrorLine(altered, contains: message)
            XCTAssertEqual(String(decoding: sandbox.read(".bashrc")!, as: UTF8.self), "edited\n")
        }

        // Backing up without a passphrase stops before anything is committed or tagged.
        let tags = sandbox.git("tag").stdout
        let noPassphrase = sandbox.naner("backup", "--name", "again", "--output", out, "--encrypt")
        XCTAssertExit(noPassphrase, 1)
        XCTAssertOneErrorLine(noPassphrase, contains: "needs a passphrase")
        XCTAssertEqual(sandbox.git("tag").stdout, tags)
        XCTAssertFalse(FileManager.default.fileExists(atPath: out + "/again.zip.age"))
        XCTAssertExit(sandbox.naner("backup", "--encrypt"), 64)
    }

    /// On a terminal the passphrase is asked for (twice when sealing), without echo.
    func testPassphraseAskedOnATerminal() throws {
        let (sandbox, out) = try machine()
        // Typed a second after the start, when naner has turned the echo off.
        func onTerminal(_ arguments: [String], typing: String) -> Sandbox.Run {
            let command = ([Sandbox.nanerBinary] + arguments).map { "'" + $0 + "'" }.joined(separator: " ")
            let typed = typing.replacingOccurrences(of: "\n", with: "\\n")
            return Sandbox.execute(["/bin/sh", "-c", "(sleep 1; printf '\(typed)') | /usr/bin/script -qec \"\(command)\" /dev/null"],
                                   environment: sandbox.environment, directory: sandbox.home)
        }
        let mismatch = onTerminal(["backup", "--name", "typo", "--output", out, "--encrypt"], typing: "first one\nsecond one\n")
        XCTAssertNotEqual(mismatch.status, 0)
        XCTAssertTrue(mismatch.stdout.contains("the two passphrases differ"), mismatch.stdout)
        XCTAssertFalse(FileManager.default.fileExists(atPath: out + "/typo.zip.age"))

        let sealed = onTerminal(["backup", "--name", "typed", "--output", out, "--encrypt"], typing: "s3cret phrase\ns3cret phrase\n")
        XCTAssertExit(sealed, 0)
        XCTAssertTrue(sealed.stdout.contains("passphrase for 'typed.zip.age'"), sealed.stdout)
        XCTAssertFalse(sealed.stdout.contains("s3cret phrase"), "never echoed: \(sealed.stdout)")
        let dryRun = sandbox.naner(["restore", out + "/typed.zip.age", "--dry-run"], environment: ["NANER_PASSPHRASE": "s3cret phrase"])
        XCTAssertExit(dryRun, 0)
    }

    /// The point of the age format: `age -d` opens the archive without naner, and
    /// what it gives is a zip that `naner restore` takes as it is.
    func testAgeOpensTheArchive() throws {
        let (sandbox, out) = try machine()
        XCTAssertExit(sandbox.naner(["backup", "--name", "portable", "--output", out, "--encrypt"], environment: passphrase), 0)
        let zip = out + "/portable.zip"
        let onTerminal = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("tools/on-terminal").path
        let opened = Sandbox.execute([onTerminal, "/usr/bin/age", "-d", "-o", zip, out + "/portable.zip.age"],
                                     environment: ["PATH": "/usr/bin:/bin", "NANER_TEST_PASSPHRASE": passphrase["NANER_PASSPHRASE"]!],
                                     directory: out)
        XCTAssertExit(opened, 0)
        let bytes = try XCTUnwrap(FileManager.default.contents(atPath: zip))
        XCTAssertTrue(bytes.starts(with: Data([0x50, 0x4B, 0x03, 0x04])), "a zip")
        XCTAssertNotNil(bytes.range(of: Data("BACKUP-MANIFEST.json".utf8)))

        let original = sandbox.read(".bashrc")
        try sandbox.write(".bashrc", "broken\n")
        XCTAssertExit(sandbox.naner("commit", "-m", "broke it"), 0)
        XCTAssertExit(sandbox.naner("restore", zip), 0)
        XCTAssertEqual(sandbox.read(".bashrc"), original)
    }

    /// `NAME.zip.enc` from earlier versions (AES-256-GCM under scrypt) restores as before.
    func testArchivesOfEarlierVersionsStillRestore() throws {
        let (sandbox, out) = try machine()
        XCTAssertExit(sandbox.naner(["backup", "--name", "old", "--output", out, "--compress"]), 0)
        let zip = try XCTUnwrap(FileManager.default.contents(atPath: out + "/old.zip"))
        let old = out + "/old.zip.enc"
        try Data(try EncryptedArchive.seal([UInt8](zip), passphrase: passphrase["NANER_PASSPHRASE"]!)).write(to: URL(fileURLWithPath: old))
        try FileManager.default.removeItem(atPath: out + "/old.zip")

        let original = sandbox.read(".bashrc")
        try sandbox.write(".bashrc", "broken\n")
        XCTAssertExit(sandbox.naner("commit", "-m", "broke it"), 0)
        let wrong = sandbox.naner(["restore", old], environment: ["NANER_PASSPHRASE": "nope"])
        XCTAssertExit(wrong, 1)
        XCTAssertOneErrorLine(wrong, contains: "wrong passphrase for '\(old)'")
        XCTAssertExit(sandbox.naner(["restore", old], environment: passphrase), 0)
        XCTAssertEqual(sandbox.read(".bashrc"), original)
    }
}
