import Foundation
import XCTest

/// `naner sync` over SSH through a `~/.ssh/config` alias, against a real sshd on
/// loopback: push (receive-pack through the system ssh), pull, and a diverged push.
final class SSHSyncTests: XCTestCase {
    private var server: SSHServer!
    private var bare: String!
    private var first: Sandbox!
    private var ssh: [String: String] = [:]

    override func setUpWithError() throws {
        guard getuid() == 0 else { throw XCTSkip("sshd logins need root (tests run as root in CI)") }
        server = try SSHServer()
        first = try Sandbox()
        bare = first.root + "/server/config.git"
        XCTAssertExit(Sandbox.execute(["/usr/bin/git", "init", "--quiet", "--bare", "--initial-branch=main", bare],
                                      environment: first.environment, directory: first.root), 0)
        try first.makeTypicalHome()
        // The alias lives in the managed ~/.ssh/config, as a real user's would.
        ssh = try server.configureClient(home: first.home)
        XCTAssertExit(first.naner("init"), 0)
        XCTAssertExit(first.naner("backup", "--name", "baseline"), 0)
    }

    override func tearDown() {
        server = nil
        first = nil
    }

    private func serverGit(_ arguments: String...) -> Sandbox.Run {
        Sandbox.execute(["/usr/bin/git", "--git-dir=" + bare] + arguments,
                        environment: ["PATH": "/usr/bin:/bin", "GIT_CONFIG_NOSYSTEM": "1", "HOME": first.root], directory: "/")
    }

    private func head(_ sandbox: Sandbox) -> String { sandbox.git("rev-parse", "HEAD").stdout.trimmingCharacters(in: .whitespacesAndNewlines) }
    private func serverMain() -> String { serverGit("rev-parse", "--verify", "-q", "main").stdout.trimmingCharacters(in: .whitespacesAndNewlines) }

    func testPushAndPullThroughAnAlias() throws {
        XCTAssertExit(first.naner("remote", "add", "origin", "dots:" + bare), 0)
        let push = first.naner(["sync"], environment: ssh)
        XCTAssertExit(push, 0)
        XCTAssertTrue(push.stdout.contains("pushed main"), push.stdout)
        XCTAssertEqual(serverMain(), head(first))
        XCTAssertEqual(serverGit("tag", "-l").stdout, "baseline\n")
        XCTAssertExit(serverGit("fsck", "--strict"), 0)

        let second = try Sandbox()
        XCTAssertExit(second.naner(["init", "--from", "ssh://dots" + bare], environment: ssh), 0)
        XCTAssertEqual(second.read(".ssh/config"), first.read(".ssh/config"))
        try second.write(".vimrc", "set number\nset ruler\n")
        XCTAssertExit(second.naner("commit", "-m", "second: ruler"), 0)
        XCTAssertExit(second.naner(["sync"], environment: ssh), 0)
        XCTAssertEqual(serverMain(), head(second))

        let pull = first.naner(["sync", "pull"], environment: ssh)
        XCTAssertExit(pull, 0)
        XCTAssertTrue(pull.stdout.contains("updated '.vimrc'"), pull.stdout)
        XCTAssertEqual(head(first), head(second))
        XCTAssertEqual(first.read(".vimrc"), second.read(".vimrc"))
        XCTAssertEqual(first.git("status", "--porcelain").stdout, "")
        XCTAssertExit(serverGit("fsck", "--strict"), 0)

        // Both edit, the second pushes first; the first is refused, then merges and pushes.
        try first.write(".bashrc", "export EDITOR=vim\nalias ll='ls -la'\n")
        XCTAssertExit(first.naner("commit", "-m", "first: ls -la"), 0)
        try second.write(".config/kitty/kitty.conf", "font_size 15\n")
        XCTAssertExit(second.naner("commit", "-m", "second: bigger font"), 0)
        XCTAssertExit(second.naner(["sync"], environment: ssh), 0)
        let refused = first.naner(["sync", "push"], environment: ssh)
        XCTAssertExit(refused, 1)
        XCTAssertOneErrorLine(refused, contains: "remote 'origin' has commits this machine does not have")
        XCTAssertExit(first.naner(["sync"], environment: ssh), 0)
        XCTAssertEqual(serverMain(), head(first))
        XCTAssertEqual(serverGit("log", "-1", "--format=%P", "main").stdout.split(separator: " ").count, 2, "a merge commit")
        XCTAssertNoSecrets(gitDir: bare)
        XCTAssertExit(serverGit("fsck", "--strict"), 0)
    }

    func testWrongKeyIsOneLineAndChangesNothing() throws {
        XCTAssertExit(first.naner("remote", "add", "origin", "dots:" + bare), 0)
        let stranger = first.root + "/stranger_ed25519"
        try SSHServer.makeKey(stranger)
        let wrong = try server.configureClient(home: first.root + "/elsewhere", identity: stranger)
        let run = first.naner(["sync"], environment: wrong)
        XCTAssertExit(run, 1)
        XCTAssertOneErrorLine(run, contains: "Permission denied")
        XCTAssertEqual(serverMain(), "", "nothing pushed")
        XCTAssertEqual(first.git("for-each-ref", "refs/remotes").stdout, "")
    }
}
