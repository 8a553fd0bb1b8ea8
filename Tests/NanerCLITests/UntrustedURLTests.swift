import Foundation
import XCTest

/// URLs written to turn naner against its user (issue 13): one that would make git's
/// credential helper hand over another host's password (git's CVE-2020-5260), and ssh
/// addresses that would read as ssh options. Each is one error line; nothing is run.
final class UntrustedURLTests: XCTestCase {
    /// An http server on loopback that answers every request with 401 and logs each
    /// request's path and Authorization header, one line each.
    final class RecordingServer {
        let process = Process()
        let log: String
        let port: Int

        init(folder: String) throws {
            log = folder + "/requests.log"
            FileManager.default.createFile(atPath: log, contents: nil)
            let script = """
                import http.server, sys
                log = open(sys.argv[1], 'a')
                class Handler(http.server.BaseHTTPRequestHandler):
                    def answer(self):
                        log.write(self.command + ' ' + self.path + ' ' + str(self.headers.get('Authorization')) + '\\n')
                        log.flush()
                        self.send_response(401)
                        self.send_header('WWW-Authenticate', 'Basic realm="dots"')
                        self.send_header('Content-Length', '0')
                        self.end_headers()
                    do_GET = answer
                    do_POST = answer
                    def log_message(self, *arguments):
                        pass
                server = http.server.HTTPServer(('127.0.0.1', 0), Handler)
                print(server.server_port, flush=True)
                server.serve_forever()
                """
            process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
            process.arguments = ["-c", script, log]
            let output = Pipe()
            process.standardOutput = output
            process.standardError = FileHandle.nullDevice
            try process.run()
            var line = Data()
            while !line.contains(UInt8(ascii: "\n")) {
                let chunk = output.fileHandleForReading.availableData
                if chunk.isEmpty { break }
                line += chunk
            }
            guard let port = Int(String(decoding: line, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)) else {
                process.terminate()
                throw CocoaError(.fileReadCorruptFile)
            }
            self.port = port
        }

        deinit {
            process.terminate()
            process.waitUntilExit()
        }

        /// Each logged request's decoded `user:password` (or "-" when it sent none).
        var credentialsReceived: [String] {
            let text = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
            return text.split(separator: "\n").map { line in
                guard let basic = line.range(of: "Basic ") else { return "-" }
                let encoded = String(line[basic.upperBound...])
                return Data(base64Encoded: encoded).map { String(decoding: $0, as: UTF8.self) } ?? "?"
            }
        }
    }

    /// A sandbox whose git has `credential.helper store` with a github.com password
    /// and one for the loopback server.
    private func sandboxWithCredentialHelper(port: Int) throws -> (Sandbox, store: String) {
        let sandbox = try Sandbox()
        let store = sandbox.root + "/credentials"
        try "https://victim:GITHUB-SECRET@github.com\nhttp://local:LOCAL-SECRET@127.0.0.1:\(port)\n"
            .write(toFile: store, atomically: true, encoding: .utf8)
        XCTAssertExit(Sandbox.execute(["/usr/bin/git", "config", "--global", "credential.helper", "store --file=\(store)"],
                                      environment: sandbox.environment, directory: sandbox.root), 0)
        // The oracle: git itself hands out the github.com password to whoever asks for github.com.
        let fill = Sandbox.execute(["/usr/bin/git", "credential", "fill"], environment: sandbox.environment, directory: sandbox.root,
                                   input: Data("protocol=https\nhost=github.com\n\n".utf8))
        XCTAssertTrue(fill.stdout.contains("password=GITHUB-SECRET"), fill.stdout)
        return (sandbox, store)
    }

    func testURLSmugglingAnotherHostToTheCredentialHelperIsRefused() throws {
        let server = try RecordingServer(folder: NSTemporaryDirectory())
        let (sandbox, store) = try sandboxWithCredentialHelper(port: server.port)
        let local = "127.0.0.1:\(server.port)"

        // The harness sees what a helper hands out: the loopback's own credential, for its own URL.
        let honest = sandbox.naner("init", "--from", "http://\(local)/repo.git")
        XCTAssertExit(honest, 1)
        XCTAssertOneErrorLine(honest, contains: "authentication failed")
        XCTAssertTrue(server.credentialsReceived.contains("local:LOCAL-SECRET"), "\(server.credentialsReceived)")
        let before = server.credentialsReceived.count

        let attacks = [
            "http://x%0ahost=github.com%0aprotocol=https%0ausername=victim@\(local)/repo.git",
            "http://x%0d%0ahost=github.com%0d%0aprotocol=https@\(local)/repo.git",
            "http://\(local)/repo.git%0ahost=github.com%0aprotocol=https",
            "http://x\nhost=github.com\nprotocol=https\nusername=victim@\(local)/repo.git",
            "http://me:pw%0aned@\(local)/repo.git",
        ]
        for url in attacks {
            let run = sandbox.naner("init", "--from", url)
            XCTAssertExit(run, 1)
            XCTAssertOneErrorLine(run, contains: "refusing URL '")
            XCTAssertTrue(run.stderr.contains("': it holds a "), run.stderr)
            XCTAssertFalse(run.stderr.contains("pw%0aned"), "the password is shown: \(run.stderr)")
            XCTAssertFalse(FileManager.default.fileExists(atPath: sandbox.repo), "a repository was left for '\(url)'")
        }
        XCTAssertEqual(server.credentialsReceived.count, before, "requests were sent: \(server.credentialsReceived)")
        XCTAssertFalse(server.credentialsReceived.contains { $0.contains("GITHUB-SECRET") })
        XCTAssertTrue(try String(contentsOfFile: store, encoding: .utf8).contains("GITHUB-SECRET"),
                      "the github.com credential was rejected (erased) through the helper")

        // Never stored as a remote either.
        XCTAssertExit(sandbox.naner("init"), 0)
        let add = sandbox.naner("remote", "add", "evil", attacks[0])
        XCTAssertExit(add, 1)
        XCTAssertOneErrorLine(add, contains: "refusing URL '")
        XCTAssertFalse(sandbox.git("config", "--get-regexp", "remote\\..*").stdout.contains("evil"))
        XCTAssertFalse(server.credentialsReceived.contains { $0.contains("GITHUB-SECRET") })
    }

    /// A stand-in for an ssh that honours `-o` wherever it appears (as variants that
    /// ignore `--` would): a refused address never reaches it, so CANARY never appears.
    func testSSHAddressesThatReadAsOptionsAreRefused() throws {
        let sandbox = try Sandbox()
        let ran = sandbox.root + "/ssh-ran"
        let ssh = sandbox.root + "/naive-ssh"
        try """
            #!/bin/sh
            echo "$@" >> '\(ran)'
            for argument in "$@"; do
              case "$argument" in
                -oProxyCommand=*) eval "$(printf '%s' "${argument#-oProxyCommand=}" | sed 's/%20/ /g')" ;;
              esac
            done
            exit 255
            """.write(toFile: ssh, atomically: true, encoding: .utf8)
        chmod(ssh, 0o755)
        let canary = sandbox.home + "/CANARY"
        for url in ["ssh://-oProxyCommand=touch%20CANARY/x", "-oProxyCommand=touch CANARY:x",
                    "ssh://-oProxyCommand=touch%20CANARY@host/x", "ssh://%2DoProxyCommand=touch%20CANARY/x",
                    "git+ssh://-oProxyCommand=touch%20CANARY/x", "host:-oProxyCommand=touch CANARY"] {
            for environment in [["GIT_SSH": ssh], [:]] {
                let run = sandbox.naner(["init", "--from=" + url], environment: environment)
                XCTAssertExit(run, 1)
                XCTAssertOneErrorLine(run, contains: "may not start with '-'")
                XCTAssertFalse(FileManager.default.fileExists(atPath: canary), url)
                XCTAssertFalse(FileManager.default.fileExists(atPath: ran), "ssh ran for '\(url)'")
                XCTAssertFalse(FileManager.default.fileExists(atPath: sandbox.repo))
            }
        }
        // The stand-in does run and obey for an address it is given, so the test could fail.
        let control = sandbox.naner(["init", "--from", "host:x"], environment: ["GIT_SSH": ssh])
        XCTAssertExit(control, 1)
        XCTAssertTrue(FileManager.default.fileExists(atPath: ran))
    }
}
