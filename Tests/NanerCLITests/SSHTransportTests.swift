import Foundation
import XCTest

/// `naner init --from` over SSH: naner runs the system ssh against a real sshd on
/// loopback; results are checked with the git CLI. The alias `dots` exists only in
/// the sandbox's ssh config, so libssh2 (which reads no config) could not pass these.
final class SSHTransportTests: XCTestCase {
    private var server: SSHServer!

    override func setUpWithError() throws {
        guard getuid() == 0 else { throw XCTSkip("sshd logins need root (tests run as root in CI)") }
        server = try SSHServer()
    }

    override func tearDown() {
        server = nil
    }

    private let files = [".bashrc", ".vimrc", ".config/nvim/init.vim", ".config/kitty/kitty.conf"]

    /// A first machine with a committed configuration.
    private func firstMachine() throws -> Sandbox {
        let first = try Sandbox()
        try first.write(".bashrc", "export EDITOR=vim\nalias ll='ls -l'\n")
        try first.write(".vimrc", "set number\n")
        try first.write(".config/nvim/init.vim", "set relativenumber\n")
        try first.write(".config/kitty/kitty.conf", Data([0x66, 0x00, 0xff, 0x0d, 0x0a, 0xc3, 0xa9]))
        XCTAssertExit(first.naner("init"), 0)
        XCTAssertExit(first.naner("backup", "--name", "baseline"), 0)
        return first
    }

    private func assertBroughtOver(_ second: Sandbox, from first: Sandbox, file: StaticString = #filePath, line: UInt = #line) {
        for path in files {
            XCTAssertNotNil(second.read(path), path, file: file, line: line)
            XCTAssertEqual(second.read(path), first.read(path), path, file: file, line: line)
        }
        XCTAssertEqual(second.git("rev-parse", "HEAD").stdout, first.git("rev-parse", "HEAD").stdout, file: file, line: line)
        XCTAssertEqual(second.git("tag", "-l").stdout, "baseline\n", file: file, line: line)
        XCTAssertExit(second.git("fsck", "--strict"), 0, file: file, line: line)
    }

    /// A bare copy of the first machine's repository, at a path that needs quoting.
    private func bareCopy(of first: Sandbox) throws -> String {
        let folder = first.root + "/it's shared"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let path = folder + "/config.git"
        XCTAssertExit(Sandbox.execute(["/usr/bin/git", "clone", "--quiet", "--bare", first.repo, path],
                                      environment: first.environment, directory: first.root), 0)
        return path
    }

    func testScpLikeAddressWithAlias() throws {
        let first = try firstMachine()
        let second = try Sandbox()
        let ssh = try server.configureClient(home: second.home)
        let run = second.naner("init", "--from", "dots:" + first.repo, environment: ssh)
        XCTAssertExit(run, 0)
        XCTAssertTrue(run.stdout.contains("initialized"), run.stdout)
        assertBroughtOver(second, from: first)
        XCTAssertEqual(second.git("config", "remote.origin.url").stdout, "dots:\(first.repo)\n")
    }

    func testSSHURLToPathThatNeedsQuoting() throws {
        let first = try firstMachine()
        let bare = try bareCopy(of: first)
        let second = try Sandbox()
        let ssh = try server.configureClient(home: second.home)
        let run = second.naner("init", "--from", "ssh://dots" + bare, environment: ssh)
        XCTAssertExit(run, 0)
        assertBroughtOver(second, from: first)
    }

    /// No alias: user and port come from the URL (`-p`, `user@host`); `GIT_SSH` names
    /// a program, run without a shell.
    func testSSHURLWithUserAndPortThroughGitSSHProgram() throws {
        let first = try firstMachine()
        let second = try Sandbox()
        let ssh = try server.configureClient(home: second.home)
        let wrapper = second.root + "/my ssh"
        try "#!/bin/sh\nexec ssh -F '\(second.home)/.ssh/config' \"$@\"\n".write(toFile: wrapper, atomically: true, encoding: .utf8)
        chmod(wrapper, 0o755)
        XCTAssertNotNil(ssh["GIT_SSH_COMMAND"])
        let url = "ssh://\(server.user)@127.0.0.1:\(server.port)\(first.repo)"
        let run = second.naner("init", "--from", url, environment: ["GIT_SSH": wrapper])
        XCTAssertExit(run, 0)
        assertBroughtOver(second, from: first)
        XCTAssertEqual(second.git("config", "remote.origin.url").stdout, url + "\n")
    }

    func testUnknownHostKeyIsRefusedShowingItsFingerprint() throws {
        let first = try firstMachine()
        let second = try Sandbox()
        let ssh = try server.configureClient(home: second.home, knownHost: .nothing)
        let run = second.naner("init", "--from", "dots:" + first.repo, environment: ssh)
        XCTAssertExit(run, 1)
        XCTAssertOneErrorLine(run, contains: "host key for '127.0.0.1:\(server.port)' is not known (ED25519 \(server.hostFingerprint))")
        XCTAssertTrue(server.hostFingerprint.hasPrefix("SHA256:"), server.hostFingerprint)
        XCTAssertFalse(FileManager.default.fileExists(atPath: second.repo), "no repository left behind")
        XCTAssertFalse(second.exists(".bashrc"))
        XCTAssertEqual(try String(contentsOfFile: second.home + "/.ssh/known_hosts", encoding: .utf8), "",
                       "the key was not trusted on the user's behalf")
    }

    func testChangedHostKeyIsRefused() throws {
        let first = try firstMachine()
        let second = try Sandbox()
        let other = second.root + "/other_host_key"
        try SSHServer.makeKey(other)
        let ssh = try server.configureClient(home: second.home, knownHost: .otherKey(other))
        let run = second.naner("init", "--from", "ssh://dots" + first.repo, environment: ssh)
        XCTAssertExit(run, 1)
        XCTAssertOneErrorLine(run, contains: "host key for '127.0.0.1:\(server.port)' has changed (the server now shows ED25519 \(server.hostFingerprint);")
        XCTAssertTrue(run.stderr.contains("known_hosts:1' holds another"), run.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: second.repo))
        XCTAssertFalse(second.exists(".bashrc"))
    }

    func testUnauthorizedClientKey() throws {
        let first = try firstMachine()
        let second = try Sandbox()
        let stranger = second.root + "/stranger_ed25519"
        try SSHServer.makeKey(stranger)
        let ssh = try server.configureClient(home: second.home, identity: stranger)
        let run = second.naner("init", "--from", "dots:" + first.repo, environment: ssh)
        XCTAssertExit(run, 1)
        XCTAssertOneErrorLine(run, contains: "Permission denied (publickey)")
        XCTAssertFalse(FileManager.default.fileExists(atPath: second.repo))
    }

    func testServerNotListening() throws {
        let second = try Sandbox()
        let ssh = try server.configureClient(home: second.home, port: try Loopback.freePort())
        let started = Date()
        let run = second.naner("init", "--from", "dots:/srv/config.git", environment: ssh)
        XCTAssertLessThan(Date().timeIntervalSince(started), 5, "a refused connection fails at once")
        XCTAssertExit(run, 1)
        XCTAssertOneErrorLine(run, contains: "Connection refused")
        XCTAssertFalse(FileManager.default.fileExists(atPath: second.repo))
    }

    func testMissingRemoteRepository() throws {
        let second = try Sandbox()
        let ssh = try server.configureClient(home: second.home)
        let run = second.naner("init", "--from", "dots:" + second.root + "/nothing.git", environment: ssh)
        XCTAssertExit(run, 1)
        XCTAssertOneErrorLine(run, contains: "does not appear to be a git repository")
        XCTAssertFalse(FileManager.default.fileExists(atPath: second.repo))
    }

    /// The exact ssh command line for each address form, recorded by a stand-in for ssh.
    func testSSHCommandLines() throws {
        let sandbox = try Sandbox()
        let record = sandbox.root + "/argv"
        let fake = sandbox.root + "/fake-ssh"
        try "#!/bin/sh\nprintf '%s\\n' \"$@\" > '\(record)'\necho 'fake ssh: no network here' >&2\nexit 255\n"
            .write(toFile: fake, atomically: true, encoding: .utf8)
        chmod(fake, 0o755)
        let options = ["-o", "BatchMode=yes", "-o", "ConnectTimeout=15"]
        let cases: [(String, [String])] = [
            ("dots:/srv/dots.git", options + ["--", "dots", "git-upload-pack '/srv/dots.git'"]),
            ("bob@dots:rel/dots.git", options + ["--", "bob@dots", "git-upload-pack 'rel/dots.git'"]),
            ("ssh://alice@example.com:2222/~/dots.git",
             options + ["-p", "2222", "--", "alice@example.com", "git-upload-pack '~/dots.git'"]),
            ("git+ssh://[::1]/srv/it's!.git", options + ["--", "::1", "git-upload-pack '/srv/it'\\''s'\\!'.git'"]),
            ("ssh+git://dots/srv/a b.git", options + ["--", "dots", "git-upload-pack '/srv/a b.git'"]),
        ]
        for (url, expected) in cases {
            try? FileManager.default.removeItem(atPath: record)
            let run = sandbox.naner("init", "--from", url, environment: ["GIT_SSH_COMMAND": fake])
            XCTAssertExit(run, 1)
            XCTAssertOneErrorLine(run, contains: "cannot read configuration '\(url)': fake ssh: no network here")
            let argv = (try? String(contentsOfFile: record, encoding: .utf8))?.split(separator: "\n", omittingEmptySubsequences: false)
                .dropLast().map(String.init)
            XCTAssertEqual(argv, expected, url)
            XCTAssertFalse(FileManager.default.fileExists(atPath: sandbox.repo))
        }
        // core.sshCommand from the user's git config, below GIT_SSH_COMMAND as in git.
        try? FileManager.default.removeItem(atPath: record)
        try sandbox.write(".gitconfig", "[core]\n\tsshCommand = \(fake) -o Marker=config\n")
        let configured = sandbox.naner("init", "--from", "dots:/srv/dots.git")
        XCTAssertOneErrorLine(configured, contains: "fake ssh: no network here")
        XCTAssertEqual(try? String(contentsOfFile: record, encoding: .utf8),
                       (["-o", "Marker=config"] + options + ["--", "dots", "git-upload-pack '/srv/dots.git'", ""]).joined(separator: "\n"))
        try? FileManager.default.removeItem(atPath: record)
        XCTAssertExit(sandbox.naner("init", "--from", "dots:/srv/dots.git", environment: ["GIT_SSH_COMMAND": fake]), 1)
        XCTAssertEqual(try? String(contentsOfFile: record, encoding: .utf8),
                       (options + ["--", "dots", "git-upload-pack '/srv/dots.git'", ""]).joined(separator: "\n"))
        try FileManager.default.removeItem(atPath: sandbox.home + "/.gitconfig")

        // A host that would read as an option is refused before ssh runs.
        try? FileManager.default.removeItem(atPath: record)
        let option = sandbox.naner("init", "--from", "ssh://-oProxyCommand=touch%20x/srv/dots.git",
                                   environment: ["GIT_SSH_COMMAND": fake])
        XCTAssertExit(option, 1)
        XCTAssertOneErrorLine(option, contains: "may not start with '-'")
        XCTAssertFalse(FileManager.default.fileExists(atPath: record))
    }

    /// An ssh that advertises a branch and is gone before naner writes what it wants:
    /// the write meets a closed pipe every time (the stand-in closes its stdin first),
    /// which must be an error with ssh's words, not a death by SIGPIPE (exit 141).
    func testServerGoneBeforeTheRequestIsAnErrorNotSIGPIPE() throws {
        let sandbox = try Sandbox()
        let advertisement = sandbox.root + "/advertisement"
        let ref = Data("0123456789abcdef0123456789abcdef01234567 refs/heads/main\u{0}ofs-delta\n".utf8)
        try (Data(String(format: "%04x", ref.count + 4).utf8) + ref + Data("0000".utf8)).write(to: URL(fileURLWithPath: advertisement))
        let fake = sandbox.root + "/gone-ssh"
        try "#!/bin/sh\nexec 0<&-\ncat '\(advertisement)'\necho 'fake ssh: the server went away' >&2\nexit 1\n"
            .write(toFile: fake, atomically: true, encoding: .utf8)
        chmod(fake, 0o755)
        let run = sandbox.naner("init", "--from", "dots:/srv/dots.git", environment: ["GIT_SSH": fake])
        XCTAssertExit(run, 1)
        XCTAssertOneErrorLine(run, contains: "fake ssh: the server went away")
        XCTAssertFalse(FileManager.default.fileExists(atPath: sandbox.repo))
    }

    func testMissingSSHProgram() throws {
        let sandbox = try Sandbox()
        let missing = sandbox.root + "/no-such-ssh"
        let run = sandbox.naner("init", "--from", "dots:/srv/dots.git", environment: ["GIT_SSH": missing])
        XCTAssertExit(run, 1)
        XCTAssertOneErrorLine(run, contains: "cannot run '\(missing)': No such file or directory")
        XCTAssertFalse(FileManager.default.fileExists(atPath: sandbox.repo))
    }

    /// git's rule: a `/` before the first `:` makes a local path, not `host:path`.
    func testLocalPathWithColonIsAPath() throws {
        let first = try firstMachine()
        let folder = first.root + "/x:y"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        XCTAssertExit(Sandbox.execute(["/usr/bin/git", "clone", "--quiet", "--bare", first.repo, folder + "/config.git"],
                                      environment: first.environment, directory: first.root), 0)
        let second = try Sandbox()
        // No ssh at all: a run of ssh would fail on this command.
        let run = second.naner("init", "--from", folder + "/config.git", environment: ["GIT_SSH_COMMAND": "false"])
        XCTAssertExit(run, 0)
        assertBroughtOver(second, from: first)

        let third = try Sandbox()
        let missing = third.naner("init", "--from", folder + "/absent.git", environment: ["GIT_SSH_COMMAND": "false"])
        XCTAssertExit(missing, 1)
        XCTAssertOneErrorLine(missing, contains: "configuration '\(folder)/absent.git' does not exist")
    }
}
