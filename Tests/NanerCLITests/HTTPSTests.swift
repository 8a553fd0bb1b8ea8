import Foundation
import XCTest

/// HTTPS as people meet it: a real lighttpd speaking TLS (mod_openssl) with a
/// certificate for `localhost` from a CA made for the test, serving `git http-backend`
/// behind basic authentication; a real tinyproxy on the way. `init --from`, `sync pull`
/// and `sync push` go through libgit2 1.5.1's mbedTLS: the unknown CA is refused in one
/// line, each CA setting git reads makes it trusted, each proxy setting git reads is
/// used (tinyproxy's log shows the CONNECT), NO_PROXY goes around it, and no password —
/// the server's or the proxy's — ever appears in what naner prints.
final class HTTPSTests: XCTestCase {
    private var server: HTTPServer!
    private var first: Sandbox!

    override func setUpWithError() throws {
        server = try HTTPServer(tls: true)
        first = try Sandbox()
        // No ~/.gitconfig in the configuration: the second machines keep their own, with the settings under test.
        try first.write(".bashrc", "export EDITOR=vim\n")
        try first.write(".vimrc", "set number\n")
        try first.write(".config/nvim/init.vim", "set relativenumber\n")
        XCTAssertExit(first.naner("init"), 0)
        XCTAssertExit(first.naner("backup", "--name", "baseline"), 0)
        try server.publish(first, as: "config.git")
    }

    override func tearDown() {
        server?.stop()
        server = nil
        first = nil
    }

    // MARK: The certificate

    func testUnknownCAIsRefusedInOneLineOnInitPullAndPush() throws {
        let second = try Sandbox()
        let refused = run(second, ["init", "--from", origin])
        assertUntrusted(refused)
        XCTAssertFalse(FileManager.default.fileExists(atPath: second.repo), "no repository left behind")

        // A machine set up with the CA, then run without it: pull and push are refused the same way.
        let machine = try self.machine(["GIT_SSL_CAINFO": server.caFile])
        assertUntrusted(run(machine, ["sync", "pull"]))
        try machine.write(".vimrc", "set number\nset ruler\n")
        XCTAssertExit(machine.naner("commit", "-m", "ruler"), 0)
        assertUntrusted(run(machine, ["sync", "push"]))
        XCTAssertEqual(serverMain(), head(first), "nothing was pushed")
    }

    func testEachCASettingIsTrusted() throws {
        let url = "https://localhost:\(server.port)/"
        let settings: [(String, (Sandbox) throws -> [String: String])] = [
            ("GIT_SSL_CAINFO", { _ in ["GIT_SSL_CAINFO": self.server.caFile] }),
            ("GIT_SSL_CAPATH", { _ in ["GIT_SSL_CAPATH": self.server.caFolder] }),
            ("http.sslCAInfo in ~/.gitconfig", { try self.gitGlobal($0, "http.sslCAInfo", self.server.caFile) }),
            ("http.sslCAInfo in $XDG_CONFIG_HOME/git/config", { sandbox in
                let xdg = sandbox.root + "/xdg"
                try FileManager.default.createDirectory(atPath: xdg + "/git", withIntermediateDirectories: true)
                try "[http]\n\tsslCAInfo = \(self.server.caFile)\n".write(toFile: xdg + "/git/config", atomically: true, encoding: .utf8)
                return ["XDG_CONFIG_HOME": xdg]
            }),
            ("http.<url>.sslCAInfo", { try self.gitGlobal($0, "http.\(url).sslCAInfo", self.server.caFile) }),
            ("http.sslCAPath", { try self.gitGlobal($0, "http.sslCAPath", self.server.caFolder) }),
            ("SSL_CERT_FILE", { _ in ["SSL_CERT_FILE": self.server.caFile] }),
            ("SSL_CERT_DIR", { _ in ["SSL_CERT_DIR": self.server.caFolder] }),
        ]
        for (name, setUp) in settings {
            let second = try Sandbox()
            let environment = try setUp(second)
            let brought = run(second, ["init", "--from", origin], environment)
            assertBroughtOver(second, brought, name)
        }

        // The repository's own config, for a pull and a push.
        let machine = try self.machine(["GIT_SSL_CAINFO": server.caFile])
        XCTAssertExit(machine.git("config", "http.sslCAInfo", server.caFile), 0)
        try first.write(".vimrc", "set number\nset ruler\n")
        XCTAssertExit(first.naner("commit", "-m", "ruler"), 0)
        try republish()
        let pull = run(machine, ["sync", "pull"])
        XCTAssertExit(pull, 0)
        XCTAssertEqual(machine.read(".vimrc"), first.read(".vimrc"))
        try machine.write(".bashrc", "export EDITOR=nvim\n")
        XCTAssertExit(machine.naner("commit", "-m", "nvim"), 0)
        XCTAssertExit(run(machine, ["sync", "push"]), 0)
        XCTAssertEqual(serverMain(), head(machine))
    }

    /// git's order: the environment over the config, a URL's own key over the general one,
    /// the config over SSL_CERT_FILE; a key for another URL does not apply.
    func testCASettingsFollowGitsPrecedence() throws {
        let system = "/etc/ssl/certs/ca-certificates.crt"
        var second = try Sandbox()
        _ = try gitGlobal(second, "http.sslCAInfo", server.caFile)
        let overridden = run(second, ["init", "--from", origin], ["GIT_SSL_CAINFO": system])
        assertUntrusted(overridden)
        XCTAssertTrue(overridden.stderr.contains("(GIT_SSL_CAINFO)"), overridden.stderr)

        second = try Sandbox()
        _ = try gitGlobal(second, "http.sslCAInfo", system)
        _ = try gitGlobal(second, "http.https://localhost:\(server.port)/git/.sslCAInfo", server.caFile)
        assertBroughtOver(second, run(second, ["init", "--from", origin], ["SSL_CERT_FILE": system]), "http.<url> over http.*")

        second = try Sandbox()
        _ = try gitGlobal(second, "http.https://example.com/.sslCAInfo", server.caFile)
        _ = try gitGlobal(second, "http.https://localhost:\(server.port)/other/.sslCAInfo", server.caFile)
        assertUntrusted(run(second, ["init", "--from", origin]))

        second = try Sandbox()
        _ = try gitGlobal(second, "http.sslCAInfo", server.caFile)
        assertBroughtOver(second, run(second, ["init", "--from", origin], ["SSL_CERT_FILE": system]), "config over SSL_CERT_FILE")

        second = try Sandbox()
        let missing = run(second, ["init", "--from", origin], ["GIT_SSL_CAINFO": second.root + "/nowhere.pem"])
        XCTAssertExit(missing, 1)
        XCTAssertOneErrorLine(missing, contains: "cannot use the CA certificates in '\(second.root)/nowhere.pem' (GIT_SSL_CAINFO): it does not exist")
    }

    func testNameMismatchIsSaidInWords() throws {
        let second = try Sandbox()
        let wrongName = server.url("config.git", user: HTTPServer.user, host: "127.0.0.1")
        let refused = run(second, ["init", "--from", wrongName], ["GIT_SSL_CAINFO": server.caFile])
        XCTAssertExit(refused, 1)
        XCTAssertOneErrorLine(refused, contains: "the certificate of '127.0.0.1:\(server.port)' is issued for another name than '127.0.0.1'")
    }

    /// http.sslVerify=false and GIT_SSL_NO_VERIFY are honoured, with a warning naming the server on every use.
    func testChecksTurnedOffWarnOnEveryUse() throws {
        let second = try Sandbox()
        _ = try gitGlobal(second, "http.sslVerify", "false")
        let brought = run(second, ["init", "--from", origin])
        assertBroughtOver(second, brought, "http.sslVerify=false")
        assertWarnsChecksOff(brought, "http.sslVerify in the global config")

        let pull = run(second, ["sync", "pull"])
        XCTAssertExit(pull, 0)
        assertWarnsChecksOff(pull, "http.sslVerify in the global config")

        let third = try Sandbox()
        let variable = run(third, ["init", "--from", origin], ["GIT_SSL_NO_VERIFY": "1"])
        assertBroughtOver(third, variable, "GIT_SSL_NO_VERIFY")
        assertWarnsChecksOff(variable, "GIT_SSL_NO_VERIFY")
        try third.write(".vimrc", "set number\nset ruler\n")
        XCTAssertExit(third.naner("commit", "-m", "ruler"), 0)
        let sync = run(third, ["sync"], ["GIT_SSL_NO_VERIFY": "1"])  // fetch, listing, push: three connections, one warning
        XCTAssertExit(sync, 0)
        assertWarnsChecksOff(sync, "GIT_SSL_NO_VERIFY")
        XCTAssertEqual(serverMain(), head(third))
    }

    // MARK: Proxies

    func testEachProxySettingIsUsed() throws {
        let proxy = try ProxyServer()
        let second = try Sandbox()
        let brought = run(second, ["init", "--from", origin], ["GIT_SSL_CAINFO": server.caFile, "HTTPS_PROXY": proxy.url()])
        assertBroughtOver(second, brought, "through HTTPS_PROXY")
        XCTAssertGreaterThan(proxy.connects(to: target), 0, proxy.describe())

        let url = "https://localhost:\(server.port)/"
        let settings: [(String, [String: String], [(key: String, value: String, global: Bool)])] = [
            ("HTTPS_PROXY", ["HTTPS_PROXY": proxy.url()], []),
            ("https_proxy", ["https_proxy": proxy.url()], []),
            ("ALL_PROXY", ["ALL_PROXY": proxy.url()], []),
            ("http.proxy", [:], [("http.proxy", proxy.url(), true)]),
            ("http.<url>.proxy", [:], [("http.\(url).proxy", proxy.url(), true)]),
            ("remote.origin.proxy", [:], [("remote.origin.proxy", proxy.url(), false)]),
            // git's order: the remote's own over http.proxy, http.proxy over the environment.
            ("remote.origin.proxy over http.proxy", ["HTTPS_PROXY": "http://127.0.0.1:1"],
             [("http.proxy", "http://127.0.0.1:1", true), ("remote.origin.proxy", proxy.url(), false)]),
            ("host:port without a scheme", [:], [("http.proxy", "127.0.0.1:\(proxy.port)", true)]),
        ]
        for (name, environment, keys) in settings {
            for key in keys { XCTAssertExit(key.global ? gitGlobalRun(second, key.key, key.value) : second.git("config", key.key, key.value), 0) }
            let before = proxy.connects(to: target)
            let pull = run(second, ["sync", "pull"], environment.merging(["GIT_SSL_CAINFO": server.caFile]) { $1 })
            XCTAssertExit(pull, 0)
            XCTAssertGreaterThan(proxy.connects(to: target), before, "\(name) was not used\n\(proxy.describe())")
            for key in keys { _ = key.global ? gitGlobalRun(second, key.key, nil) : second.git("config", "--unset", key.key) }
        }

        // A push goes the same way.
        try second.write(".vimrc", "set number\nset ruler\n")
        XCTAssertExit(second.naner("commit", "-m", "ruler"), 0)
        let before = proxy.connects(to: target)
        XCTAssertExit(run(second, ["sync", "push"], ["GIT_SSL_CAINFO": server.caFile, "HTTPS_PROXY": proxy.url()]), 0)
        XCTAssertGreaterThan(proxy.connects(to: target), before, proxy.describe())
        XCTAssertEqual(serverMain(), head(second))
    }

    func testNoProxyGoesAround() throws {
        let proxy = try ProxyServer()
        let machine = try self.machine(["GIT_SSL_CAINFO": server.caFile])
        for exceptions in ["localhost", "example.com, .localhost", "*"] {
            let pull = run(machine, ["sync", "pull"], ["GIT_SSL_CAINFO": server.caFile, "HTTPS_PROXY": proxy.url(), "NO_PROXY": exceptions])
            XCTAssertExit(pull, 0)
            // A proxy that is down shows it is not even tried.
            XCTAssertExit(run(machine, ["sync", "pull"], ["GIT_SSL_CAINFO": server.caFile, "HTTPS_PROXY": "http://127.0.0.1:1",
                                                          "no_proxy": exceptions]), 0)
        }
        XCTAssertEqual(proxy.connects(to: target), 0, proxy.describe())
        // An entry for another host leaves the proxy in use.
        XCTAssertExit(run(machine, ["sync", "pull"], ["GIT_SSL_CAINFO": server.caFile, "HTTPS_PROXY": proxy.url(), "NO_PROXY": "example.com"]), 0)
        XCTAssertGreaterThan(proxy.connects(to: target), 0, proxy.describe())
    }

    func testProxyCredentialsFromTheURLOrAHelperAndNeverPrinted() throws {
        let proxy = try ProxyServer(authenticated: true)
        let second = try Sandbox()
        let none = run(second, ["init", "--from", origin], ["GIT_SSL_CAINFO": server.caFile, "HTTPS_PROXY": proxy.url()])
        XCTAssertExit(none, 1)
        XCTAssertOneErrorLine(none, contains: "authentication failed for proxy '\(proxy.url())'")
        XCTAssertTrue(none.stderr.contains("hint: the proxy comes from HTTPS_PROXY"), none.stderr)

        // A wrong password: one line, and the password nowhere in the output.
        let wrong = run(second, ["init", "--from", origin], ["GIT_SSL_CAINFO": server.caFile,
                                                             "HTTPS_PROXY": proxy.url(user: ProxyServer.user, password: "wr0ng-Pa55")])
        XCTAssertExit(wrong, 1)
        XCTAssertOneErrorLine(wrong, contains: "authentication failed for proxy '\(proxy.url())'")
        XCTAssertFalse((wrong.stdout + wrong.stderr).contains("wr0ng-Pa55"), wrong.stderr)

        let inURL = run(second, ["init", "--from", origin],
                        ["GIT_SSL_CAINFO": server.caFile, "HTTPS_PROXY": proxy.url(user: ProxyServer.user, password: ProxyServer.password)])
        assertBroughtOver(second, inURL, "proxy credentials in the URL")
        XCTAssertGreaterThan(proxy.connects(to: target), 0, proxy.describe())

        // A helper: git credential fill for the proxy's host, approved once it worked.
        let stored = second.root + "/proxy-credentials"
        try "http://\(ProxyServer.user):\(ProxyServer.password)@127.0.0.1:\(proxy.port)\n"
            .write(toFile: stored, atomically: true, encoding: .utf8)
        _ = try gitGlobal(second, "credential.helper", "store --file=\(stored)")
        XCTAssertExit(run(second, ["sync", "pull"], ["GIT_SSL_CAINFO": server.caFile, "HTTPS_PROXY": proxy.url()]), 0)
        XCTAssertTrue(((try? String(contentsOfFile: stored, encoding: .utf8)) ?? "").contains(ProxyServer.password), "still stored")

        // A helper's password that the proxy refuses is rejected (erased), as git does.
        try "http://\(ProxyServer.user):stale-Pa55@127.0.0.1:\(proxy.port)\n".write(toFile: stored, atomically: true, encoding: .utf8)
        let stale = run(second, ["sync", "pull"], ["GIT_SSL_CAINFO": server.caFile, "HTTPS_PROXY": proxy.url()])
        XCTAssertExit(stale, 1)
        XCTAssertOneErrorLine(stale, contains: "authentication failed for proxy '\(proxy.url())'")
        XCTAssertEqual((try? String(contentsOfFile: stored, encoding: .utf8)) ?? "?", "", "git credential reject erased it")
        for file in ["config", "FETCH_HEAD", "logs/HEAD"] {
            let text = (try? String(contentsOfFile: second.repo + "/" + file, encoding: .utf8)) ?? ""
            XCTAssertFalse(text.contains(ProxyServer.password) || text.contains(HTTPServer.password), "a password in \(file)")
        }
    }

    func testAProxyThatIsDownOrRefusesIsNamedNotTheRemote() throws {
        let machine = try self.machine(["GIT_SSL_CAINFO": server.caFile])
        let deadPort = try Loopback.freePort()
        let dead = "http://\(ProxyServer.user):\(ProxyServer.password)@127.0.0.1:\(deadPort)"
        _ = try gitGlobal(machine, "http.proxy", dead)
        let down = run(machine, ["sync", "pull"], ["GIT_SSL_CAINFO": server.caFile])
        XCTAssertExit(down, 1)
        XCTAssertOneErrorLine(down, contains: "cannot reach proxy 'http://127.0.0.1:\(deadPort)': ")
        XCTAssertTrue(down.stderr.contains("hint: the proxy comes from http.proxy in the global config"), down.stderr)
        XCTAssertFalse(down.stderr.contains("cannot reach 'https://"), down.stderr)

        let strict = try ProxyServer(connectPort443Only: true)
        _ = try gitGlobal(machine, "http.proxy", strict.url())
        let refused = run(machine, ["sync", "push"], ["GIT_SSL_CAINFO": server.caFile])
        XCTAssertExit(refused, 1)
        XCTAssertOneErrorLine(refused, contains: "proxy '\(strict.url())' refused to connect to '\(target)': 403")
        XCTAssertEqual(strict.connects(to: target), 1, strict.describe())
    }

    /// A plain http:// remote reads `http_proxy` and goes through the proxy too (a CONNECT:
    /// libgit2 1.5.1 would send its proxy request straight to the server); one that is down is named.
    func testPlainHTTPRemoteGoesThroughHttpProxy() throws {
        let plain = try HTTPServer()
        try plain.publish(first, as: "config.git")
        let proxy = try ProxyServer()
        let second = try Sandbox()
        let brought = run(second, ["init", "--from", plain.url("config.git", user: HTTPServer.user)], ["http_proxy": proxy.url()])
        XCTAssertExit(brought, 0)
        XCTAssertGreaterThan(proxy.connects(to: "127.0.0.1:\(plain.port)"), 0, proxy.describe())
        let down = run(second, ["sync", "pull"], ["http_proxy": "http://127.0.0.1:1"])
        XCTAssertExit(down, 1)
        XCTAssertOneErrorLine(down, contains: "cannot reach proxy 'http://127.0.0.1:1': ")
    }

    // MARK: doctor

    func testDoctorReportsTheSettingsInEffectAndChecksTheCertificate() throws {
        let proxy = try ProxyServer()
        let machine = try self.machine(["GIT_SSL_CAINFO": server.caFile])
        let environment = ["GIT_SSL_CAINFO": server.caFile,
                           "HTTPS_PROXY": proxy.url(user: ProxyServer.user, password: ProxyServer.password)]
        let healthy = run(machine, ["doctor", "--json"], environment)
        XCTAssertExit(healthy, 0)
        let settings = try self.settings(healthy)
        XCTAssertTrue(settings.contains(["remote": "origin", "setting": "ca-file", "value": server.caFile, "source": "env",
                                         "origin": "GIT_SSL_CAINFO"]), "\(settings)")
        XCTAssertTrue(settings.contains(["remote": "origin", "setting": "proxy", "value": proxy.url(), "source": "env",
                                         "origin": "HTTPS_PROXY"]), "\(settings)")
        XCTAssertGreaterThan(proxy.connects(to: target), 0, "doctor went through the proxy\n\(proxy.describe())")
        let text = run(machine, ["doctor"], environment)
        XCTAssertExit(text, 0)
        XCTAssertTrue(text.stdout.contains("remote 'origin': CA file '\(server.caFile)' (GIT_SSL_CAINFO)\n"), text.stdout)
        XCTAssertTrue(text.stdout.contains("remote 'origin': proxy '\(proxy.url())' (HTTPS_PROXY)\n"), text.stdout)

        _ = try gitGlobal(machine, "http.sslCAInfo", server.caFile)
        let configured = try self.settings(run(machine, ["doctor", "--json"]))
        XCTAssertTrue(configured.contains(["remote": "origin", "setting": "ca-file", "value": server.caFile, "source": "config",
                                           "origin": "http.sslCAInfo in the global config"]), "\(configured)")
        XCTAssertTrue(configured.contains(["remote": "origin", "setting": "proxy", "value": "none", "source": "default",
                                           "origin": "nothing sets one"]), "\(configured)")

        // Without the CA, and with checks turned off: both are findings, and nothing is accepted silently.
        _ = try gitGlobal(machine, "http.sslCAInfo", nil)
        _ = try gitGlobal(machine, "http.sslVerify", "false")
        let sick = run(machine, ["doctor", "--json"])
        XCTAssertExit(sick, 1)
        let findings = try self.findings(sick)
        XCTAssertTrue(findings.contains { $0["check"] == "certificate"
                && $0["message"] == "remote 'origin': the certificate of '\(target)' is not signed by a trusted CA" }, "\(findings)")
        XCTAssertTrue(findings.contains { $0["check"] == "certificate"
                && $0["message"] == "remote 'origin': certificates are not checked (http.sslVerify in the global config)" }, "\(findings)")
        XCTAssertEqual(sick.stderr, "")

        let dead = run(machine, ["doctor", "--json"], ["HTTPS_PROXY": "http://127.0.0.1:1", "GIT_SSL_CAINFO": server.caFile])
        XCTAssertTrue(try self.findings(dead).contains { $0["check"] == "proxy"
                && ($0["message"] ?? "").hasPrefix("remote 'origin': cannot reach proxy 'http://127.0.0.1:1'") }, dead.stdout)
    }

    // MARK: Helpers

    private var token: [String: String] { ["NANER_TOKEN": HTTPServer.password] }
    /// The server's repository, with the user in the URL and the password from NANER_TOKEN.
    private var origin: String { server.url("config.git", user: HTTPServer.user) }
    /// What the certificate is for, as messages and tinyproxy's log name it.
    private var target: String { "localhost:\(server.port)" }

    /// naner with the token, a deadline and `environment`; no password may appear in what it prints.
    private func run(_ sandbox: Sandbox, _ arguments: [String], _ environment: [String: String] = [:],
                     file: StaticString = #filePath, line: UInt = #line) -> Sandbox.Run {
        let run = sandbox.naner(arguments, environment: token.merging(environment) { $1 }, deadline: 60, file: file, line: line)
        for secret in [HTTPServer.password, ProxyServer.password] where (run.stdout + run.stderr).contains(secret) {
            XCTFail("naner \(arguments.joined(separator: " ")) printed a password:\n\(run.stdout)\(run.stderr)", file: file, line: line)
        }
        return run
    }

    /// A second machine that brought the configuration over with `environment`.
    private func machine(_ environment: [String: String], file: StaticString = #filePath, line: UInt = #line) throws -> Sandbox {
        let sandbox = try Sandbox()
        assertBroughtOver(sandbox, run(sandbox, ["init", "--from", origin], environment, file: file, line: line), "set-up",
                          file: file, line: line)
        return sandbox
    }

    /// `git config --global KEY VALUE` (or `--unset` for nil) in the sandbox's home.
    @discardableResult
    private func gitGlobal(_ sandbox: Sandbox, _ key: String, _ value: String?) throws -> [String: String] {
        let done = gitGlobalRun(sandbox, key, value)
        guard done.status == 0 || value == nil else { throw HTTPServer.ServerError("git config --global \(key): \(done.stderr)") }
        return [:]
    }

    private func gitGlobalRun(_ sandbox: Sandbox, _ key: String, _ value: String?) -> Sandbox.Run {
        Sandbox.execute(["/usr/bin/git", "config", "--global"] + (value.map { [key, $0] } ?? ["--unset", key]),
                        environment: sandbox.environment, directory: sandbox.home)
    }

    private func republish() throws {
        try FileManager.default.removeItem(atPath: server.projectRoot + "/config.git")
        try server.publish(first, as: "config.git")
    }

    private func serverMain() -> String {
        Sandbox.execute(["/usr/bin/git", "--git-dir=" + server.projectRoot + "/config.git", "rev-parse", "main"],
                        environment: ["PATH": "/usr/bin:/bin", "GIT_CONFIG_NOSYSTEM": "1", "HOME": server.root], directory: "/")
            .stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    private func head(_ sandbox: Sandbox) -> String {
        sandbox.git("rev-parse", "HEAD").stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    private func assertUntrusted(_ run: Sandbox.Run, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertExit(run, 1, file: file, line: line)
        XCTAssertOneErrorLine(run, contains: "the certificate of '\(target)' is not signed by a trusted CA", file: file, line: line)
        let error = run.stderr.split(separator: "\n").first { $0.hasPrefix("error:") }
        XCTAssertEqual(error.map(String.init), "error: the certificate of '\(target)' is not signed by a trusted CA", file: file, line: line)
        XCTAssertTrue(run.stderr.contains("hint:") && run.stderr.contains("http.sslCAInfo"), run.stderr, file: file, line: line)
        XCTAssertFalse(run.stderr.contains("\\n") || run.stderr.contains("cannot reach"), run.stderr, file: file, line: line)
    }

    private func assertWarnsChecksOff(_ run: Sandbox.Run, _ origin: String, file: StaticString = #filePath, line: UInt = #line) {
        let warnings = run.stderr.split(separator: "\n").filter { $0.hasPrefix("warning: not checking the certificate of '\(target)' (\(origin))") }
        XCTAssertEqual(warnings.count, 1, run.stderr, file: file, line: line)
    }

    private func assertBroughtOver(_ second: Sandbox, _ run: Sandbox.Run, _ what: String,
                                   file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(run.status, 0, "\(what): stdout:\n\(run.stdout)\nstderr:\n\(run.stderr)\n\(server.describe())", file: file, line: line)
        for path in [".bashrc", ".vimrc", ".config/nvim/init.vim"] {
            XCTAssertEqual(second.read(path), first.read(path), "\(what): \(path)", file: file, line: line)
        }
        XCTAssertEqual(second.git("config", "remote.origin.url").stdout, origin + "\n", what, file: file, line: line)
    }

    private func settings(_ run: Sandbox.Run) throws -> [[String: String]] {
        let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any], run.stdout)
        return (object["settings"] as? [[String: String]]) ?? []
    }

    private func findings(_ run: Sandbox.Run) throws -> [[String: String]] {
        let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any], run.stdout)
        return (object["findings"] as? [[String: Any]] ?? []).map { $0.compactMapValues { $0 as? String } }
    }
}
