import Foundation
import XCTest

/// The secret guard where a user meets it: refusals that name the rule, the way out of
/// a false positive, link targets and messages, and the credential stores `.syncignore` names.
final class SecretGuardCLITests: XCTestCase {
    private let token = "ghp_" + String(repeating: "k7Q2", count: 9)

    /// A false positive: refused with the rule named and `naner secret allow` in the hint;
    /// allowed for that rule, it is committed, and doctor lists it; another rule still refuses.
    func testAllowingAFalsePositive() throws {
        let sandbox = try Sandbox()
        try sandbox.makeTypicalHome()
        XCTAssertExit(sandbox.naner("init"), 0)
        // A test fixture that looks like a credential to the generic rule.
        try sandbox.write(".config/app/fixture.ini", "[test]\npassword = Wq9!zT4#mB2x\n")
        let refused = sandbox.naner("commit", "-m", "fixture")
        XCTAssertExit(refused, 0)
        XCTAssertTrue(refused.stderr.contains("not committing '.config/app/fixture.ini': it contains a credential assigned to 'password' (rule generic-secret)"),
                      refused.stderr)
        XCTAssertTrue(refused.stderr.contains("hint:") && refused.stderr.contains("naner secret allow '.config/app/fixture.ini' --rule generic-secret"),
                      refused.stderr)
        XCTAssertFalse(sandbox.trackedFiles().contains(".config/app/fixture.ini"))

        let allow = sandbox.naner("secret", "allow", sandbox.home + "/.config/app/fixture.ini", "--rule", "generic-secret")
        XCTAssertExit(allow, 0)
        XCTAssertTrue(allow.stdout.contains("allowed '.config/app/fixture.ini' to match rule generic-secret"), allow.stdout)
        XCTAssertEqual(String(decoding: sandbox.read(".naner/allowed-secrets") ?? Data(), as: UTF8.self)
            .split(separator: "\n").filter { !$0.hasPrefix("#") }, ["generic-secret .config/app/fixture.ini"])
        XCTAssertTrue(sandbox.naner("secret", "allow", ".config/app/fixture.ini", "--rule", "generic-secret").stdout.contains("already"))
        let status = sandbox.naner("status", "--short")
        XCTAssertTrue(status.stdout.contains("A .config/app/fixture.ini") && !status.stdout.contains("! "), status.stdout)
        XCTAssertExit(sandbox.naner("commit", "-m", "fixture, allowed"), 0)
        XCTAssertTrue(sandbox.trackedFiles().contains(".config/app/fixture.ini"))
        XCTAssertTrue(sandbox.trackedFiles().contains(".naner/allowed-secrets"), "the allowance travels with the configuration")
        let doctor = sandbox.naner("doctor")
        XCTAssertExit(doctor, 0)
        XCTAssertTrue(doctor.stdout.contains("allowed secret: '.config/app/fixture.ini' may match rule generic-secret"), doctor.stdout)

        // The allowance is for that rule only: a real token added to the file is refused again.
        try sandbox.write(".config/app/fixture.ini", "[test]\npassword = Wq9!zT4#mB2x\ngithub = \(token)\n")
        let again = sandbox.naner("commit", "-m", "token")
        XCTAssertTrue(again.stderr.contains("not committing '.config/app/fixture.ini': it contains a GitHub token (rule github-token)"), again.stderr)
        XCTAssertFalse(sandbox.git("show", "HEAD:.config/app/fixture.ini").stdout.contains(token))
        XCTAssertTrue(sandbox.naner("doctor").stdout.contains("allowed secret:"))
    }

    /// An allowance arriving by a pull widens what this machine commits: each one is named.
    func testAnAllowanceArrivingByPullIsNamed() throws {
        let first = try Sandbox(), second = try Sandbox()
        let cloud = first.root + "/cloud/Naner-Config.git"
        try first.makeTypicalHome()
        XCTAssertExit(first.naner("init"), 0)
        XCTAssertExit(first.naner("sync", "--provider", "custom", "--path", cloud), 0)
        XCTAssertExit(second.naner("init", "--from", cloud), 0)
        try first.write(".ssh/notes.txt", "not a key\n")
        XCTAssertExit(first.naner("secret", "allow", ".ssh/notes.txt"), 0)
        XCTAssertExit(first.naner("commit", "-m", "allow notes"), 0)
        XCTAssertExit(first.naner("sync"), 0)
        let pull = second.naner("sync", "pull")
        XCTAssertExit(pull, 0)
        XCTAssertTrue(pull.stderr.contains("warning:") && pull.stderr.contains("allows '.ssh/notes.txt' to hold any secret (.naner/allowed-secrets)"),
                      pull.stderr)
        XCTAssertFalse(second.naner("sync", "pull").stderr.contains("allows"), "said when it arrives, not again")
    }

    /// Bad input to `secret allow`: one line, nonzero, nothing written.
    func testAllowRefusesUnknownRulesAndMissingFiles() throws {
        let sandbox = try Sandbox()
        try sandbox.makeTypicalHome()
        XCTAssertExit(sandbox.naner("init"), 0)
        let unknown = sandbox.naner("secret", "allow", ".bashrc", "--rule", "no-such-rule")
        XCTAssertNotEqual(unknown.status, 0)
        XCTAssertTrue(unknown.stderr.hasPrefix("error: no secret rule named 'no-such-rule'\n"), unknown.stderr)
        XCTAssertTrue(unknown.stderr.contains("naner secret rules"), unknown.stderr)
        let missing = sandbox.naner("secret", "allow", ".config/nothing-here")
        XCTAssertNotEqual(missing.status, 0)
        XCTAssertTrue(missing.stderr.hasPrefix("error: '.config/nothing-here' does not exist\n"), missing.stderr)
        XCTAssertFalse(sandbox.exists(".naner/allowed-secrets"))
        let rules = sandbox.naner("secret", "rules")
        XCTAssertExit(rules, 0)
        XCTAssertTrue(rules.stdout.contains("gitlab-token\ta GitLab token\n") && rules.lines.count >= 50, rules.stdout)
    }

    /// A link's target is what git stores for it: a token there never leaves the machine.
    func testALinkWhoseTargetHoldsATokenIsRefused() throws {
        let sandbox = try Sandbox()
        try sandbox.makeTypicalHome()
        XCTAssertExit(sandbox.naner("init"), 0)
        try FileManager.default.createDirectory(atPath: sandbox.home + "/.config/app", withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: sandbox.home + "/.config/app/token", withDestinationPath: token)
        try FileManager.default.createSymbolicLink(atPath: sandbox.home + "/.config/app/ok", withDestinationPath: "../kitty")
        let run = sandbox.naner("commit", "-m", "links")
        XCTAssertTrue(run.stderr.contains("not committing '.config/app/token': it has a link target holding a GitHub token (rule github-token)"),
                      run.stderr)
        XCTAssertTrue(sandbox.trackedFiles().contains(".config/app/ok"))
        XCTAssertFalse(sandbox.trackedFiles().contains(".config/app/token"))
        XCTAssertTrue(sandbox.naner("status").stdout.contains(".config/app/token: it has a link target holding"))
    }

    /// A message travels with every push: a secret in it stops the command before anything is written.
    func testASecretInACommitOrBackupMessageStopsTheCommand() throws {
        let sandbox = try Sandbox()
        try sandbox.makeTypicalHome()
        XCTAssertExit(sandbox.naner("init"), 0)
        try sandbox.write(".bashrc", "export EDITOR=nvim\n")
        let head = sandbox.git("rev-parse", "main").stdout
        let index = sandbox.read("../repo.git/index") ?? FileManager.default.contents(atPath: sandbox.repo + "/index")

        let commit = sandbox.naner("commit", "-m", "rotate \(token) later")
        XCTAssertNotEqual(commit.status, 0)
        XCTAssertTrue(commit.stderr.hasPrefix("error: the commit message contains a GitHub token (rule github-token)\n"), commit.stderr)
        XCTAssertFalse(commit.stderr.contains(token) || commit.stdout.contains(token), "the secret is never printed")
        XCTAssertEqual(sandbox.git("rev-parse", "main").stdout, head)
        XCTAssertEqual(FileManager.default.contents(atPath: sandbox.repo + "/index"), index, "the index is untouched")

        let backup = sandbox.naner("backup", "--name", "before-rotation", "-m", "OPENAI_API_KEY=sk-proj-" + String(repeating: "Zx9_", count: 12))
        XCTAssertNotEqual(backup.status, 0)
        XCTAssertTrue(backup.stderr.hasPrefix("error: the backup message contains an OpenAI API key (rule openai-api-key)\n"), backup.stderr)
        XCTAssertEqual(sandbox.git("tag", "--list").stdout, "")
        // A tag's name travels too.
        let named = sandbox.naner("backup", "--name", "before-" + token)
        XCTAssertTrue(named.stderr.hasPrefix("error: the backup name contains a GitHub token (rule github-token)\n"), named.stderr)
        XCTAssertEqual(sandbox.git("tag", "--list").stdout, "")
        XCTAssertEqual(sandbox.git("rev-parse", "main").stdout, head)
        XCTAssertExit(sandbox.naner("commit", "-m", "editor"), 0)
    }

    /// Placeholders are no secrets, in a URL's password part too.
    func testPlaceholdersAreCommitted() throws {
        let sandbox = try Sandbox()
        try sandbox.makeTypicalHome()
        XCTAssertExit(sandbox.naner("init"), 0)
        try sandbox.write(".config/app/env", """
            DATABASE_URL=postgres://app:${PGPASSWORD}@db/app
            export GITHUB_TOKEN="$(pass show github)"
            password = changeme
            api_key: <your-api-key>
            token = {{ .token }}
            client_secret = xxxxxxxxxxxxxxxx

            """)
        let run = sandbox.naner("commit", "-m", "env")
        XCTAssertExit(run, 0)
        XCTAssertFalse(run.stderr.contains("not committing"), run.stderr)
        XCTAssertTrue(sandbox.trackedFiles().contains(".config/app/env"))
    }

    /// git's credential store under XDG is excluded by the shipped `.syncignore`: no warning at
    /// every commit. A `.syncignore` an earlier naner laid gains the credential stores at the
    /// next commit, said once; a line the user removes afterwards stays removed.
    func testCredentialStoresAreExcludedAndEarlierRepositoriesGainThemOnce() throws {
        let fresh = try Sandbox()
        try fresh.makeTypicalHome()
        try fresh.write(".config/git/credentials", "https://ann:Zq8wX3vB9nL2@github.com\n", mode: 0o600)
        let initRun = fresh.naner("init")
        XCTAssertExit(initRun, 0)
        XCTAssertFalse(initRun.stderr.contains("credentials"), initRun.stderr)
        let check = fresh.naner("ignore", "check", ".config/git/credentials")
        XCTAssertTrue(check.stdout.contains("not managed (.syncignore:"), check.stdout + check.stderr)

        // A repository made by an earlier naner: its .syncignore lacks the block, its config the key.
        let earlier = try Sandbox()
        try earlier.makeTypicalHome()
        XCTAssertExit(earlier.naner("init"), 0)
        let shipped = String(decoding: earlier.read(".syncignore")!, as: UTF8.self)
        let block = shipped.range(of: "\n# Credential stores")!
        let end = shipped[block.upperBound...].range(of: "\n\n")!
        try earlier.write(".syncignore", String(shipped[..<block.lowerBound]) + String(shipped[end.lowerBound...]))
        XCTAssertExit(earlier.naner("commit", "-m", "as an earlier naner left it"), 0)
        XCTAssertExit(earlier.git("config", "--unset", "naner.credentialStoresExcluded"), 0)
        try earlier.write(".config/git/credentials", "https://ann:Zq8wX3vB9nL2@github.com\n", mode: 0o600)

        let first = earlier.naner("commit", "-m", "after the upgrade")
        XCTAssertExit(first, 0)
        XCTAssertTrue(first.stderr.contains("warning: added 19 credential stores to .syncignore ('.config/git/credentials', '.authinfo', …)"),
                      first.stderr)
        XCTAssertFalse(first.stderr.contains("not committing"), first.stderr)
        XCTAssertTrue(earlier.git("show", "HEAD:.syncignore").stdout.contains("\n.config/git/credentials\n"))
        XCTAssertEqual(earlier.git("status", "--porcelain").stdout, "")
        // Said once; the user's own choice afterwards stands.
        let edited = String(decoding: earlier.read(".syncignore")!, as: UTF8.self).replacingOccurrences(of: "\n.pypirc\n", with: "\n")
        try earlier.write(".syncignore", edited)
        let second = earlier.naner("commit", "-m", "pypirc is mine")
        XCTAssertFalse(second.stderr.contains("credential stores"), second.stderr)
        XCTAssertFalse(earlier.git("show", "HEAD:.syncignore").stdout.contains("\n.pypirc\n"))
    }
}
