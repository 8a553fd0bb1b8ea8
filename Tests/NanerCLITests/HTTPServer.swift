import Foundation
import XCTest

/// A real lighttpd on 127.0.0.1 serving `git http-backend` under `/git`, every request
/// behind basic authentication, with repositories in a temporary project root. Logs
/// stay in its folder; `describe()` adds the error log to assertion messages.
///
/// With `tls`, it speaks HTTPS (lighttpd's mod_openssl) with a certificate for
/// `localhost` signed by a CA made for this server alone (`caFile`), which no system
/// bundle trusts; URLs then name `localhost`, as the certificate does.
final class HTTPServer {
    /// Users the server knows, and their passwords.
    static let user = "naner"
    static let password = "s3cret-Pa55"
    static let tokenUser = "x-access-token"
    static let token = "tok-0123456789abcdef"

    let root: String
    let projectRoot: String
    let tls: Bool
    private(set) var port = 0
    private var process: Process?

    var errorLogPath: String { root + "/error.log" }
    var accessLogPath: String { root + "/access.log" }

    init(tls: Bool = false) throws {
        var template = Array("/tmp/naner-http.XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { throw CocoaError(.fileWriteUnknown) }
        root = String(cString: made)
        projectRoot = root + "/repos"
        self.tls = tls
        try FileManager.default.createDirectory(atPath: projectRoot, withIntermediateDirectories: true)
        if tls { try makeCertificates() }
        let passwords = root + "/htpasswd"
        for (index, (user, password)) in [(HTTPServer.user, HTTPServer.password), (HTTPServer.tokenUser, HTTPServer.token)].enumerated() {
            let made = Sandbox.execute(["/usr/bin/htpasswd", "-b"] + (index == 0 ? ["-c"] : []) + [passwords, user, password],
                                       environment: [:], directory: root)
            guard made.status == 0 else { throw ServerError("htpasswd failed: \(made.stderr)") }
        }
        // A port that was free a moment ago can be taken before lighttpd binds it: retry.
        for _ in 0..<5 {
            port = try Loopback.freePort()
            try writeConfig(passwords: passwords)
            if try start() { return }
        }
        throw ServerError("lighttpd did not start:\n\(describe())")
    }

    deinit {
        stop()
        try? FileManager.default.removeItem(atPath: root)
    }

    /// `http://[user[:password]@]127.0.0.1:PORT/git/NAME`, or with `tls`
    /// `https://[user[:password]@]localhost:PORT/git/NAME` (`host` overrides the name).
    func url(_ name: String, user: String? = nil, password: String? = nil, host: String? = nil) -> String {
        let userinfo = user.map { $0 + (password.map { ":" + $0 } ?? "") + "@" } ?? ""
        return "\(tls ? "https" : "http")://\(userinfo)\(host ?? (tls ? "localhost" : "127.0.0.1")):\(port)/git/\(name)"
    }

    // MARK: TLS

    /// The test CA's certificate (PEM), and a folder holding only a copy of it.
    var caFile: String { root + "/tls/ca.pem" }
    var caFolder: String { root + "/tls/ca-folder" }

    /// A throwaway CA and a server certificate it signs for `localhost` (not for 127.0.0.1).
    private func makeCertificates() throws {
        let folder = root + "/tls"
        try FileManager.default.createDirectory(atPath: caFolder, withIntermediateDirectories: true)
        try "subjectAltName = DNS:localhost\nbasicConstraints = CA:FALSE\nextendedKeyUsage = serverAuth\n"
            .write(toFile: folder + "/server.ext", atomically: true, encoding: .utf8)
        let steps: [[String]] = [
            ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", folder + "/ca.key", "-out", caFile, "-days", "2",
             "-subj", "/CN=naner test CA", "-addext", "basicConstraints=critical,CA:TRUE",
             "-addext", "keyUsage=critical,keyCertSign,cRLSign"],
            ["req", "-newkey", "rsa:2048", "-nodes", "-keyout", folder + "/server.key", "-out", folder + "/server.csr",
             "-subj", "/CN=localhost"],
            ["x509", "-req", "-in", folder + "/server.csr", "-CA", caFile, "-CAkey", folder + "/ca.key", "-CAcreateserial",
             "-out", folder + "/server.pem", "-days", "2", "-extfile", folder + "/server.ext"],
        ]
        for step in steps {
            let made = Sandbox.execute(["/usr/bin/openssl"] + step, environment: ["PATH": "/usr/bin:/bin"], directory: folder)
            guard made.status == 0 else { throw ServerError("openssl \(step[0]) failed: \(made.stderr)") }
        }
        try FileManager.default.copyItem(atPath: caFile, toPath: caFolder + "/naner-test-ca.crt")
    }

    /// Publishes a sandbox's naner repository as the bare repository `NAME` (`git clone --bare`).
    @discardableResult
    func publish(_ sandbox: Sandbox, as name: String) throws -> String {
        let path = projectRoot + "/" + name
        let cloned = Sandbox.execute(["/usr/bin/git", "clone", "--quiet", "--bare", sandbox.repo, path],
                                     environment: sandbox.environment, directory: root)
        guard cloned.status == 0 else { throw ServerError("git clone --bare failed: \(cloned.stderr)") }
        return path
    }

    /// SIGTERM, then wait for it to exit: lighttpd flushes its logs on the way out.
    func stop() {
        guard let process, process.isRunning else { return }
        process.terminate()
        process.waitUntilExit()
        self.process = nil
    }

    /// Starts it again on the same port after `stop()`.
    func restart() throws {
        stop()
        guard try start() else { throw ServerError("lighttpd did not start again:\n\(describe())") }
    }

    /// lighttpd's pid while it runs (a test's hook may stop it mid-request).
    var pid: Int32? { process?.processIdentifier }

    /// An empty bare repository `NAME` to push into.
    @discardableResult
    func createEmpty(_ name: String) throws -> String {
        let path = projectRoot + "/" + name
        let made = Sandbox.execute(["/usr/bin/git", "init", "--quiet", "--bare", "--initial-branch=main", path],
                                   environment: ["PATH": "/usr/bin:/bin"], directory: root)
        guard made.status == 0 else { throw ServerError("git init --bare failed: \(made.stderr)") }
        return path
    }

    var errorLog: String { (try? String(contentsOfFile: errorLogPath, encoding: .utf8)) ?? "" }

    /// Requests lighttpd refused because the password did not match.
    var wrongPasswordRequests: Int {
        errorLog.split(separator: "\n").filter { $0.contains("password doesn't match") }.count
    }

    /// The logs, for assertion messages.
    func describe() -> String {
        let access = (try? String(contentsOfFile: accessLogPath, encoding: .utf8)) ?? ""
        let output = (try? String(contentsOfFile: root + "/lighttpd.out", encoding: .utf8)) ?? ""
        return "lighttpd on port \(port)\n--- error.log\n\(errorLog)--- access.log\n\(access)--- output\n\(output)"
    }

    private func writeConfig(passwords: String) throws {
        let modules = (tls ? ["mod_openssl"] : []) + ["mod_alias", "mod_auth", "mod_authn_file", "mod_cgi", "mod_setenv", "mod_accesslog"]
        let https = tls ? "ssl.engine = \"enable\"\nssl.pemfile = \"\(root)/tls/server.pem\"\nssl.privkey = \"\(root)/tls/server.key\"" : ""
        let config = """
            server.document-root = "\(root)"
            server.bind = "127.0.0.1"
            server.port = \(port)
            server.errorlog = "\(errorLogPath)"
            accesslog.filename = "\(accessLogPath)"
            server.modules = (\(modules.map { "\"\($0)\"" }.joined(separator: ", ")))
            \(https)
            auth.backend = "htpasswd"
            auth.backend.htpasswd.userfile = "\(passwords)"
            alias.url += ("/git" => "/usr/lib/git-core/git-http-backend")
            $HTTP["url"] =~ "^/git" {
              cgi.assign = ("" => "")
              setenv.add-environment = ("GIT_PROJECT_ROOT" => "\(projectRoot)", "GIT_HTTP_EXPORT_ALL" => "")
              # Fetch and push both need a user; mod_auth sets REMOTE_USER, which receive-pack requires.
              auth.require = ("" => ("method" => "basic", "realm" => "naner", "require" => "valid-user"))
            }
            """
        try config.write(toFile: root + "/lighttpd.conf", atomically: true, encoding: .utf8)
    }

    /// Starts lighttpd in the foreground; true once it accepts connections, false when it exited (port taken).
    private func start() throws -> Bool {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/sbin/lighttpd")
        process.arguments = ["-D", "-f", root + "/lighttpd.conf"]
        process.environment = ["PATH": "/usr/bin:/bin:/usr/sbin:/sbin"]
        let outputPath = root + "/lighttpd.out"
        _ = FileManager.default.createFile(atPath: outputPath, contents: nil)
        let output = FileHandle(forWritingAtPath: outputPath)
        output?.seekToEndOfFile()
        process.standardOutput = output
        process.standardError = output
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline {
            if !process.isRunning { return false }
            if Loopback.accepts(port: port) {
                // Someone else may hold the port: lighttpd then exits right after.
                usleep(50_000)
                guard process.isRunning else { return false }
                self.process = process
                return true
            }
            usleep(20_000)
        }
        process.terminate()
        process.waitUntilExit()
        throw ServerError("lighttpd did not answer within 10 s:\n\(describe())")
    }

    struct ServerError: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }
}
