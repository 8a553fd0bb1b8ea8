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
}
