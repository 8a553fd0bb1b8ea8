import Foundation
import XCTest

/// A real OpenSSH server on 127.0.0.1 for one test: its own ed25519 host key, and
/// one authorized client key made for this run. Logins are as the current user
/// (root in CI), so remote paths are plain absolute paths on this machine.
final class SSHServer {
    let root: String
    let port: Int
    let hostKey: String
    /// The authorized client key (private half; `.pub` beside it).
    let clientKey: String
    let user: String
    private var pid: pid_t

    init() throws {
        var template = Array("/tmp/naner-sshd.XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { throw CocoaError(.fileWriteUnknown) }
        root = String(cString: made)
        hostKey = root + "/host_ed25519"
        clientKey = root + "/client_ed25519"
        user = String(cString: getpwuid(getuid())!.pointee.pw_name)
        for key in [hostKey, clientKey] { try SSHServer.makeKey(key) }
        try FileManager.default.copyItem(atPath: clientKey + ".pub", toPath: root + "/authorized_keys")
        // sshd refuses to start without its privilege-separation folder.
        try FileManager.default.createDirectory(atPath: "/run/sshd", withIntermediateDirectories: true)

        // Another process may take the free port before sshd binds it: try a few.
        var attempt = 0
        while true {
            attempt += 1
            let port = try Loopback.freePort()
            let config = root + "/sshd_config"
            try """
            ListenAddress 127.0.0.1
            Port \(port)
            HostKey \(hostKey)
            PidFile \(root)/sshd.pid
            AuthorizedKeysFile \(root)/authorized_keys
            PasswordAuthentication no
            KbdInteractiveAuthentication no
            UsePAM no
            StrictModes no

            """.write(toFile: config, atomically: true, encoding: .utf8)
            // posix_spawn, not Process: sshd closes every inherited descriptor at
            // startup, which Foundation's Process takes for an exit; its monitor thread
            // then blocks in waitpid on sshd and no other Process is ever seen to end.
            let pid = try SSHServer.spawn(["/usr/sbin/sshd", "-D", "-e", "-f", config], log: root + "/sshd.log")
            switch SSHServer.waitUntilListening(port: port, pid: pid) {
            case .listening:
                self.port = port
                self.pid = pid
                return
            case .exited: break
            case .silent: SSHServer.end(pid)
            }
            if attempt == 3 {
                let log = (try? String(contentsOfFile: root + "/sshd.log", encoding: .utf8)) ?? ""
                throw NSError(domain: "SSHServer", code: 1, userInfo: [NSLocalizedDescriptionKey: "sshd did not start: \(log)"])
            }
        }
    }

    deinit {
        stop()
        try? FileManager.default.removeItem(atPath: root)
    }

    func stop() {
        guard pid > 0 else { return }
        SSHServer.end(pid)
        pid = 0
    }

    /// The server's host key as `ssh-keygen -lf` prints it: `SHA256:…`.
    var hostFingerprint: String { SSHServer.fingerprint(hostKey + ".pub") }

    enum KnownHost {
        case server
        case nothing
        /// Another key recorded for this host, as after a server was replaced.
        case otherKey(String)
    }

    /// Writes `home/.ssh/config` with the alias `dots` for this server (the key and
    /// known_hosts apply to every host, so `ssh://user@127.0.0.1:port/…` works too), and
    /// `home/.ssh/known_hosts`. Returns the environment naner needs: OpenSSH reads
    /// `~/.ssh` from the passwd entry, not `$HOME`, so ssh is pointed at the config.
    func configureClient(home: String, identity: String? = nil, port: Int? = nil,
                         knownHost: KnownHost = .server) throws -> [String: String] {
        let folder = home + "/.ssh"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o700])
        let port = port ?? self.port
        try write(folder + "/config", """
            Host dots
              HostName 127.0.0.1
              Port \(port)
              User \(user)
            Host *
              IdentityFile \(identity ?? clientKey)
              IdentitiesOnly yes
              UserKnownHostsFile \(folder)/known_hosts

            """)
        let knownHosts: String
        switch knownHost {
        case .server: knownHosts = "[127.0.0.1]:\(port) \(try publicKey(hostKey + ".pub"))\n"
        case .nothing: knownHosts = ""
        case .otherKey(let path): knownHosts = "[127.0.0.1]:\(port) \(try publicKey(path + ".pub"))\n"
        }
        try write(folder + "/known_hosts", knownHosts)
        return ["GIT_SSH_COMMAND": "ssh -F \(folder)/config"]
    }

    // MARK: - Helpers

    static func makeKey(_ path: String) throws {
        let run = Sandbox.execute(["/usr/bin/ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "naner-test", "-f", path],
                                  environment: [:], directory: "/")
        guard run.status == 0 else {
            throw NSError(domain: "SSHServer", code: 2, userInfo: [NSLocalizedDescriptionKey: "ssh-keygen: \(run.stderr)"])
        }
    }

    static func fingerprint(_ publicKey: String) -> String {
        let run = Sandbox.execute(["/usr/bin/ssh-keygen", "-lf", publicKey], environment: [:], directory: "/")
        // "256 SHA256:… comment (ED25519)"
        return run.stdout.split(separator: " ").dropFirst().first.map(String.init) ?? "no fingerprint: \(run.stderr)"
    }

    /// "ssh-ed25519 AAAA…", without the comment.
    private func publicKey(_ path: String) throws -> String {
        let line = try String(contentsOfFile: path, encoding: .utf8)
        return line.split(separator: " ").prefix(2).joined(separator: " ")
    }

    private func write(_ path: String, _ text: String) throws {
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        // ssh refuses a config others can write.
        chmod(path, 0o600)
    }

    private static func spawn(_ arguments: [String], log: String) throws -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, log, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        let argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, arguments[0], &actions, nil, argv, environ)
        guard result == 0 else { throw POSIXError(.init(rawValue: result) ?? .EIO) }
        return pid
    }

    private static func end(_ pid: pid_t) {
        kill(pid, SIGTERM)
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
    }

    private enum Start { case listening, exited, silent }

    /// Polls the port; `exited` means sshd ended (and was reaped), `silent` that it runs but never listened.
    private static func waitUntilListening(port: Int, pid: pid_t) -> Start {
        var status: Int32 = 0
        for _ in 0..<100 {
            if Loopback.accepts(port: port) { return .listening }
            if waitpid(pid, &status, WNOHANG) == pid { return .exited }
            usleep(50_000)
        }
        return .silent
    }
}
