/// Where an SSH remote lives, parsed as git parses it: `ssh://[user@]host[:port]/path`
/// (also `ssh+git://`, `git+ssh://`) and scp-like `[user@]host:path`. libgit2 does not
/// export its URL parsers, so this is ours.
struct SSHAddress: Equatable {
    var user: String?
    var host: String
    var port: Int?
    /// The path as the remote shell gets it: `/abs/path.git`, `~/path`, or relative to the login folder.
    var path: String

    struct Invalid: Error, CustomStringConvertible {
        let url: String
        let reason: String
        var description: String { "'\(url)' is not an ssh address: \(reason)" }
    }

    static let schemes = ["ssh://", "ssh+git://", "git+ssh://"]

    init(user: String?, host: String, port: Int?, path: String) {
        self.user = user
        self.host = host
        self.port = port
        self.path = path
    }

    init(parsing url: String) throws {
        if let scheme = Self.schemes.first(where: { url.hasPrefix($0) }) {
            try self.init(url: url, rest: Substring(url.dropFirst(scheme.count)))
        } else {
            try self.init(scpLike: url)
        }
        if host.isEmpty { throw Invalid(url: url, reason: "it names no host") }
        if path.isEmpty { throw Invalid(url: url, reason: "it names no repository path") }
        // ssh variants that ignore `--` (and the remote's git) would read these as
        // options: refused as git refuses them (`looks_like_command_line_option`),
        // percent-decoded too, as git decodes an ssh:// URL before it looks.
        for part in [host, user ?? "", path] where part.hasPrefix("-") || percentDecoded(part[...]).hasPrefix("-") {
            throw Invalid(url: url, reason: "a host, user or path may not start with '-'")
        }
    }

    /// `ssh://[user@]host[:port]/path`; `/~user/path` means `~user/path`, as in git.
    private init(url: String, rest: Substring) throws {
        guard let slash = rest.firstIndex(of: "/") else { throw Invalid(url: url, reason: "it names no repository path") }
        var authority = rest[..<slash]
        var path = String(rest[slash...])
        if path.hasPrefix("/~") { path.removeFirst() }
        var user: String?
        if let at = authority.lastIndex(of: "@") {
            user = String(authority[..<at])
            authority = authority[authority.index(after: at)...]
        }
        let (host, portText) = try Self.splitHostPort(authority, url: url)
        var port: Int?
        if let portText, !portText.isEmpty {
            guard let number = Int(portText), (1...65535).contains(number) else {
                throw Invalid(url: url, reason: "'\(portText)' is not a port number")
            }
            port = number
        }
        self.init(user: user, host: host, port: port, path: path)
    }

    /// `[user@]host:path` or `[user@][host:port]:path`.
    private init(scpLike url: String) throws {
        var rest = Substring(url)
        var user: String?
        // An `@` in the path (after the separating colon) is not a user.
        if let at = rest.firstIndex(of: "@"), !rest[..<at].contains(":") {
            user = String(rest[..<at])
            rest = rest[rest.index(after: at)...]
        }
        var host: String
        var port: Int?
        if rest.hasPrefix("["), let close = rest.firstIndex(of: "]") {
            let inside = rest[rest.index(after: rest.startIndex)..<close]
            rest = rest[rest.index(after: close)...]
            guard rest.hasPrefix(":") else { throw Invalid(url: url, reason: "expected ':' after ']'") }
            // `[host:port]` as git accepts it; `[::1]` is an IPv6 address.
            if let colon = inside.lastIndex(of: ":"), inside.filter({ $0 == ":" }).count == 1 {
                host = String(inside[..<colon])
                port = Int(inside[inside.index(after: colon)...])
                if port == nil { throw Invalid(url: url, reason: "'\(inside)' has no port number") }
            } else {
                host = String(inside)
            }
        } else {
            guard let colon = rest.firstIndex(of: ":") else { throw Invalid(url: url, reason: "it has no ':'") }
            host = String(rest[..<colon])
            rest = rest[colon...]
        }
        if host.contains("/") { throw Invalid(url: url, reason: "it is a local path (a '/' comes before the first ':')") }
        self.init(user: user, host: host, port: port, path: String(rest.dropFirst()))
    }

    /// Splits `host[:port]` and `[ipv6][:port]`.
    private static func splitHostPort(_ authority: Substring, url: String) throws -> (String, String?) {
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else { throw Invalid(url: url, reason: "'[' without ']'") }
            let host = String(authority[authority.index(after: authority.startIndex)..<close])
            let after = authority[authority.index(after: close)...]
            return (host, after.hasPrefix(":") ? String(after.dropFirst()) : nil)
        }
        if let colon = authority.lastIndex(of: ":") {
            return (String(authority[..<colon]), String(authority[authority.index(after: colon)...]))
        }
        return (String(authority), nil)
    }

    /// `user@host` or `host`, as ssh takes it.
    var destination: String {
        user.map { "\($0)@\(host)" } ?? host
    }

    /// What the remote shell runs: `git-upload-pack '/path'`.
    func remoteCommand(_ program: String) -> String {
        program + " " + Self.shellQuoted(path)
    }

    /// Quotes for a POSIX shell the way git does (`sq_quote_buf`): single quotes,
    /// with `'` and `!` stepped outside them.
    static func shellQuoted(_ text: String) -> String {
        var quoted = "'"
        for character in text {
            switch character {
            case "'": quoted += "'\\''"
            case "!": quoted += "'\\!'"
            default: quoted.append(character)
            }
        }
        return quoted + "'"
    }
}
