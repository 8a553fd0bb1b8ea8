/// Turns a failed ssh run into one line for the user. Mostly OpenSSH's own last
/// words (`Permission denied (publickey).`, `Connection refused`, the remote's
/// `does not appear to be a git repository`); host-key refusals are rewritten so the
/// user sees the key's fingerprint and what to do, which in batch mode ssh omits.
struct SSHFailure {
    let stderr: String
    let termination: ChildProcess.Termination
    let address: SSHAddress
    /// The ssh command in use, to resolve the alias's real host and port with `ssh -G`.
    let program: [String]

    var message: String {
        // `isNewline`: "\r\n" is one Character, equal to neither "\r" nor "\n".
        let lines = stderr.split(whereSeparator: \.isNewline)
            .map { $0.trimmingCharacters(in: " \t") }
            .filter { !$0.isEmpty && !Self.noise.contains(where: $0.hasPrefix) }
        if lines.contains(where: { $0.contains("REMOTE HOST IDENTIFICATION HAS CHANGED") }) {
            return changedHostKey(lines)
        }
        if lines.last == "Host key verification failed." {
            return unknownHostKey()
        }
        if !lines.isEmpty { return lines.suffix(3).joined(separator: "; ") }
        switch termination {
        case .exited(let code): return "ssh to '\(address.host)' exited with status \(code)"
        case .signalled(let signal): return "ssh to '\(address.host)' was killed by signal \(signal)"
        }
    }

    /// Lines ssh prints on the way that say nothing about the failure.
    private static let noise = ["Pseudo-terminal will not be allocated", "Warning: Permanently added"]

    /// In batch mode ssh refuses an unknown host with only "Host key verification
    /// failed."; ask the server for its key ourselves so the user can check it.
    private func unknownHostKey() -> String {
        let server = resolved()
        let add = "ssh-keyscan -p \(server.port) \(server.host) >> \(server.knownHosts)"
        guard let key = scannedKey(host: server.host, port: server.port) else {
            return "host key for '\(server.shown)' is not known and the server did not show it: "
                + "verify it, then add it with \(add) or connect once with ssh"
        }
        return "host key for '\(server.shown)' is not known (\(key)): verify it, then add it with \(add) or connect once with ssh"
    }

    /// ssh's banner holds the new fingerprint and the offending known_hosts line; keep those.
    private func changedHostKey(_ lines: [String]) -> String {
        let server = resolved()
        var key = "another key"
        if let index = lines.firstIndex(where: { $0.contains("key sent by the remote host is") }), index + 1 < lines.count {
            // "The fingerprint for the ED25519 key sent by the remote host is" / "SHA256:….".
            let words = lines[index].split(separator: " ")
            let type = words.firstIndex(of: "the").flatMap { $0 + 1 < words.count ? String(words[$0 + 1]) : nil }
            var fingerprint = lines[index + 1]
            if fingerprint.hasSuffix(".") { fingerprint.removeLast() }
            key = (type.map { $0 + " " } ?? "") + fingerprint
        }
        // "Offending ED25519 key in /root/.ssh/known_hosts:3".
        var file = server.knownHosts
        var recorded = file
        if let offending = lines.first(where: { $0.hasPrefix("Offending ") }),
           let range = offending.firstRange(of: " key in ") {
            recorded = String(offending[range.upperBound...])
            if let colon = recorded.lastIndex(of: ":") { file = String(recorded[..<colon]) }
        }
        return "host key for '\(server.shown)' has changed (the server now shows \(key); '\(recorded)' holds another): "
            + "if the change is expected, remove the old key with ssh-keygen -f \(SSHAddress.shellQuoted(file)) "
            + "-R \(SSHAddress.shellQuoted(server.pattern)), else do not connect"
    }

    /// The server as ssh sees it after its config: real host name, port, known_hosts file.
    private struct Server {
        var host: String
        var port: Int
        var knownHosts = "~/.ssh/known_hosts"

        /// `host:port` for the message, `host` alone on port 22.
        var shown: String { port == 22 ? host : "\(host):\(port)" }
        /// The name known_hosts files it under.
        var pattern: String { port == 22 ? host : "[\(host)]:\(port)" }
    }

    /// Resolves an alias with `ssh -G` through the same ssh command; the address as
    /// written when that fails.
    private func resolved() -> Server {
        var server = Server(host: address.host, port: address.port ?? 22)
        var arguments = ["-G"]
        if let explicit = address.port { arguments += ["-p", String(explicit)] }
        arguments += ["--", address.destination]
        guard let (termination, output) = try? ChildProcess.run(program + arguments), termination.succeeded else {
            return server
        }
        for line in String(decoding: output, as: UTF8.self).split(separator: "\n") {
            let parts = line.split(separator: " ").map(String.init)
            guard parts.count >= 2 else { continue }
            switch parts[0] {
            case "hostname": server.host = parts[1]
            case "port": server.port = Int(parts[1]) ?? server.port
            case "userknownhostsfile": server.knownHosts = parts[1]
            default: break
            }
        }
        return server
    }

    /// The server's host key as `ED25519 SHA256:…` (`ssh-keyscan | ssh-keygen -lf -`),
    /// preferring the type OpenSSH negotiates first; nil when the server does not answer.
    private func scannedKey(host: String, port: Int) -> String? {
        guard let (scanned, keys) = try? ChildProcess.run(["ssh-keyscan", "-T", "5", "-p", String(port), "--", host]),
              scanned.succeeded, !keys.isEmpty,
              let (listed, fingerprints) = try? ChildProcess.run(["ssh-keygen", "-lf", "-"], input: keys),
              listed.succeeded
        else { return nil }
        // Lines read "256 SHA256:… [host]:port (ED25519)".
        let found: [(type: String, fingerprint: String)] = String(decoding: fingerprints, as: UTF8.self)
            .split(separator: "\n").compactMap { line in
                let words = line.split(separator: " ")
                guard words.count >= 3, let last = words.last, last.hasPrefix("("), last.hasSuffix(")") else { return nil }
                return (String(last.dropFirst().dropLast()), String(words[1]))
            }
        let preference = ["ED25519", "ECDSA", "RSA"]
        let best = found.min { (preference.firstIndex(of: $0.type) ?? 99) < (preference.firstIndex(of: $1.type) ?? 99) }
        return best.map { "\($0.type) \($0.fingerprint)" }
    }
}

private extension Substring {
    func trimmingCharacters(in set: String) -> String {
        var text = self
        while let first = text.first, set.contains(first) { text.removeFirst() }
        while let last = text.last, set.contains(last) { text.removeLast() }
        return String(text)
    }
}
