import Foundation
import XCTest

/// `naner sync` through a real smart-HTTP server (lighttpd + git http-backend, basic
/// authentication): push, pull, a wrong password, a server that refuses, a server that
/// dies mid-push. The git CLI checks the server's repository after each.
final class HTTPSyncTests: XCTestCase {
    private var server: HTTPServer!
    private var bare: String!

    override func setUpWithError() throws {
        server = try HTTPServer()
        bare = try server.createEmpty("config.git")
    }

    override func tearDown() {
        server?.stop()
        server = nil
    }

    private var token: [String: String] { ["NANER_TOKEN": HTTPServer.password] }

    private func serverGit(_ arguments: String...) -> Sandbox.Run {
        Sandbox.execute(["/usr/bin/git", "--git-dir=" + bare] + arguments,
                        environment: ["PATH": "/usr/bin:/bin", "GIT_CONFIG_NOSYSTEM": "1", "HOME": server.root], directory: "/")
    }

    private func serverMain() -> String { serverGit("rev-parse", "--verify", "-q", "main").stdout.trimmingCharacters(in: .whitespacesAndNewlines) }
    private func head(_ sandbox: Sandbox) -> String { sandbox.git("rev-parse", "HEAD").stdout.trimmingCharacters(in: .whitespacesAndNewlines) }

    /// A machine with a configuration and `origin` pointing at the server (user in the URL, token in the environment).
    private func machine() throws -> Sandbox {
        let sandbox = try Sandbox()
        try sandbox.makeTypicalHome()
        XCTAssertExit(sandbox.naner("init"), 0)
        XCTAssertExit(sandbox.naner("remote", "add", "origin", server.url("config.git", user: HTTPServer.user)), 0)
        return sandbox
    }

    func testPushThenPullOnAnotherMachine() throws {
        let first = try machine()
        XCTAssertExit(first.naner("backup", "--name", "baseline"), 0)
        let push = first.naner(["sync", "push"], environment: token)
        XCTAssertExit(push, 0)
        XCTAssertTrue(push.stdout.contains("pushed main"), push.stdout)
        XCTAssertEqual(serverMain(), head(first))
        XCTAssertEqual(serverGit("tag", "-l").stdout, "baseline\n")
        XCTAssertExit(serverGit("fsck", "--strict"), 0)

        let second = try Sandbox()
        XCTAssertExit(second.naner(["init", "--from", server.url("config.git", user: HTTPServer.user)], environment: token), 0)
        try second.write(".vimrc", "set number\nset ruler\n")
        XCTAssertExit(second.naner("commit", "-m", "second: ruler"), 0)
        XCTAssertExit(second.naner(["sync"], environment: token), 0)
        XCTAssertEqual(serverMain(), head(second))

        let pull = first.naner(["sync", "pull"], environment: token)
        XCTAssertExit(pull, 0)
        XCTAssertTrue(pull.stdout.contains("updated '.vimrc'"), pull.stdout)
        XCTAssertEqual(first.read(".vimrc"), second.read(".vimrc"))
        XCTAssertEqual(head(first), head(second))
        XCTAssertEqual(first.git("status", "--porcelain").stdout, "")
        XCTAssertExit(serverGit("fsck", "--strict"), 0)
        XCTAssertFalse(first.git("config", "--list").stdout.contains(HTTPServer.password), "no password in the config")
        XCTAssertNoSecrets(gitDir: bare)
        for file in ["config", "logs/HEAD", "logs/refs/heads/main", "logs/refs/remotes/origin/main", "FETCH_HEAD"] {
            let text = (try? String(contentsOfFile: first.repo + "/" + file, encoding: .utf8)) ?? ""
            XCTAssertFalse(text.contains(HTTPServer.password), "the password in \(file)")
        }
    }

    func testWrongPasswordIsOneLineAndChangesNothing() throws {
        let first = try machine()
        XCTAssertExit(first.naner(["sync", "push"], environment: token), 0)
        try first.write(".vimrc", "set nonumber\n")
        XCTAssertExit(first.naner("commit", "-m", "later"), 0)
        let before = serverMain()
        let run = first.naner(["sync"], environment: ["NANER_TOKEN": "wrong-password"])
        XCTAssertExit(run, 1)
        XCTAssertOneErrorLine(run, contains: "authentication failed for '\(server.url("config.git", user: HTTPServer.user))'")
        XCTAssertFalse(run.stderr.contains("wrong-password") || run.stdout.contains("wrong-password"))
        XCTAssertEqual(serverMain(), before)
        XCTAssertLessThanOrEqual(server.wrongPasswordRequests, 4, server.describe())
    }

    /// A refusal by the server (a hook) arrives with a zero return code through the
    /// push-status callback: it must still be an error, and nothing may look pushed.
    func testServerSideRefusalIsAnError() throws {
        let first = try machine()
        XCTAssertExit(first.naner(["sync", "push"], environment: token), 0)
        let hook = bare + "/hooks/pre-receive"
        try "#!/bin/sh\necho 'main is frozen' >&2\nexit 1\n".write(toFile: hook, atomically: true, encoding: .utf8)
        chmod(hook, 0o755)
        try first.write(".vimrc", "set nonumber\n")
        XCTAssertExit(first.naner("commit", "-m", "refused"), 0)
        let before = serverMain()
        let trackingBefore = first.git("rev-parse", "refs/remotes/origin/main").stdout
        let run = first.naner(["sync", "push"], environment: token)
        XCTAssertExit(run, 1)
        XCTAssertOneErrorLine(run, contains: "remote 'origin' refused 'refs/heads/main'")
        XCTAssertEqual(serverMain(), before)
        XCTAssertEqual(first.git("rev-parse", "refs/remotes/origin/main").stdout, trackingBefore, "not recorded as pushed")
    }

    /// The server dies while receiving the push: a clear line, the server's repository
    /// as it was, this machine's intact, and a rerun after the server is back finishes.
    func testServerStoppedMidPushThenRerunFinishes() throws {
        let first = try machine()
        XCTAssertExit(first.naner(["sync", "push"], environment: token), 0)
        try first.write(".vimrc", "set nonumber\n")
        XCTAssertExit(first.naner("commit", "-m", "during an outage"), 0)
        let before = serverMain()
        let hook = bare + "/hooks/pre-receive"
        try "#!/bin/sh\nkill \(server.pid!)\nsleep 2\nexit 1\n".write(toFile: hook, atomically: true, encoding: .utf8)
        chmod(hook, 0o755)
        let run = first.naner(["sync", "push"], environment: token)
        XCTAssertNotEqual(run.status, 0, run.stdout)
        XCTAssertEqual(run.stderr.split(separator: "\n").filter { $0.hasPrefix("error:") }.count, 1, run.stderr)
        XCTAssertTrue(run.stderr.contains("127.0.0.1:\(server.port)"), run.stderr)
        XCTAssertEqual(serverMain(), before)
        XCTAssertExit(serverGit("fsck", "--strict"), 0)
        XCTAssertExit(first.git("fsck", "--strict"), 0)

        try FileManager.default.removeItem(atPath: hook)
        let down = first.naner(["sync", "push"], environment: token)
        XCTAssertExit(down, 1)
        XCTAssertOneErrorLine(down, contains: "cannot reach")

        try server.restart()
        XCTAssertExit(first.naner(["sync", "push"], environment: token), 0)
        XCTAssertEqual(serverMain(), head(first))
        XCTAssertExit(serverGit("fsck", "--strict"), 0)
    }
}
