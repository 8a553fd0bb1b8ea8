import Foundation
import XCTest

/// The edges of files stored encrypted: what `naner status` says of secrets waiting for
/// the identity, that status never decrypts (the `-v` count, and no identity needed), a
/// local file `init --from` finds where the configuration has a secret, and a secret
/// over the size limit.
final class SecretEdgeTests: XCTestCase {
    private let passphrase = ["NANER_PASSPHRASE": "a long and memorable phrase"]
    private let sshKey = "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW\nQyNTUxOQAAACDedgeKeyMaterialThatMustNeverLeaveQQ9fQ==\n-----END OPENSSH PRIVATE KEY-----\n"
    private let ghHosts = "github.com:\n    user: owner\n    oauth_token: gho_Edge7e42F292c6912E7710c838347Ae178B4a\n    git_protocol: ssh\n"
    private let npmrc = "//registry.npmjs.org/:_authToken=npm_EdgeFirstMachine0123456789abcdefghijK\n"

    /// Machine A with three secrets committed and pushed to a bare repository in a folder.
    private func firstMachine() throws -> (Sandbox, cloud: String) {
        let first = try Sandbox()
        try first.makeTypicalHome()
        try first.write(".ssh/id_ed25519", sshKey, mode: 0o600)
        try first.write(".config/gh/hosts.yml", ghHosts)
        try first.write(".npmrc", npmrc)
        let cloud = first.root + "/cloud/Naner-Config.git"
        XCTAssertExit(first.naner("init"), 0)
        XCTAssertExit(first.naner(["secret", "add", ".ssh/id_ed25519", ".config/gh/hosts.yml", ".npmrc"], environment: passphrase), 0)
        XCTAssertExit(first.naner("commit", "-m", "secrets"), 0)
        XCTAssertExit(first.naner("sync", "--provider", "custom", "--path", cloud), 0)
        return (first, cloud)
    }

    private func ageDecrypt(_ sandbox: Sandbox, object: String) throws -> Data {
        let file = sandbox.root + "/blob.age"
        XCTAssertExit(Sandbox.execute(["/bin/sh", "-c", "git --git-dir=\"$1\" cat-file blob \"$2\" > \"$3\"", "sh", sandbox.repo, object, file],
                                      environment: sandbox.environment, directory: "/"), 0)
        let out = sandbox.root + "/blob.plain"
        XCTAssertExit(Sandbox.execute(["/usr/bin/age", "-d", "-i", sandbox.repo + "/naner-identity.txt", "-o", out, file],
                                      environment: ["PATH": "/usr/bin:/bin"], directory: "/"), 0)
        return try Data(contentsOf: URL(fileURLWithPath: out))
    }

    private func statusJSON(_ sandbox: Sandbox, file: StaticString = #filePath, line: UInt = #line) throws -> [String: Any] {
        let run = sandbox.naner("status", "--json")
        XCTAssertExit(run, 0, file: file, line: line)
        return try XCTUnwrap(JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any], file: file, line: line)
    }

    // MARK: - status and waiting secrets

    /// A new machine without the passphrase: status names how many secrets wait and how
    /// to lay them out (text and JSON), stays clean, and says nothing once they are unlocked.
    func testStatusNamesTheSecretsWaitingForUnlock() throws {
        let (first, cloud) = try firstMachine()
        XCTAssertFalse(first.naner("status").stdout.contains("wait"), "nothing waits on the machine that made them")
        XCTAssertEqual(try statusJSON(first)["waitingSecrets"] as? [String], [])

        let second = try Sandbox()
        XCTAssertExit(second.naner("init", "--from", cloud), 0)
        let status = second.naner("status")
        XCTAssertExit(status, 0)
        XCTAssertTrue(status.lines.contains("3 secrets wait for 'naner secret unlock' (stored encrypted, not laid out here):"), status.stdout)
        for path in [".config/gh/hosts.yml", ".npmrc", ".ssh/id_ed25519"] {
            XCTAssertTrue(status.lines.contains("  " + path), status.stdout)
        }
        XCTAssertTrue(status.stdout.hasSuffix("nothing to commit, managed files are clean\n"), status.stdout)
        XCTAssertEqual(status.stderr, "hint: 'naner secret unlock' lays them out with the passphrase (asked, or NANER_PASSPHRASE)\n")
        let json = try statusJSON(second)
        XCTAssertEqual(json["waitingSecrets"] as? [String], [".config/gh/hosts.yml", ".npmrc", ".ssh/id_ed25519"])
        XCTAssertEqual(json["clean"] as? Bool, true)
        XCTAssertEqual(second.naner("status", "--short").stdout, "", "one line a changed path: a waiting secret is no change")

        // Unlocked: the age files are opened now (the identity's and each secret's), and
        // status has nothing more to say about them.
        let unlock = second.naner(["secret", "unlock", "-v"], environment: passphrase)
        XCTAssertExit(unlock, 0)
        XCTAssertTrue(unlock.stderr.contains("secrets: 3 laid out, 0 kept beside, 4 decrypted"), unlock.stderr)
        let after = second.naner("status")
        XCTAssertEqual(after.stdout, "On branch main\nUp to date with 'origin/main' as of the last sync.\nnothing to commit, managed files are clean\n")
        XCTAssertEqual(after.stderr, "")
        XCTAssertEqual(try statusJSON(second)["waitingSecrets"] as? [String], [])
        XCTAssertEqual(second.read(".npmrc"), Data(npmrc.utf8))
    }

    // MARK: - status never decrypts

    /// `-v` counts every age file the process opened: status opens none, whether the
    /// secrets are untouched, touched or edited, and it works with the identity gone.
    func testStatusDecryptsNothingAndNeedsNoIdentity() throws {
        let (first, _) = try firstMachine()
        let clean = first.naner("status", "-v")
        XCTAssertExit(clean, 0)
        XCTAssertTrue(clean.stderr.contains("secrets: 3 stored encrypted, 0 read (hashed), 0 decrypted"), clean.stderr)

        // Touched: its stat data changed, so it is read and hashed, never decrypted; unchanged.
        XCTAssertExit(Sandbox.execute(["/usr/bin/touch", "-d", "2001-01-01", first.home + "/.npmrc"], environment: [:], directory: "/"), 0)
        let touched = first.naner("status", "-v")
        XCTAssertTrue(touched.stderr.contains("secrets: 3 stored encrypted, 1 read (hashed), 0 decrypted"), touched.stderr)
        XCTAssertTrue(touched.stdout.contains("nothing to commit"), touched.stdout)

        // The identity gone from this machine: status still sees an edit, by hash alone.
        let identity = first.repo + "/naner-identity.txt"
        try FileManager.default.moveItem(atPath: identity, toPath: first.root + "/identity.away")
        try first.write(".npmrc", npmrc + "//npm.example.com/:_authToken=npm_EdgeEditedToken0123456789abcdefghijK\n", mode: 0o600)
        let edited = first.naner("status", "-v")
        XCTAssertExit(edited, 0)
        XCTAssertTrue(edited.stdout.contains("modified:    .npmrc"), edited.stdout)
        XCTAssertTrue(edited.stderr.contains("secrets: 3 stored encrypted, 1 read (hashed), 0 decrypted"), edited.stderr)
        XCTAssertFalse(edited.stderr.contains("error:") || edited.stderr.contains("warning:"), edited.stderr)
        XCTAssertEqual(first.naner("status", "--short").stdout, "M .npmrc\n")
        try FileManager.default.moveItem(atPath: first.root + "/identity.away", toPath: identity)
        XCTAssertExit(first.naner("commit", "-m", "edited"), 0)
        XCTAssertEqual(first.naner("status", "--short").stdout, "")
    }

    // MARK: - init --from over a local secret

    /// The configuration stores `.npmrc` encrypted and this machine has its own: with the
    /// passphrase, `init --from` leaves it as it is with a warning naming it, keeps the
    /// configuration's version decrypted beside it, lays out the secret that is the same
    /// here, and the next commit stores this machine's version encrypted; the other
    /// machine gets it by a sync. Nothing in plain form anywhere.
    func testInitFromLeavesALocalSecretThatDiffersAndTheNextCommitStoresIt() throws {
        let (first, cloud) = try firstMachine()
        let second = try Sandbox()
        let mine = "//registry.npmjs.org/:_authToken=npm_EdgeSecondMachine0123456789abcdefghij\n"
        try second.write(".npmrc", mine)
        try second.write(".ssh/id_ed25519", sshKey, mode: 0o600)  // the same key: nothing to say about it

        let made = second.naner(["init", "--from", cloud], environment: passphrase)
        XCTAssertExit(made, 0)
        let kept = second.repo + "/naner-kept/.npmrc"
        XCTAssertTrue(made.stderr.contains("warning: '.npmrc' here differs from the stored version: it stays as it is, and the next commit "
                                           + "stores it encrypted; the stored version is kept decrypted in '\(kept)'"), made.stderr)
        XCTAssertFalse(made.stderr.contains("'.ssh/id_ed25519' here differs"), made.stderr)
        XCTAssertFalse(made.stderr.contains("error:"), made.stderr)
        XCTAssertEqual(second.read(".npmrc"), Data(mine.utf8), "this machine's file stays")
        XCTAssertEqual(second.mode(".npmrc"), 0o600, "private, as a secret")
        XCTAssertEqual(FileManager.default.contents(atPath: kept), Data(npmrc.utf8), "the configuration's version is kept")
        XCTAssertEqual((try FileManager.default.attributesOfItem(atPath: kept)[.posixPermissions] as? Int), 0o600)
        XCTAssertEqual(second.read(".ssh/id_ed25519"), Data(sshKey.utf8))
        XCTAssertEqual(second.read(".config/gh/hosts.yml"), Data(ghHosts.utf8))
        XCTAssertEqual(second.read(".ssh/config"), first.read(".ssh/config"))
        XCTAssertEqual(second.naner("status", "--short").stdout, "M .npmrc\n")

        let commit = second.naner("commit", "-m", "this machine's npm token")
        XCTAssertExit(commit, 0)
        XCTAssertTrue(second.git("show", "HEAD:.npmrc").stdout.hasPrefix("age-encryption.org/v1\n"))
        XCTAssertEqual(try ageDecrypt(second, object: "HEAD:.npmrc"), Data(mine.utf8))
        XCTAssertEqual(second.git("diff", "--name-only", "HEAD~1", "HEAD").stdout, ".npmrc\n", "only the secret that differed")
        XCTAssertEqual(second.git("status", "--porcelain").stdout, "")
        XCTAssertEqual(second.naner("status", "--short").stdout, "")
        XCTAssertExit(second.naner("sync"), 0)
        XCTAssertExit(first.naner("sync"), 0)
        XCTAssertEqual(first.read(".npmrc"), Data(mine.utf8))
        for gitDir in [first.repo, second.repo, cloud] {
            SecretTravelTests.assertNoPlaintext(gitDir: gitDir, pieces: ["npm_EdgeFirstMachine", "npm_EdgeSecondMachine", "gho_Edge",
                                                                         "edgeKeyMaterialThatMustNeverLeave", "_authToken"])
        }
    }

    /// Without the passphrase the local file cannot be compared yet: it is left as it is
    /// (named), counts as waiting, and `naner secret unlock` settles it as above.
    func testInitFromWithoutThePassphraseLeavesALocalSecretWaiting() throws {
        let (first, cloud) = try firstMachine()
        defer { withExtendedLifetime(first) {} }  // its folder holds the remote
        let second = try Sandbox()
        let mine = "//registry.npmjs.org/:_authToken=npm_EdgeSecondMachine0123456789abcdefghij\n"
        try second.write(".npmrc", mine)
        let made = second.naner("init", "--from", cloud)
        XCTAssertExit(made, 0)
        XCTAssertTrue(made.stderr.contains("warning: '.npmrc' is here already and stays as it is; it is stored encrypted, and the age "
                                           + "identity is needed to compare it with the stored version"), made.stderr)
        XCTAssertTrue(made.stderr.contains("warning: '.ssh/id_ed25519' is stored encrypted and waits for the age identity"), made.stderr)
        XCTAssertEqual(second.read(".npmrc"), Data(mine.utf8))
        XCTAssertEqual(try statusJSON(second)["waitingSecrets"] as? [String], [".config/gh/hosts.yml", ".npmrc", ".ssh/id_ed25519"])
        let head = second.git("rev-parse", "HEAD").stdout
        XCTAssertExit(second.naner("commit", "-m", "nothing yet"), 0)
        XCTAssertEqual(second.git("rev-parse", "HEAD").stdout, head, "a waiting secret is no change")

        let unlock = second.naner(["secret", "unlock"], environment: passphrase)
        XCTAssertExit(unlock, 0)
        XCTAssertTrue(unlock.stderr.contains("warning: '.npmrc' here differs from the stored version"), unlock.stderr)
        XCTAssertTrue(unlock.stdout.contains("decrypted '.ssh/id_ed25519'"), unlock.stdout)
        XCTAssertEqual(second.read(".npmrc"), Data(mine.utf8))
        XCTAssertEqual(FileManager.default.contents(atPath: second.repo + "/naner-kept/.npmrc"), Data(npmrc.utf8))
        XCTAssertEqual(second.naner("status", "--short").stdout, "M .npmrc\n")
        XCTAssertExit(second.naner("commit", "-m", "this machine's npm token"), 0)
        XCTAssertEqual(try ageDecrypt(second, object: "HEAD:.npmrc"), Data(mine.utf8))
        XCTAssertEqual(second.git("status", "--porcelain").stdout, "")
        SecretTravelTests.assertNoPlaintext(gitDir: second.repo, pieces: ["npm_EdgeFirstMachine", "npm_EdgeSecondMachine", "_authToken"])
    }

    // MARK: - recovery with age alone

    /// The README's recovery, run as written, on the remote alone (no naner, no machine
    /// that had the identity): git shows the wrapped identity, `age -d` opens it with the
    /// passphrase typed on a terminal, and `age -d -i` gives each secret back byte-exact.
    func testSecretsRecoverWithAgeAloneFromTheRemote() throws {
        let (first, cloud) = try firstMachine()
        defer { withExtendedLifetime(first) {} }  // its folder holds the remote
        let place = try Sandbox()
        let onTerminal = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("tools/on-terminal").path
        let environment = ["PATH": "/usr/bin:/bin", "HOME": place.root, "GIT_CONFIG_NOSYSTEM": "1",
                           "NANER_TEST_PASSPHRASE": passphrase["NANER_PASSPHRASE"]!]
        XCTAssertExit(Sandbox.execute(["/usr/bin/git", "clone", "-q", "--bare", cloud, "dotfiles.git"], environment: environment,
                                      directory: place.root), 0)
        XCTAssertExit(Sandbox.execute(["/bin/sh", "-c", "git --git-dir=dotfiles.git show HEAD:.naner/identity.age > identity.age"],
                                      environment: environment, directory: place.root), 0)
        XCTAssertExit(Sandbox.execute([onTerminal, "/usr/bin/age", "-d", "-o", "key.txt", "identity.age"], environment: environment,
                                      directory: place.root), 0)
        for (path, content) in [(".npmrc", npmrc), (".ssh/id_ed25519", sshKey), (".config/gh/hosts.yml", ghHosts)] {
            let run = Sandbox.execute(["/bin/sh", "-c", "git --git-dir=dotfiles.git show \"HEAD:$1\" | age -d -i key.txt", "sh", path],
                                      environment: environment, directory: place.root)
            XCTAssertExit(run, 0)
            XCTAssertEqual(run.stdout, content, path)
        }
    }

    // MARK: - size limit

    /// A listed file over `naner.maxFileSize` is skipped with a warning that names it, its
    /// size and the way to raise the limit: never stored in plain form, never a crash; a
    /// tracked secret that grows past it keeps its last encrypted version.
    func testASecretOverTheSizeLimitIsSkippedWithAWarning() throws {
        let sandbox = try Sandbox()
        try sandbox.makeTypicalHome()
        let token = "API_TOKEN=npm_EdgeLargeFile0123456789abcdefghijklmn\n"
        // 6 MiB: over the 5 MiB default.
        try sandbox.write(".config/tool/large.env", token + String(repeating: "x", count: 6 << 20) + "\n")
        XCTAssertExit(sandbox.naner("init"), 0)
        let added = sandbox.naner(["secret", "add", ".config/tool/large.env"], environment: passphrase)
        XCTAssertExit(added, 0)
        XCTAssertTrue(added.stderr.contains("warning: '.config/tool/large.env' is 6 MiB, over the 5 MiB limit: commits skip it until the limit is raised"),
                      added.stderr)
        let commit = sandbox.naner("commit", "-m", "large secret")
        XCTAssertExit(commit, 0)
        XCTAssertTrue(commit.stderr.contains("warning: skipping '.config/tool/large.env': 6 MiB, over the 5 MiB limit for a file stored encrypted"),
                      commit.stderr)
        XCTAssertTrue(commit.stderr.contains("hint: a file stored encrypted is read whole: 'git config --file REPO/config naner.maxFileSize 20m'"),
                      commit.stderr)
        XCTAssertFalse(commit.stderr.contains("'naner add PATH' commits a large file anyway"), "that does not let a secret in: \(commit.stderr)")
        XCTAssertFalse(sandbox.trackedFiles().contains(".config/tool/large.env"))
        XCTAssertEqual(sandbox.naner("status", "--short").stdout, "S .config/tool/large.env\n")
        SecretTravelTests.assertNoPlaintext(gitDir: sandbox.repo, pieces: ["npm_EdgeLargeFile", "xxxxxxxxxxxxxxxx"])

        // The limit raised: stored encrypted, byte-exact.
        XCTAssertExit(sandbox.git("config", "naner.maxFileSize", "20m"), 0)
        XCTAssertExit(sandbox.naner("commit", "-m", "large secret, limit raised"), 0)
        XCTAssertEqual(try ageDecrypt(sandbox, object: "HEAD:.config/tool/large.env"), sandbox.read(".config/tool/large.env"))
        let stored = sandbox.git("rev-parse", "HEAD:.config/tool/large.env").stdout

        // Grown past a lower limit: skipped again, the last encrypted version stays.
        XCTAssertExit(sandbox.git("config", "naner.maxFileSize", "1m"), 0)
        try sandbox.write(".config/tool/large.env", token + String(repeating: "y", count: 7 << 20) + "\n", mode: 0o600)
        let grown = sandbox.naner("commit", "-m", "grown")
        XCTAssertExit(grown, 0)
        XCTAssertTrue(grown.stderr.contains("warning: skipping '.config/tool/large.env': 7 MiB, over the 1 MiB limit for a file stored encrypted"),
                      grown.stderr)
        XCTAssertEqual(sandbox.git("rev-parse", "HEAD:.config/tool/large.env").stdout, stored)
        SecretTravelTests.assertNoPlaintext(gitDir: sandbox.repo, pieces: ["npm_EdgeLargeFile", "xxxxxxxxxxxxxxxx", "yyyyyyyyyyyyyyyy"])
        XCTAssertExit(sandbox.git("fsck", "--strict"), 0)
    }
}
