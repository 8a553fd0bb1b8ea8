import Foundation
import XCTest

/// A real tinyproxy on 127.0.0.1, in the foreground, logging every CONNECT it is
/// asked for. Optionally it wants a user and password (Basic), or allows CONNECT to
/// port 443 only (so it refuses the test server's port with a 403).
final class ProxyServer {
    static let user = "proxy-user"
    static let password = "pr0xy-Pa55"

    let root: String
    private(set) var port = 0
    private var process: Process?
    private let authenticated: Bool
    private let connectPort443Only: Bool

    var logPath: String { root + "/tinyproxy.log" }

    /// `http://127.0.0.1:PORT`, with `user:password@` when given.
    func url(user: String? = nil, password: String? = nil) -> String {
        let userinfo = user.map { $0 + (password.map { ":" + $0 } ?? "") + "@" } ?? ""
        return "http://\(userinfo)127.0.0.1:\(port)"
    }

    init(authenticated: Bool = false, connectPort443Only: Bool = false) throws {
        self.authenticated = authenticated
        self.connectPort443Only = connectPort443Only
        var template = Array("/tmp/naner-proxy.XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { throw CocoaError(.fileWriteUnknown) }
        root = String(cString: made)
        for _ in 0..<5 {
            port = try Loopback.freePort()
            try writeConfig()
            if try start() { return }
        }
        throw HTTPServer.ServerError("tinyproxy did not start:\n\(describe())")
    }

    deinit {
        stop()
        try? FileManager.default.removeItem(atPath: root)
    }

    func stop() {
        guard let process, process.isRunning else { return }
        process.terminate()
        process.waitUntilExit()
        self.process = nil
    }

    var log: String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }

    /// How many times it was asked to CONNECT to `host:port`.
    func connects(to target: String) -> Int {
        log.split(separator: "\n").filter { $0.contains("CONNECT \(target) ") }.count
    }

    func describe() -> String {
        let output = (try? String(contentsOfFile: root + "/tinyproxy.out", encoding: .utf8)) ?? ""
        return "tinyproxy on port \(port)\n--- log\n\(log)--- output\n\(output)"
    }

    private func writeConfig() throws {
        var lines = [
            "Port \(port)", "Listen 127.0.0.1", "Timeout 60", "LogFile \"\(logPath)\"", "LogLevel Info",
            "MaxClients 20", "Allow 127.0.0.1", "DisableViaHeader Yes",
        ]
        if authenticated { lines.append("BasicAuth \(ProxyServer.user) \(ProxyServer.password)") }
        if connectPort443Only { lines.append("ConnectPort 443") }
        try (lines.joined(separator: "\n") + "\n").write(toFile: root + "/tinyproxy.conf", atomically: true, encoding: .utf8)
    }

    private func start() throws -> Bool {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/tinyproxy")
        process.arguments = ["-d", "-c", root + "/tinyproxy.conf"]
        process.environment = ["PATH": "/usr/bin:/bin:/usr/sbin:/sbin"]
        let outputPath = root + "/tinyproxy.out"
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
                usleep(50_000)
                guard process.isRunning else { return false }
                self.process = process
                return true
            }
            usleep(20_000)
        }
        process.terminate()
        process.waitUntilExit()
        throw HTTPServer.ServerError("tinyproxy did not answer within 10 s:\n\(describe())")
    }
}
