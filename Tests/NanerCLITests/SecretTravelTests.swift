import Foundation
import XCTest

/// Files stored encrypted (`naner secret add`): each commit stores a listed file as an
/// age file to the configuration's recipient; the plaintext never enters an object,
/// plain git sees a clean tree, and the stock `age` opens what was stored.
final class SecretTravelTests: XCTestCase {
    private let passphrase = ["NANER_PASSPHRASE": "a long and memorable phrase"]
    private let sshKey = "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW\nQyNTUxOQAAACDsecretKeyMaterialThatMustNeverLeaveZZ9fQ==\n-----END OPENSSH PRIVATE KEY-----\n"
    private let ghHosts = "github.com:\n    user: owner\n    oauth_token: gho_16C7e42F292c6912E7710c838347Ae178B4a\n    git_protocol: ssh\n"
    private let npmrc = "//registry.npmjs.org/:_authToken=npm_a8Fq2ZkP0wLx7NcY4rT9uE3hV6bJ1mS5dG0i\n"

    /// Byte sequences of the plaintexts that no object may hold.
    private var plaintextPieces: [String] {
        ["secretKeyMaterialThatMustNeverLeave", "gho_16C7e42F292c6912E7710c838347Ae178B4a",
         "npm_a8Fq2ZkP0wLx7NcY4rT9uE3hV6bJ1mS5dG0i", "oauth_token", "_authToken", "OPENSSH PRIVATE KEY"]
    }

    private func makeSecrets(_ sandbox: Sandbox) throws {
        try sandbox.makeTypicalHome()
        try sandbox.write(".ssh/id_ed25519", sshKey, mode: 0o600)
        try sandbox.write(".config/gh/hosts.yml", ghHosts, mode: 0o644)
        try sandbox.write(".npmrc", npmrc, mode: 0o644)
    }

    private func ageDecrypt(_ sandbox: Sandbox, object: String, identity: String) throws -> Data {
        // Through a file: the ciphertext is binary.
        let file = sandbox.root + "/blob.age"
        let blob = Sandbox.execute(["/bin/sh", "-c", "git --git-dir=\"$1\" cat-file blob \"$2\" > \"$3\"", "sh", sandbox.repo, object, file],
                                   environment: sandbox.environment, directory: "/")
        XCTAssertExit(blob, 0)
        let out = sandbox.root + "/blob.plain"
        let run = Sandbox.execute(["/usr/bin/age", "-d", "-i", identity, "-o", out, file], environment: ["PATH": "/usr/bin:/bin"], directory: "/")
        XCTAssertExit(run, 0)
        return try Data(contentsOf: URL(fileURLWithPath: out))
    }

    static func assertNoPlaintext(gitDir: String, pieces: [String], file: StaticString = #filePath, line: UInt = #line) {
        let all = Sandbox.execute(["/usr/bin/git", "--git-dir=" + gitDir, "cat-file", "--batch-all-objects", "--batch"],
                                  environment: ["PATH": "/usr/bin:/bin", "GIT_CONFIG_NOSYSTEM": "1", "HOME": "/nonexistent"], directory: "/")
        XCTAssertExit(all, 0, file: file, line: line)
        XCTAssertFalse(all.stdout.isEmpty, file: file, line: line)
        for piece in pieces where all.stdout.contains(piece) {
            XCTFail("an object in '\(gitDir)' holds '\(piece)'", file: file, line: line)
        }
    }

    func testListedFilesAreCommittedEncryptedAndGitStaysClean() throws {
        let sandbox = try Sandbox()
        try makeSecrets(sandbox)
        XCTAssertExit(sandbox.naner("init"), 0)
        // Before: the guard refuses the token files and names the way to keep them.
        let refused = sandbox.naner("add", ".npmrc")
        XCTAssertExit(refused, 0)
        let before = sandbox.naner("commit", "-m", "first")
        XCTAssertExit(before, 0)
        XCTAssertTrue(before.stderr.contains("naner secret add '.npmrc'"), before.stderr)
        XCTAssertFalse(sandbox.trackedFiles().contains(".ssh/id_ed25519"))

        let added = sandbox.naner(["secret", "add", ".ssh/id_ed25519", ".config/gh/hosts.yml", ".npmrc"], environment: passphrase)
        XCTAssertExit(added, 0)
        XCTAssertEqual(sandbox.mode(".npmrc"), 0o600)
        XCTAssertEqual(sandbox.mode(".config/gh/hosts.yml"), 0o600)
        let listed = try XCTUnwrap(String(data: sandbox.read(".naner/secrets") ?? Data(), encoding: .utf8))
        XCTAssertTrue(listed.hasSuffix(".config/gh/hosts.yml\n.npmrc\n.ssh/id_ed25519\n"), listed)

        let commit = sandbox.naner("commit", "-m", "secrets")
        XCTAssertExit(commit, 0)
        XCTAssertFalse(commit.stderr.contains("not committing"), commit.stderr)
        let tracked = sandbox.trackedFiles()
        for path in [".ssh/id_ed25519", ".config/gh/hosts.yml", ".npmrc", ".naner/secrets"] {
            XCTAssertTrue(tracked.contains(path), "\(path) not tracked: \(tracked)")
        }
        // Plain git, right after the commit (the racy second included): a clean tree.
        XCTAssertEqual(sandbox.git("status", "--porcelain").stdout, "")
        XCTAssertExit(sandbox.git("fsck", "--strict"), 0)
        XCTAssertEqual(sandbox.naner("status", "--short").stdout, "")
        Self.assertNoPlaintext(gitDir: sandbox.repo, pieces: plaintextPieces + [identityLine(sandbox)])

        // git show of a stored secret is an age file that age alone opens, byte-exact.
        let identity = sandbox.repo + "/naner-identity.txt"
        for (path, content) in [(".ssh/id_ed25519", sshKey), (".config/gh/hosts.yml", ghHosts), (".npmrc", npmrc)] {
            let shown = sandbox.git("show", "HEAD:" + path)
            XCTAssertTrue(shown.stdout.hasPrefix("age-encryption.org/v1\n-> X25519 "), shown.stdout)
            XCTAssertEqual(try ageDecrypt(sandbox, object: "HEAD:" + path, identity: identity), Data(content.utf8), path)
        }

        // Touched, not changed: no decryption, the same ciphertext, no new commit.
        let blob = sandbox.git("rev-parse", "HEAD:.npmrc").stdout
        let head = sandbox.git("rev-parse", "HEAD").stdout
        XCTAssertExit(Sandbox.execute(["/usr/bin/touch", "-d", "2001-01-01", sandbox.home + "/.npmrc"], environment: [:], directory: "/"), 0)
        XCTAssertEqual(sandbox.naner("status", "--short").stdout, "")
        XCTAssertExit(sandbox.naner("commit", "-m", "touched"), 0)
        XCTAssertEqual(sandbox.git("rev-parse", "HEAD:.npmrc").stdout, blob)
        XCTAssertEqual(sandbox.git("rev-parse", "HEAD").stdout, head)
        XCTAssertEqual(sandbox.git("status", "--porcelain").stdout, "")

        // An edit is noticed without a passphrase, and stored as a new ciphertext.
        let edited = npmrc + "//npm.example.com/:_authToken=npm_Zz9Yy8Xx7Ww6Vv5Uu4Tt3Ss2Rr1Qq0PpOoNn\n"
        try sandbox.write(".npmrc", edited, mode: 0o600)
        let status = sandbox.naner("status", "--short")
        XCTAssertTrue(status.stdout.contains(".npmrc"), status.stdout)
        // Modified "now" as far as git can tell (the same second as the index about to be
        // written, here a little ahead): git would compare the bytes with the ciphertext.
        XCTAssertExit(Sandbox.execute(["/usr/bin/touch", "-d", "20 seconds", sandbox.home + "/.npmrc"], environment: [:], directory: "/"), 0)
        XCTAssertExit(sandbox.naner("commit", "-m", "edited"), 0)
        XCTAssertNotEqual(sandbox.git("rev-parse", "HEAD:.npmrc").stdout, blob)
        XCTAssertEqual(try ageDecrypt(sandbox, object: "HEAD:.npmrc", identity: identity), Data(edited.utf8))
        XCTAssertEqual(sandbox.git("status", "--porcelain").stdout, "")
        Self.assertNoPlaintext(gitDir: sandbox.repo, pieces: plaintextPieces + ["npm_Zz9Yy8Xx7Ww6Vv5Uu4Tt3Ss2Rr1Qq0PpOoNn"])
        XCTAssertEqual(sandbox.mode(".npmrc"), 0o600)

        let json = sandbox.naner("secret", "list", "--json")
        XCTAssertExit(json, 0)
        let document = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let entries = try XCTUnwrap(document["secrets"] as? [[String: Any]])
        XCTAssertEqual(entries.compactMap { $0["path"] as? String }, [".config/gh/hosts.yml", ".npmrc", ".ssh/id_ed25519"])
        XCTAssertEqual(entries.compactMap { $0["committed"] as? Bool }, [true, true, true])

        // Stopping: the guard checks the file again and refuses the token; nothing in plain form.
        XCTAssertExit(sandbox.naner("secret", "remove", ".npmrc"), 0)
        let after = sandbox.naner("commit", "-m", "stop")
        XCTAssertExit(after, 0)
        XCTAssertTrue(after.stderr.contains("not committing '.npmrc'"), after.stderr)
        Self.assertNoPlaintext(gitDir: sandbox.repo, pieces: plaintextPieces + ["npm_Zz9Yy8Xx7Ww6Vv5Uu4Tt3Ss2Rr1Qq0PpOoNn"])
        XCTAssertExit(sandbox.naner("secret", "remove", ".npmrc"), 1)
    }

    func testAddNeedsAnIdentityAndAnExistingFile() throws {
        let sandbox = try Sandbox()
        try makeSecrets(sandbox)
        XCTAssertExit(sandbox.naner("init"), 0)
        let noPassphrase = sandbox.naner("secret", "add", ".npmrc")
        XCTAssertExit(noPassphrase, 1)
        XCTAssertOneErrorLine(noPassphrase, contains: "needs a passphrase")
        XCTAssertFalse(sandbox.exists(".naner/secrets"))
        let missing = sandbox.naner(["secret", "add", ".nothere"], environment: passphrase)
        XCTAssertExit(missing, 1)
        XCTAssertOneErrorLine(missing, contains: "'.nothere' does not exist")
        let folder = sandbox.naner(["secret", "add", ".ssh"], environment: passphrase)
        XCTAssertExit(folder, 1)
        XCTAssertOneErrorLine(folder, contains: "only files are stored encrypted")
        XCTAssertFalse(sandbox.exists(".naner/secrets"))
    }

    private func assertSecretsLaidOut(_ sandbox: Sandbox, npmrc expected: String? = nil, file: StaticString = #filePath, line: UInt = #line) {
        for (path, content) in [(".ssh/id_ed25519", sshKey), (".config/gh/hosts.yml", ghHosts), (".npmrc", expected ?? npmrc)] {
            XCTAssertEqual(sandbox.read(path), Data(content.utf8), path, file: file, line: line)
            XCTAssertEqual(sandbox.mode(path), 0o600, path, file: file, line: line)
        }
        XCTAssertEqual(sandbox.git("status", "--porcelain").stdout, "", "git sees a clean tree", file: file, line: line)
        XCTAssertEqual(sandbox.naner("status", "--short").stdout, "", file: file, line: line)
    }

    /// Machine A marks three secrets and syncs through a bare folder; machine B's
    /// `init --from` with the passphrase lays them out byte-exact and 0600; without it,
    /// everything else arrives and the secrets wait for `naner secret unlock`. No object
    /// anywhere holds a plaintext byte of them or the identity.
    func testSecretsTravelToANewMachine() throws {
        let first = try Sandbox()
        try makeSecrets(first)
        let cloud = first.root + "/cloud/Naner-Config.git"
        XCTAssertExit(first.naner("init"), 0)
        XCTAssertExit(first.naner(["secret", "add", ".ssh/id_ed25519", ".config/gh/hosts.yml", ".npmrc"], environment: passphrase), 0)
        XCTAssertExit(first.naner("commit", "-m", "secrets"), 0)
        XCTAssertExit(first.naner("sync", "--provider", "custom", "--path", cloud), 0)
        let identity = identityLine(first)

        let second = try Sandbox()
        let made = second.naner(["init", "--from", cloud], environment: passphrase)
        XCTAssertExit(made, 0)
        XCTAssertTrue(made.stdout.contains("decrypted '.npmrc'"), made.stdout + made.stderr)
        assertSecretsLaidOut(second)
        XCTAssertEqual(identityLine(second), identity)
        XCTAssertEqual(second.read(".ssh/config"), first.read(".ssh/config"))

        // Without the passphrase: the rest arrives, the secrets wait, nothing reads as deleted.
        let third = try Sandbox()
        let locked = third.naner("init", "--from", cloud)
        XCTAssertExit(locked, 0)
        XCTAssertTrue(locked.stderr.contains("warning: '.npmrc' is stored encrypted and waits for the age identity"), locked.stderr)
        XCTAssertTrue(locked.stderr.contains("hint: 'naner secret unlock'"), locked.stderr)
        XCTAssertFalse(third.exists(".npmrc"))
        XCTAssertEqual(third.read(".ssh/config"), first.read(".ssh/config"))
        XCTAssertEqual(third.naner("status", "--short").stdout, "")
        XCTAssertTrue(third.naner("secret", "list").stdout.contains(".npmrc\twaiting for 'naner secret unlock'"))
        XCTAssertExit(third.naner("commit", "-m", "nothing"), 0)
        XCTAssertEqual(third.git("ls-files", ".npmrc").stdout, ".npmrc\n", "a waiting secret stays tracked")
        let remove = third.naner("secret", "remove", ".npmrc")
        XCTAssertExit(remove, 1)
        XCTAssertOneErrorLine(remove, contains: "'.npmrc' is not laid out yet")
        let unlock = third.naner(["secret", "unlock"], environment: passphrase)
        XCTAssertExit(unlock, 0)
        XCTAssertTrue(unlock.stdout.contains("decrypted '.ssh/id_ed25519'"), unlock.stdout + unlock.stderr)
        assertSecretsLaidOut(third)

        // An edit on B travels back to A, decrypted by the pull.
        let edited = npmrc + "//npm.example.com/:_authToken=npm_Zz9Yy8Xx7Ww6Vv5Uu4Tt3Ss2Rr1Qq0PpOoNn\n"
        try second.write(".npmrc", edited, mode: 0o600)
        XCTAssertExit(second.naner("secret", "add", ".config/kitty/kitty.conf"), 0)
        XCTAssertExit(second.naner("commit", "-m", "new npm token"), 0)
        XCTAssertExit(second.naner("sync"), 0)
        let pulled = first.naner("sync")
        XCTAssertExit(pulled, 0)
        // What arrives is untrusted: a file the remote newly stores encrypted is named.
        XCTAssertTrue(pulled.stderr.contains("stores '.config/kitty/kitty.conf' encrypted (.naner/secrets)"), pulled.stderr)
        XCTAssertEqual(first.read(".config/kitty/kitty.conf"), second.read(".config/kitty/kitty.conf"))
        assertSecretsLaidOut(first, npmrc: edited)
        XCTAssertEqual(try ageDecrypt(first, object: "HEAD:.npmrc", identity: first.repo + "/naner-identity.txt"), Data(edited.utf8))

        let pieces = plaintextPieces + ["npm_Zz9Yy8Xx7Ww6Vv5Uu4Tt3Ss2Rr1Qq0PpOoNn", identity]
        for gitDir in [first.repo, second.repo, third.repo, cloud] {
            Self.assertNoPlaintext(gitDir: gitDir, pieces: pieces)
            XCTAssertExit(Sandbox.execute(["/usr/bin/git", "--git-dir=" + gitDir, "fsck", "--strict"], environment: first.environment, directory: "/"), 0)
        }
    }

    /// A secret changed on two machines: a conflict by path, no markers in any
    /// ciphertext, this machine's file untouched, the remote's version decrypted aside
    /// (0600, never managed); committing finishes the merge with what the file holds.
    func testASecretChangedOnBothMachinesIsAConflictByPath() throws {
        let first = try Sandbox()
        try makeSecrets(first)
        let cloud = first.root + "/cloud/Naner-Config.git"
        XCTAssertExit(first.naner("init"), 0)
        XCTAssertExit(first.naner(["secret", "add", ".npmrc"], environment: passphrase), 0)
        XCTAssertExit(first.naner("commit", "-m", "secrets"), 0)
        XCTAssertExit(first.naner("sync", "--provider", "custom", "--path", cloud), 0)
        let second = try Sandbox()
        XCTAssertExit(second.naner(["init", "--from", cloud], environment: passphrase), 0)

        let firsts = "//registry.npmjs.org/:_authToken=npm_FirstMachine0123456789abcdefghijKLMN\n"
        let seconds = "//registry.npmjs.org/:_authToken=npm_SecondMachine0123456789abcdefghijKLM\n"
        try first.write(".npmrc", firsts, mode: 0o600)
        XCTAssertExit(first.naner("commit", "-m", "first's token"), 0)
        XCTAssertExit(first.naner("sync"), 0)
        try second.write(".npmrc", seconds, mode: 0o600)
        XCTAssertExit(second.naner("commit", "-m", "second's token"), 0)
        let pull = second.naner("sync")
        XCTAssertExit(pull, 3)
        XCTAssertTrue(pull.stdout.contains("conflict: '.npmrc'"), pull.stdout)
        let kept = second.repo + "/naner-kept/.npmrc"
        XCTAssertTrue(pull.stderr.contains("'.npmrc' is a secret changed on both machines"), pull.stderr)
        XCTAssertEqual(second.read(".npmrc"), Data(seconds.utf8), "this machine's file stays")
        XCTAssertEqual(FileManager.default.contents(atPath: kept), Data(firsts.utf8))
        XCTAssertEqual((try FileManager.default.attributesOfItem(atPath: kept)[.posixPermissions] as? Int), 0o600)

        // Resolved by taking the other machine's token: the merge commit stores it encrypted.
        try second.write(".npmrc", firsts, mode: 0o600)
        XCTAssertExit(second.naner("commit", "-m", "take first's token"), 0)
        XCTAssertExit(second.naner("sync"), 0)
        XCTAssertEqual(try ageDecrypt(second, object: "HEAD:.npmrc", identity: second.repo + "/naner-identity.txt"), Data(firsts.utf8))
        XCTAssertEqual(second.git("status", "--porcelain").stdout, "")
        XCTAssertExit(first.naner("sync"), 0)
        XCTAssertEqual(first.read(".npmrc"), Data(firsts.utf8))
        for gitDir in [first.repo, second.repo, cloud] {
            Self.assertNoPlaintext(gitDir: gitDir, pieces: ["npm_FirstMachine", "npm_SecondMachine", "<<<<<<<", "_authToken"])
        }
    }

    /// A backup brings back the secret versions it recorded, decrypted and recorded again
    /// as the same ciphertext; the safety point before a forced restore keeps the
    /// overwritten secret encrypted.
    func testRestoreBringsBackARecordedSecretAndItsSafetyPointStaysEncrypted() throws {
        let sandbox = try Sandbox()
        try makeSecrets(sandbox)
        XCTAssertExit(sandbox.naner("init"), 0)
        XCTAssertExit(sandbox.naner(["secret", "add", ".npmrc"], environment: passphrase), 0)
        XCTAssertExit(sandbox.naner("commit", "-m", "secrets"), 0)
        XCTAssertExit(sandbox.naner("backup", "--name", "b1", "-m", "first token"), 0)
        let recorded = sandbox.git("rev-parse", "b1:.npmrc").stdout
        let second = "//registry.npmjs.org/:_authToken=npm_SecondToken0123456789abcdefghijKLMNOP\n"
        try sandbox.write(".npmrc", second, mode: 0o600)
        XCTAssertExit(sandbox.naner("commit", "-m", "second token"), 0)
        let uncommitted = "//registry.npmjs.org/:_authToken=npm_UncommittedToken0123456789abcdefghij\n"
        try sandbox.write(".npmrc", uncommitted, mode: 0o600)

        let blocked = sandbox.naner("restore", "b1")
        XCTAssertExit(blocked, 3)
        XCTAssertEqual(sandbox.read(".npmrc"), Data(uncommitted.utf8))
        let forced = sandbox.naner("restore", "b1", "--force")
        XCTAssertExit(forced, 0)
        XCTAssertEqual(sandbox.read(".npmrc"), Data(npmrc.utf8))
        XCTAssertEqual(sandbox.mode(".npmrc"), 0o600)
        XCTAssertEqual(sandbox.git("rev-parse", "HEAD:.npmrc").stdout, recorded, "the same ciphertext, recorded again")
        XCTAssertEqual(sandbox.git("status", "--porcelain").stdout, "")
        XCTAssertEqual(sandbox.naner("status", "--short").stdout, "")
        let safety = try XCTUnwrap(sandbox.git("for-each-ref", "--format=%(refname)", "refs/naner/safety").lines.first)
        XCTAssertEqual(try ageDecrypt(sandbox, object: safety + ":.npmrc", identity: sandbox.repo + "/naner-identity.txt"),
                       Data(uncommitted.utf8))
        Self.assertNoPlaintext(gitDir: sandbox.repo, pieces: plaintextPieces + ["npm_SecondToken", "npm_UncommittedToken"])
        XCTAssertExit(sandbox.git("fsck", "--strict"), 0)
    }

    /// The same through a smart-HTTP remote (lighttpd + git http-backend): the server's
    /// repository holds ciphertext only, and the new machine gets identical bytes.
    func testSecretsTravelThroughAnHTTPRemote() throws {
        let server = try HTTPServer()
        defer { server.stop() }
        let bare = try server.createEmpty("config.git")
        let token = ["NANER_TOKEN": HTTPServer.password]
        let url = server.url("config.git", user: HTTPServer.user)
        let first = try Sandbox()
        try makeSecrets(first)
        XCTAssertExit(first.naner("init"), 0)
        XCTAssertExit(first.naner(["secret", "add", ".ssh/id_ed25519", ".config/gh/hosts.yml", ".npmrc"], environment: passphrase), 0)
        XCTAssertExit(first.naner("commit", "-m", "secrets"), 0)
        XCTAssertExit(first.naner("remote", "add", "origin", url), 0)
        XCTAssertExit(first.naner(["sync", "push"], environment: token), 0)

        let second = try Sandbox()
        XCTAssertExit(second.naner(["init", "--from", url], environment: token.merging(passphrase) { $1 }), 0)
        assertSecretsLaidOut(second)
        let pieces = plaintextPieces + [identityLine(first)]
        for gitDir in [first.repo, second.repo, bare] { Self.assertNoPlaintext(gitDir: gitDir, pieces: pieces) }
    }

    /// `backup --include-ssh-keys` without --output puts the private keys into the
    /// repository encrypted (as `secret add`); with --output the archive holds each key
    /// once, as it is on disk, even when the repository stores it encrypted.
    func testBackupIncludeSSHKeysStoresThemEncrypted() throws {
        let sandbox = try Sandbox()
        try makeSecrets(sandbox)
        try sandbox.write(".ssh/id_rsa", "-----BEGIN OPENSSH PRIVATE KEY-----\nrsaKeyMaterialThatMustNeverLeaveEither\n-----END OPENSSH PRIVATE KEY-----\n", mode: 0o600)
        XCTAssertExit(sandbox.naner("init"), 0)
        let backup = sandbox.naner(["backup", "--name", "keys", "--include-ssh-keys"], environment: passphrase)
        XCTAssertExit(backup, 0)
        XCTAssertEqual(sandbox.naner("secret", "list").stdout, ".ssh/id_ed25519\tcommitted\n.ssh/id_rsa\tcommitted\n")
        let identity = sandbox.repo + "/naner-identity.txt"
        XCTAssertEqual(try ageDecrypt(sandbox, object: "keys:.ssh/id_ed25519", identity: identity), Data(sshKey.utf8))
        XCTAssertEqual(sandbox.git("cat-file", "-e", "keys:.ssh/id_ed25519.pub").status, 0, "the public key travels as before")
        XCTAssertEqual(sandbox.git("status", "--porcelain").stdout, "")
        Self.assertNoPlaintext(gitDir: sandbox.repo, pieces: plaintextPieces + ["rsaKeyMaterialThatMustNeverLeave"])

        let out = sandbox.root + "/out"
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        XCTAssertExit(sandbox.naner("backup", "--name", "archived", "--output", out, "--compress", "--include-ssh-keys", "--no-encrypt"), 0)
        let listing = Sandbox.execute(["/usr/bin/python3", "-c", "import zipfile,sys; print('\\n'.join(zipfile.ZipFile(sys.argv[1]).namelist()))",
                                       out + "/archived.zip"], environment: sandbox.environment, directory: sandbox.root).lines
        XCTAssertEqual(listing.filter { $0 == ".ssh/id_ed25519" }.count, 1, "\(listing)")
        let key = Sandbox.execute(["/usr/bin/python3", "-c", "import zipfile,sys; sys.stdout.write(zipfile.ZipFile(sys.argv[1]).read('.ssh/id_ed25519').decode())",
                                   out + "/archived.zip"], environment: sandbox.environment, directory: sandbox.root)
        XCTAssertEqual(key.stdout, sshKey)
        // The archive restores on a machine without the identity: the key is written as archived.
        let other = try Sandbox()
        try other.makeTypicalHome()
        XCTAssertExit(other.naner("init"), 0)
        try FileManager.default.removeItem(atPath: other.home + "/.ssh/id_ed25519")
        XCTAssertExit(other.naner("restore", out + "/archived.zip", "--force"), 0)
        XCTAssertEqual(other.read(".ssh/id_ed25519"), Data(sshKey.utf8))
        XCTAssertEqual(other.mode(".ssh/id_ed25519"), 0o600)
        Self.assertNoPlaintext(gitDir: other.repo, pieces: ["secretKeyMaterialThatMustNeverLeave", "rsaKeyMaterialThatMustNeverLeave"])
    }

    /// A file committed in plain form before it is listed: the next commit stores it
    /// encrypted (its unchanged stat data does not hide it), and the warning says history
    /// keeps the plain version.
    func testAFileCommittedInPlainIsEncryptedFromTheNextCommit() throws {
        let sandbox = try Sandbox()
        try sandbox.makeTypicalHome()
        try sandbox.write(".config/tool/notes.txt", "the vault code is ubiquitous-otter\n")
        XCTAssertExit(sandbox.naner("init"), 0)
        XCTAssertEqual(sandbox.git("show", "HEAD:.config/tool/notes.txt").stdout, "the vault code is ubiquitous-otter\n")
        let added = sandbox.naner(["secret", "add", ".config/tool/notes.txt"], environment: passphrase)
        XCTAssertExit(added, 0)
        XCTAssertTrue(added.stderr.contains("warning: '.config/tool/notes.txt' was committed in plain form before"), added.stderr)
        XCTAssertTrue(sandbox.naner("status", "--short").stdout.contains(".config/tool/notes.txt"))
        XCTAssertExit(sandbox.naner("commit", "-m", "encrypt the notes"), 0)
        XCTAssertTrue(sandbox.git("show", "HEAD:.config/tool/notes.txt").stdout.hasPrefix("age-encryption.org/v1\n"))
        XCTAssertEqual(try ageDecrypt(sandbox, object: "HEAD:.config/tool/notes.txt", identity: sandbox.repo + "/naner-identity.txt"),
                       Data("the vault code is ubiquitous-otter\n".utf8))
        XCTAssertEqual(sandbox.git("status", "--porcelain").stdout, "")
        XCTAssertEqual(sandbox.naner("status", "--short").stdout, "")
    }

    private func identityLine(_ sandbox: Sandbox) -> String {
        let text = (try? String(contentsOfFile: sandbox.repo + "/naner-identity.txt", encoding: .utf8)) ?? ""
        return String(text.split(separator: "\n").last ?? "AGE-SECRET-KEY-1")
    }
}
