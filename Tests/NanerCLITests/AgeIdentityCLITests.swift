import Foundation
import XCTest

/// `naner secret key`: the configuration's one age identity, made on first use,
/// machine-local with mode 0600 outside the managed set, and in the tree wrapped
/// by a passphrase (`.naner/identity.age`) that the stock `age` opens too.
final class AgeIdentityCLITests: XCTestCase {
    private let passphrase = ["NANER_PASSPHRASE": "a long and memorable phrase"]
    private static let onTerminal = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("tools/on-terminal").path

    private func keyLines(_ run: Sandbox.Run) -> (identity: String, recipient: String)? {
        let identity = run.lines.first { $0.hasPrefix("identity  ") }?.dropFirst(10)
        let recipient = run.lines.first { $0.hasPrefix("recipient ") }?.dropFirst(10)
        guard let identity, let recipient else { return nil }
        return (String(identity), String(recipient))
    }

    /// Runs `age` or `age-keygen` with the passphrase typed on a terminal when asked.
    private func age(_ arguments: [String], in directory: String) -> Sandbox.Run {
        Sandbox.execute([AgeIdentityCLITests.onTerminal] + arguments,
                        environment: ["PATH": "/usr/bin:/bin", "NANER_TEST_PASSPHRASE": passphrase["NANER_PASSPHRASE"]!],
                        directory: directory)
    }

    func testMadeOnFirstUseKeptLocalAndWrappedInTheTree() throws {
        let sandbox = try Sandbox()
        try sandbox.makeTypicalHome()
        XCTAssertExit(sandbox.naner("init"), 0)

        // No passphrase, no terminal: nothing is made.
        let none = sandbox.naner("secret", "key")
        XCTAssertExit(none, 1)
        XCTAssertOneErrorLine(none, contains: "'.naner/identity.age' needs a passphrase")
        XCTAssertFalse(sandbox.exists(".naner/identity.age"))
        XCTAssertFalse(FileManager.default.fileExists(atPath: sandbox.repo + "/naner-identity.txt"))

        let made = sandbox.naner(["secret", "key"], environment: passphrase)
        XCTAssertExit(made, 0)
        let (identityPath, recipient) = try XCTUnwrap(keyLines(made), made.stdout)
        XCTAssertEqual(identityPath, sandbox.repo + "/naner-identity.txt")
        XCTAssertTrue(recipient.hasPrefix("age1") && recipient.count == 62, recipient)
        XCTAssertTrue(made.stdout.contains("made a new age identity"), made.stdout)
        let local = try String(contentsOfFile: identityPath, encoding: .utf8)
        XCTAssertTrue(local.contains("# public key: \(recipient)\nAGE-SECRET-KEY-1"), local)
        XCTAssertEqual((try FileManager.default.attributesOfItem(atPath: identityPath)[.posixPermissions] as? Int), 0o600)
        let wrapped = try XCTUnwrap(sandbox.read(".naner/identity.age"))
        XCTAssertTrue(wrapped.starts(with: Data("age-encryption.org/v1\n-> scrypt ".utf8)))
        XCTAssertNil(wrapped.range(of: Data("AGE-SECRET-KEY".utf8)))

        // Made once: the next run finds it without asking.
        let again = sandbox.naner("secret", "key")
        XCTAssertExit(again, 0)
        XCTAssertEqual(keyLines(again)?.recipient, recipient)
        XCTAssertFalse(again.stdout.contains("made"), again.stdout)

        // The commit carries the wrapped copy, never the identity itself.
        XCTAssertExit(sandbox.naner("commit", "-m", "identity"), 0)
        let tracked = sandbox.git("ls-files").lines
        XCTAssertTrue(tracked.contains(".naner/identity.age"), "\(tracked)")
        XCTAssertFalse(tracked.contains { $0.contains("naner-identity") }, "\(tracked)")
        XCTAssertEqual(sandbox.git("status", "--porcelain").stdout, "", "git sees a clean tree")
        let objects = sandbox.git("cat-file", "--batch-all-objects", "--batch")
        XCTAssertExit(objects, 0)
        let secretLine = try XCTUnwrap(local.split(separator: "\n").last)
        XCTAssertFalse(objects.stdout.contains("AGE-SECRET-KEY-1"), "an object holds an age identity")
        XCTAssertFalse(objects.stdout.contains(String(secretLine.suffix(30))), "an object holds the identity")
        XCTAssertNoSecrets(gitDir: sandbox.repo)

        // Recover with age alone: the passphrase opens the wrapped copy, and what it
        // gives is an identity file age-keygen reads, with the same recipient.
        let unwrapped = sandbox.root + "/unwrapped.txt"
        XCTAssertExit(age(["/usr/bin/age", "-d", "-o", unwrapped, sandbox.home + "/.naner/identity.age"], in: sandbox.root), 0)
        let derived = Sandbox.execute(["/usr/bin/age-keygen", "-y", unwrapped], environment: ["PATH": "/usr/bin:/bin"], directory: "/")
        XCTAssertEqual(derived.stdout.trimmingCharacters(in: .whitespacesAndNewlines), recipient)
        // And the local file is an identity file age itself decrypts with.
        try "a token\n".write(toFile: sandbox.root + "/plain", atomically: true, encoding: .utf8)
        XCTAssertExit(Sandbox.execute(["/usr/bin/age", "-e", "-r", recipient, "-o", sandbox.root + "/plain.age", sandbox.root + "/plain"],
                                      environment: ["PATH": "/usr/bin:/bin"], directory: "/"), 0)
        let opened = Sandbox.execute(["/usr/bin/age", "-d", "-i", identityPath, sandbox.root + "/plain.age"],
                                     environment: ["PATH": "/usr/bin:/bin"], directory: "/")
        XCTAssertEqual(opened.stdout, "a token\n")
    }

    func testUnlockedFromTheTreeWithThePassphrase() throws {
        let sandbox = try Sandbox()
        try sandbox.makeTypicalHome()
        XCTAssertExit(sandbox.naner("init"), 0)
        let made = sandbox.naner(["secret", "key"], environment: passphrase)
        XCTAssertExit(made, 0)
        let (identityPath, recipient) = try XCTUnwrap(keyLines(made))
        let original = try Data(contentsOf: URL(fileURLWithPath: identityPath))
        // A machine with the tree but not the local file (as after init --from).
        try FileManager.default.removeItem(atPath: identityPath)

        let wrong = sandbox.naner(["secret", "key"], environment: ["NANER_PASSPHRASE": "not it"])
        XCTAssertExit(wrong, 1)
        XCTAssertOneErrorLine(wrong, contains: "wrong passphrase for the age identity in '.naner/identity.age'")
        XCTAssertFalse(FileManager.default.fileExists(atPath: identityPath), "nothing written")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: sandbox.repo).filter { $0.contains("naner-tmp") }, [])

        let unlocked = sandbox.naner(["secret", "key"], environment: passphrase)
        XCTAssertExit(unlocked, 0)
        XCTAssertTrue(unlocked.stdout.contains("unlocked the age identity from .naner/identity.age"), unlocked.stdout)
        XCTAssertEqual(keyLines(unlocked)?.recipient, recipient)
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: identityPath)), original, "the very same identity file")
        XCTAssertEqual((try FileManager.default.attributesOfItem(atPath: identityPath)[.posixPermissions] as? Int), 0o600)

        // A damaged local file is one error line, never replaced silently.
        try "not a key\n".write(toFile: identityPath, atomically: true, encoding: .utf8)
        let damaged = sandbox.naner("secret", "key")
        XCTAssertExit(damaged, 1)
        XCTAssertOneErrorLine(damaged, contains: "cannot use the age identity in '\(identityPath)'")
    }

    /// A new machine: `init --from` brings `.naner/identity.age` and unlocks it with
    /// NANER_PASSPHRASE; without it (or with a wrong one) everything else is laid out
    /// and a warning says how to unlock it later.
    func testNewMachineUnlocksTheIdentityOnInitFrom() throws {
        let first = try Sandbox()
        try first.makeTypicalHome()
        XCTAssertExit(first.naner("init"), 0)
        let made = first.naner(["secret", "key"], environment: passphrase)
        XCTAssertExit(made, 0)
        let recipient = try XCTUnwrap(keyLines(made)).recipient
        XCTAssertExit(first.naner("commit", "-m", "identity"), 0)
        let firstIdentity = try Data(contentsOf: URL(fileURLWithPath: first.repo + "/naner-identity.txt"))

        let second = try Sandbox()
        let run = second.naner(["init", "--from", first.repo], environment: passphrase)
        XCTAssertExit(run, 0)
        XCTAssertTrue(run.stdout.contains("unlocked the age identity from .naner/identity.age"), run.stdout)
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: second.repo + "/naner-identity.txt")), firstIdentity)
        XCTAssertEqual((try FileManager.default.attributesOfItem(atPath: second.repo + "/naner-identity.txt")[.posixPermissions] as? Int), 0o600)
        XCTAssertEqual(second.mode(".naner/identity.age"), 0o600, ".naner/modes keeps the wrapped copy private too")
        XCTAssertEqual(keyLines(second.naner("secret", "key"))?.recipient, recipient)

        for environment in [[:], ["NANER_PASSPHRASE": "not it"]] {
            let third = try Sandbox()
            let locked = third.naner(["init", "--from", first.repo], environment: environment)
            XCTAssertExit(locked, 0)
            XCTAssertEqual(third.read(".bashrc"), first.read(".bashrc"), "everything else is laid out")
            XCTAssertTrue(locked.stderr.contains("warning: the age identity is still locked: "), locked.stderr)
            XCTAssertTrue(locked.stderr.contains("hint: 'naner secret unlock' unlocks it"), locked.stderr)
            XCTAssertFalse(FileManager.default.fileExists(atPath: third.repo + "/naner-identity.txt"))
            XCTAssertEqual(keyLines(third.naner(["secret", "key"], environment: passphrase))?.recipient, recipient)
        }

        // A configuration without an identity asks for nothing.
        let plain = try Sandbox()
        try plain.makeTypicalHome()
        XCTAssertExit(plain.naner("init"), 0)
        let fourth = try Sandbox()
        let quiet = fourth.naner("init", "--from", plain.repo)
        XCTAssertExit(quiet, 0)
        XCTAssertFalse(quiet.stderr.contains("identity"), quiet.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: fourth.repo + "/naner-identity.txt"))
    }
}
