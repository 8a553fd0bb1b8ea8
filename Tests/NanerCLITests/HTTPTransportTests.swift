import Foundation
import XCTest

/// `naner init --from http://…` against a real lighttpd + git http-backend that wants
/// basic authentication: where the password comes from, and that it never lands on
/// disk or in the output.
final class HTTPTransportTests: XCTestCase {
    private var server: HTTPServer!
    private var first: Sandbox!

    override func setUpWithError() throws {
        server = try HTTPServer()
        first = try Sandbox()
        try first.makeTypicalHome()
        XCTAssertExit(first.naner("init"), 0)
        XCTAssertExit(first.naner("backup", "--name", "baseline"), 0)
        try server.publish(first, as: "config.git")
    }

    override func tearDown() {
        server?.stop()
        server = nil
        first = nil
    }

    func testPasswordInURLIsUsedAndNotStored() throws {
        let second = try Sandbox()
        let run = initFrom(second, server.url("config.git", user: HTTPServer.user, password: HTTPServer.password))
        assertBroughtOver(second, run)
        XCTAssertEqual(second.git("config", "remote.origin.url").stdout, server.url("config.git", user: HTTPServer.user) + "\n",
                       "the user stays, the password goes")
        assertNoSecret(HTTPServer.password, in: second, run)
        XCTAssertEqual(server.wrongPasswordRequests, 0, server.describe())
    }

    func testTokenWithTheUserFromTheURL() throws {
        let second = try Sandbox()
        let run = initFrom(second, server.url("config.git", user: HTTPServer.user),
                               environment: ["NANER_TOKEN": HTTPServer.password])
        assertBroughtOver(second, run)
        assertNoSecret(HTTPServer.password, in: second, run)
        // libgit2 alone would first try the URL's user with an empty password.
        XCTAssertEqual(server.wrongPasswordRequests, 0, server.describe())
    }

    func testTokenWithoutAUserGoesAsXAccessToken() throws {
        let second = try Sandbox()
        let run = initFrom(second, server.url("config.git"), environment: ["NANER_TOKEN": HTTPServer.token])
        assertBroughtOver(second, run)
        assertNoSecret(HTTPServer.token, in: second, run)
        server.stop()
        let access = (try? String(contentsOfFile: server.accessLogPath, encoding: .utf8)) ?? ""
        XCTAssertTrue(access.contains(" \(HTTPServer.tokenUser) ["), server.describe())
    }

    func testCredentialHelperSuppliesThePasswordAndIsToldItWorked() throws {
        let second = try Sandbox()
        let stored = second.root + "/git-credentials", approved = second.root + "/approved-credentials"
        try "http://\(HTTPServer.user):\(HTTPServer.password)@127.0.0.1:\(server.port)\n".write(toFile: stored, atomically: true, encoding: .utf8)
        // Two helpers: git asks them in turn for a password and tells every one of them when it worked.
        try second.write(".config/git/config", "[credential]\n\thelper = store --file=\(stored)\n\thelper = store --file=\(approved)\n")
        let run = initFrom(second, server.url("config.git"))
        assertBroughtOver(second, run)
        assertNoSecret(HTTPServer.password, in: second, run)
        let approval = (try? String(contentsOfFile: approved, encoding: .utf8)) ?? ""
        XCTAssertEqual(server.wrongPasswordRequests, 0, server.describe())
        XCTAssertEqual(approval, "http://\(HTTPServer.user):\(HTTPServer.password)@127.0.0.1%3a\(server.port)\n",
                       "git credential approve reached the helpers")
    }

    func testRefusedHelperCredentialIsRejected() throws {
        let second = try Sandbox()
        let stored = second.root + "/git-credentials"
        try "http://\(HTTPServer.user):stale-Pa55@127.0.0.1:\(server.port)\n".write(toFile: stored, atomically: true, encoding: .utf8)
        try second.write(".config/git/config", "[credential]\n\thelper = store --file=\(stored)\n")
        let run = initFrom(second, server.url("config.git"))
        XCTAssertExit(run, 1)
        XCTAssertOneErrorLine(run, contains: "authentication failed for '\(server.url("config.git"))'")
        XCTAssertFalse(FileManager.default.fileExists(atPath: second.repo), "no repository left behind")
        XCTAssertEqual((try? String(contentsOfFile: stored, encoding: .utf8)) ?? "?", "",
                       "git credential reject erased the refused password")
        XCTAssertEqual(server.wrongPasswordRequests, 1, server.describe())
    }

    func testWrongPasswordIsOneLineAndFewAttempts() throws {
        let second = try Sandbox()
        let wrong = "wrong-Pa55word"
        let run = initFrom(second, server.url("config.git", user: HTTPServer.user, password: wrong))
        XCTAssertExit(run, 1)
        XCTAssertOneErrorLine(run, contains: "authentication failed for '\(server.url("config.git", user: HTTPServer.user))'")
        XCTAssertTrue(run.stderr.contains("hint:"), run.stderr)
        XCTAssertFalse((run.stdout + run.stderr).contains(wrong), run.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: second.repo), "no repository left behind")
        server.stop()
        let refused = server.wrongPasswordRequests
        XCTAssertTrue((1...4).contains(refused), "\(refused) requests with the wrong password\n\(server.describe())")
    }

    func testNoCredentialsFailsAtOnceWithoutPrompting() throws {
        let second = try Sandbox()
        let started = Date()
        let run = initFrom(second, server.url("config.git"))
        XCTAssertLessThan(Date().timeIntervalSince(started), 20, "it must not wait for a prompt")
        XCTAssertExit(run, 1)
        XCTAssertOneErrorLine(run, contains: "authentication failed for '\(server.url("config.git"))'")
        XCTAssertFalse(FileManager.default.fileExists(atPath: second.repo))
    }

    func testMissingRepositoryOnTheServer() throws {
        let second = try Sandbox()
        let run = initFrom(second, server.url("nothing.git", user: HTTPServer.user, password: HTTPServer.password))
        XCTAssertExit(run, 1)
        XCTAssertOneErrorLine(run, contains: "no configuration repository at '\(server.url("nothing.git", user: HTTPServer.user))'")
        XCTAssertFalse((run.stdout + run.stderr).contains(HTTPServer.password))
        XCTAssertFalse(FileManager.default.fileExists(atPath: second.repo))
    }

    func testStoppedServerCannotBeReached() throws {
        let second = try Sandbox()
        server.stop()
        let run = initFrom(second, server.url("config.git", user: HTTPServer.user, password: HTTPServer.password))
        XCTAssertExit(run, 1)
        XCTAssertOneErrorLine(run, contains: "cannot reach '\(server.url("config.git", user: HTTPServer.user))': ")
        XCTAssertFalse((run.stdout + run.stderr).contains(HTTPServer.password))
        XCTAssertFalse(FileManager.default.fileExists(atPath: second.repo))
    }

    /// The fixture itself, with the git CLI: no fetch or push without a password, both with one.
    func testServerWantsAuthenticationForFetchAndPush() throws {
        let environment = first.environment.merging(["GIT_TERMINAL_PROMPT": "0"]) { $1 }
        let git = { (arguments: [String]) in Sandbox.execute(["/usr/bin/git", "--git-dir=" + self.first.repo] + arguments,
                                                             environment: environment, directory: self.first.root) }
        XCTAssertNotEqual(git(["ls-remote", server.url("config.git")]).status, 0, server.describe())
        XCTAssertNotEqual(git(["push", server.url("config.git"), "main:refs/heads/anonymous"]).status, 0, server.describe())
        let authorized = server.url("config.git", user: HTTPServer.user, password: HTTPServer.password)
        XCTAssertExit(git(["push", authorized, "main:refs/heads/pushed"]), 0)
        XCTAssertTrue(git(["ls-remote", authorized]).stdout.contains("refs/heads/pushed"), server.describe())
    }

    // MARK: - Helpers

    /// `naner init --from URL` on the second machine, killed after a minute.
    private func initFrom(_ second: Sandbox, _ url: String, environment: [String: String] = [:],
                          file: StaticString = #filePath, line: UInt = #line) -> Sandbox.Run {
        second.naner(["init", "--from", url], environment: environment, deadline: 60, file: file, line: line)
    }

    /// The second machine has the first one's configuration, as the git CLI sees it.
    private func assertBroughtOver(_ second: Sandbox, _ run: Sandbox.Run, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(run.status, 0, "stdout:\n\(run.stdout)\nstderr:\n\(run.stderr)\n\(server.describe())", file: file, line: line)
        for path in [".bashrc", ".vimrc", ".gitconfig", ".config/nvim/init.vim", ".ssh/config", ".syncignore", ".naner/include"] {
            XCTAssertEqual(second.read(path), first.read(path), path, file: file, line: line)
        }
        XCTAssertEqual(second.mode(".ssh/config"), 0o600, file: file, line: line)
        XCTAssertEqual(second.git("rev-parse", "HEAD").stdout, first.git("rev-parse", "HEAD").stdout, file: file, line: line)
        XCTAssertEqual(second.git("tag", "-l").stdout, "baseline\n", file: file, line: line)
        XCTAssertExit(second.git("fsck", "--strict"), 0, file: file, line: line)
    }

    /// The secret is in no output and in no file of the new repository (config, logs, markers).
    private func assertNoSecret(_ secret: String, in second: Sandbox, _ run: Sandbox.Run,
                                file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertFalse((run.stdout + run.stderr).contains(secret), "printed:\n\(run.stdout)\(run.stderr)", file: file, line: line)
        let needle = Data(secret.utf8)
        let files = FileManager.default.enumerator(atPath: second.repo)?.compactMap { $0 as? String } ?? []
        XCTAssertFalse(files.isEmpty, file: file, line: line)
        for path in files {
            guard let data = FileManager.default.contents(atPath: second.repo + "/" + path) else { continue }
            XCTAssertNil(data.range(of: needle), "the secret is written in \(path)", file: file, line: line)
        }
    }
}

extension Sandbox {
    /// naner with stdin not a terminal and a deadline: a run that waits for a prompt is
    /// killed and fails the test instead of hanging the suite.
    func naner(_ arguments: [String], environment extra: [String: String] = [:], deadline timeout: TimeInterval,
               file: StaticString = #filePath, line: UInt = #line) -> Run {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Sandbox.nanerBinary)
        process.arguments = arguments
        process.environment = environment.merging(extra) { $1 }
        process.currentDirectoryURL = URL(fileURLWithPath: home)
        let outPath = root + "/naner-\(UUID().uuidString).out", errPath = outPath + ".err"
        _ = FileManager.default.createFile(atPath: outPath, contents: nil)
        _ = FileManager.default.createFile(atPath: errPath, contents: nil)
        defer { try? FileManager.default.removeItem(atPath: outPath); try? FileManager.default.removeItem(atPath: errPath) }
        process.standardOutput = FileHandle(forWritingAtPath: outPath)
        process.standardError = FileHandle(forWritingAtPath: errPath)
        process.standardInput = FileHandle.nullDevice
        do { try process.run() } catch { return Run(status: -1, stdout: "", stderr: "\(error)") }
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { usleep(20_000) }
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            XCTFail("naner \(arguments.joined(separator: " ")) still ran after \(Int(timeout)) s", file: file, line: line)
        }
        process.waitUntilExit()
        return Run(status: process.terminationStatus,
                   stdout: String(decoding: FileManager.default.contents(atPath: outPath) ?? Data(), as: UTF8.self),
                   stderr: String(decoding: FileManager.default.contents(atPath: errPath) ?? Data(), as: UTF8.self))
    }
}
