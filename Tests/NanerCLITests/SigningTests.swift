import Foundation
import XCTest

/// `commit.gpgSign` and `tag.gpgSign` in the user's git config: every commit and tag naner
/// makes is signed through the configured program, and git accepts the signatures
/// (`git verify-commit`, `git verify-tag`, `git log --show-signature`). A signing program
/// that fails stops the command with one line; nothing is created and HEAD stays.
final class SigningTests: XCTestCase {
    /// An ed25519 key made by the real `ssh-keygen`, outside the home, and the allowed
    /// signers file git verifies with.
    private func sshKey(_ sandbox: Sandbox, email: String = "owner@example.com") throws -> (key: String, allowed: String) {
        let folder = sandbox.root + "/keys"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let key = folder + "/signing"
        XCTAssertExit(Sandbox.execute(["/usr/bin/ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", email, "-f", key],
                                      environment: ["PATH": "/usr/bin:/bin"], directory: folder), 0)
        let publicKey = try String(contentsOfFile: key + ".pub", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        let allowed = folder + "/allowed_signers"
        try "\(email) namespaces=\"git\" \(publicKey)\n".write(toFile: allowed, atomically: true, encoding: .utf8)
        return (key, allowed)
    }

    private func gitConfig(signing: String) -> String {
        "[user]\n\tname = Home Owner\n\temail = owner@example.com\n" + signing
    }

    private func rev(_ sandbox: Sandbox, _ name: String) -> String {
        sandbox.git("rev-parse", name).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    private func assertSigned(_ sandbox: Sandbox, commit: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertExit(sandbox.git("verify-commit", commit), 0, file: file, line: line)
        let shown = sandbox.git("log", "--show-signature", "-1", commit)
        XCTAssertTrue(shown.stdout.contains("Good \"git\" signature for owner@example.com"), shown.stdout + shown.stderr, file: file, line: line)
    }

    func testSSHSignedCommitsTagsSafetyPointsAndMerges() throws {
        let sandbox = try Sandbox()
        try sandbox.makeTypicalHome()
        let (key, allowed) = try sshKey(sandbox)
        try sandbox.write(".gitconfig", gitConfig(signing: """
            \tsigningkey = \(key)
            [gpg]
            \tformat = ssh
            [gpg "ssh"]
            \tallowedSignersFile = \(allowed)
            [commit]
            \tgpgsign = true
            [tag]
            \tgpgsign = true

            """))
        XCTAssertExit(sandbox.naner("init"), 0)
        assertSigned(sandbox, commit: "HEAD")

        // An everyday commit: still one pack, no loose commit object.
        try sandbox.write(".bashrc", "export EDITOR=nvim\n")
        XCTAssertExit(sandbox.naner("commit", "-m", "nvim"), 0)
        let head = rev(sandbox, "HEAD")
        assertSigned(sandbox, commit: head)
        XCTAssertFalse(FileManager.default.fileExists(atPath: sandbox.repo + "/objects/" + head.prefix(2) + "/" + head.dropFirst(2)),
                       "the signed commit is stored in the commit's pack")
        XCTAssertEqual(sandbox.git("cat-file", "-p", "HEAD").stdout.components(separatedBy: "\ngpgsig -----BEGIN SSH SIGNATURE-----\n").count, 2)

        // A backup: its pending commit and its annotated tag.
        try sandbox.write(".vimrc", "set number\nset hlsearch\n")
        XCTAssertExit(sandbox.naner("backup", "--name", "signed", "-m", "before the upgrade"), 0)
        assertSigned(sandbox, commit: "HEAD")
        let tag = sandbox.git("verify-tag", "signed")
        XCTAssertExit(tag, 0)
        XCTAssertTrue(tag.stderr.contains("Good \"git\" signature for owner@example.com"), tag.stderr)
        XCTAssertTrue(sandbox.naner("backups").stdout.contains("before the upgrade"), "the manifest is still read back")

        // A forced restore: its safety point and the commit recording the restore.
        try sandbox.write(".bashrc", "uncommitted\n")
        XCTAssertExit(sandbox.naner("restore", "HEAD~1", "--force"), 0)
        let safety = try XCTUnwrap(sandbox.git("for-each-ref", "--format=%(refname)", "refs/naner/safety").lines.first)
        assertSigned(sandbox, commit: safety)
        assertSigned(sandbox, commit: "HEAD")
        XCTAssertExit(sandbox.git("fsck", "--strict"), 0)

        // A sync merge, on a second machine that took this configuration (signing included).
        let folder = sandbox.root + "/cloud/Naner-Config.git"
        let provider = ["--provider", "custom", "--path", folder]
        XCTAssertExit(sandbox.naner(["sync"] + provider), 0)
        let second = try Sandbox()
        XCTAssertExit(second.naner("init", "--from", folder), 0)
        try sandbox.write(".config/kitty/kitty.conf", "font_size 14\n")
        XCTAssertExit(sandbox.naner("commit", "-m", "first: kitty"), 0)
        XCTAssertExit(sandbox.naner(["sync"] + provider), 0)
        try second.write(".bash_aliases", "alias g=git\n")
        XCTAssertExit(second.naner("commit", "-m", "second: aliases"), 0)
        let merge = second.naner(["sync"] + provider)
        XCTAssertExit(merge, 0)
        XCTAssertTrue(merge.stdout.contains("merged"), merge.stdout)
        XCTAssertEqual(second.git("log", "-1", "--format=%P").stdout.split(separator: " ").count, 2, "a merge commit")
        assertSigned(second, commit: "HEAD")
        XCTAssertExit(second.git("fsck", "--strict"), 0)
    }

    func testAFailingSignerStopsTheCommitWithOneLine() throws {
        let sandbox = try Sandbox()
        try sandbox.makeTypicalHome()
        let (key, allowed) = try sshKey(sandbox)
        XCTAssertExit(sandbox.naner("init"), 0)
        try sandbox.write(".gitconfig", gitConfig(signing: """
            \tsigningkey = \(key)
            [gpg]
            \tformat = ssh
            [gpg "ssh"]
            \tallowedSignersFile = \(allowed)
            \tprogram = /bin/false
            [commit]
            \tgpgsign = true

            """))
        let head = rev(sandbox, "HEAD")
        let objects = sandbox.git("count-objects", "-v").stdout

        let commit = sandbox.naner("commit", "-m", "never signed")
        XCTAssertExit(commit, 1)
        XCTAssertOneErrorLine(commit, contains: "cannot sign the commit (commit.gpgSign is on): '/bin/false' (gpg.ssh.program) failed with exit status 1")
        XCTAssertEqual(rev(sandbox, "HEAD"), head, "HEAD does not move")
        XCTAssertEqual(sandbox.git("count-objects", "-v").stdout, objects, "no object written")
        XCTAssertEqual(sandbox.naner("status", "--short").stdout, "M .gitconfig\n", "the change is still to commit")
        XCTAssertEqual(sandbox.git("status", "--porcelain").stdout, " M .gitconfig\n", "the index did not move either")

        // No key at all: git's own words.
        try sandbox.write(".gitconfig", gitConfig(signing: "[gpg]\n\tformat = ssh\n[commit]\n\tgpgsign = true\n"))
        let noKey = sandbox.naner("commit", "-m", "no key")
        XCTAssertExit(noKey, 1)
        XCTAssertOneErrorLine(noKey, contains: "user.signingKey needs to be set for ssh signing")
        XCTAssertEqual(rev(sandbox, "HEAD"), head)

        // A backup whose tag cannot be signed makes no tag.
        try sandbox.write(".gitconfig", gitConfig(signing: """
            \tsigningkey = \(key)
            [gpg]
            \tformat = ssh
            [gpg "ssh"]
            \tprogram = /bin/false
            [tag]
            \tgpgsign = true

            """))
        XCTAssertExit(sandbox.naner("commit", "-m", "tags only"), 0)
        let backup = sandbox.naner("backup", "--name", "unsigned")
        XCTAssertExit(backup, 1)
        XCTAssertOneErrorLine(backup, contains: "cannot sign the tag (tag.gpgSign is on): '/bin/false' (gpg.ssh.program) failed")
        XCTAssertEqual(sandbox.git("tag", "-l").stdout, "")
        XCTAssertExit(sandbox.git("fsck", "--strict"), 0)
    }

    func testOpenPGPSignedCommitWithAThrowawayKeyring() throws {
        guard FileManager.default.fileExists(atPath: "/usr/bin/gpg") else { throw XCTSkip("gpg is not installed") }
        let sandbox = try Sandbox()
        try sandbox.makeTypicalHome()
        let gnupg = sandbox.root + "/gnupg"
        try FileManager.default.createDirectory(atPath: gnupg, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let environment = sandbox.environment.merging(["GNUPGHOME": gnupg]) { $1 }
        defer { _ = Sandbox.execute(["/usr/bin/gpgconf", "--kill", "gpg-agent"], environment: environment, directory: "/") }
        XCTAssertExit(Sandbox.execute(["/usr/bin/gpg", "--batch", "--passphrase", "", "--quick-generate-key", "Home Owner <owner@example.com>",
                                       "ed25519", "sign", "never"], environment: environment, directory: "/"), 0)
        // No user.signingKey: gpg picks the key by the committer, as git has it do.
        try sandbox.write(".gitconfig", gitConfig(signing: "[commit]\n\tgpgsign = true\n"))
        XCTAssertExit(sandbox.naner(["init"], environment: ["GNUPGHOME": gnupg]), 0)
        let verify = Sandbox.execute(["/usr/bin/git", "--git-dir=" + sandbox.repo, "verify-commit", "HEAD"], environment: environment,
                                     directory: sandbox.home)
        XCTAssertExit(verify, 0)
        XCTAssertTrue(verify.stderr.contains("Good signature from \"Home Owner <owner@example.com>\""), verify.stderr)

        // A key gpg does not have stops the commit.
        try sandbox.write(".gitconfig", gitConfig(signing: "\tsigningkey = nobody@example.com\n[commit]\n\tgpgsign = true\n"))
        let head = rev(sandbox, "HEAD")
        let failed = sandbox.naner(["commit", "-m", "unknown key"], environment: ["GNUPGHOME": gnupg])
        XCTAssertExit(failed, 1)
        XCTAssertOneErrorLine(failed, contains: "cannot sign the commit (commit.gpgSign is on): 'gpg' failed")
        XCTAssertEqual(rev(sandbox, "HEAD"), head)
    }
}
