import FoundationEssentials
import GitKit

/// What git reads for one http(s) remote besides its address — which CAs to trust,
/// whether to check certificates at all, and the proxy — each with where it came
/// from, in git's order of precedence:
///
/// - CA file: `GIT_SSL_CAINFO`, `http.<url>.sslCAInfo`, `http.sslCAInfo`,
///   `SSL_CERT_FILE`, the system bundle. CA folder: `GIT_SSL_CAPATH`,
///   `http.<url>.sslCAPath`, `http.sslCAPath`, `SSL_CERT_DIR` (it adds to the file,
///   as OpenSSL's default folder adds to its default file).
/// - Checks off: `GIT_SSL_NO_VERIFY` (set at all), `http.<url>.sslVerify`, `http.sslVerify`.
/// - Proxy: `remote.<name>.proxy`, `http.<url>.proxy`, `http.proxy` (empty: none),
///   then `https_proxy`/`HTTPS_PROXY` (`http_proxy` for http://), then
///   `all_proxy`/`ALL_PROXY` — lowercase first, as git lets it override — unless
///   `no_proxy`/`NO_PROXY` names the host (curl's rules: a name and its subdomains, `*`).
///
/// Config keys are read from git's files as libgit2 finds them (system, global —
/// `~/.gitconfig` and `$XDG_CONFIG_HOME/git/config` —, the repository's), later
/// overriding earlier; `http.<url>.*` matches as git's urlmatch does (scheme, host
/// with `*` labels, port, a path prefix, the user if written), the most specific winning.
public struct TransportSettings: Sendable, Equatable {
    public enum Source: String, Sendable {
        case environment = "env", config, `default`
    }

    /// One value and where it came from.
    public struct Setting: Sendable, Equatable {
        public let value: String
        public let source: Source
        /// The variable or key that set it: `GIT_SSL_CAINFO`, `http.sslCAInfo in the global config`.
        public let origin: String
    }

    /// `host` or `host:port` (when not the scheme's default): what messages name.
    public let server: String
    /// The host alone, as a certificate names it.
    public let host: String
    public let isHTTPS: Bool
    /// The CA file in effect; the system bundle unless something names another.
    public private(set) var caFile: Setting
    public private(set) var caPath: Setting?
    /// Set when certificates are not checked.
    public private(set) var verificationOff: Setting?
    /// The proxy's URL as configured (it may hold a password: messages show `proxyAddress`).
    public private(set) var proxy: Setting?
    /// Why there is no proxy although one is configured: the `NO_PROXY` entry that
    /// names the host, or an empty `http.proxy`.
    public private(set) var proxyBypass: Setting?

    /// `url` is an http(s) URL; `remote` the remote's name when it has one (for
    /// `remote.<name>.proxy`); `config` git's entries under `http.` and `remote.`, in
    /// the order git reads them.
    public init(url: String, remote: String?, config: [ConfigEntry], environment: [String: String]) {
        let address = URLAddress(url) ?? URLAddress(scheme: "https", user: nil, host: "", port: nil, path: "/")
        isHTTPS = address.scheme == "https"
        host = address.host
        server = address.port.map { $0 == address.defaultPort ? address.host : "\(address.host):\($0)" } ?? address.host
        let home = environment["HOME"]

        func variable(_ names: String...) -> Setting? {
            for name in names {
                if let value = environment[name], !value.isEmpty { return Setting(value: value, source: .environment, origin: name) }
            }
            return nil
        }
        func configured(_ key: String, path: Bool) -> Setting? {
            TransportSettings.best(key, for: address, in: config).map { entry, shownKey in
                Setting(value: path ? TransportSettings.expandingTilde(entry.value, home: home) : entry.value, source: .config,
                        origin: "\(shownKey) in \(entry.level.description)")
            }
        }

        caFile = variable("GIT_SSL_CAINFO") ?? configured("sslCAInfo", path: true) ?? variable("SSL_CERT_FILE")
            ?? Setting(value: Libgit2.systemCertificateBundle, source: .default, origin: "the system's CA bundle")
        caPath = variable("GIT_SSL_CAPATH") ?? configured("sslCAPath", path: true) ?? variable("SSL_CERT_DIR")
        if environment["GIT_SSL_NO_VERIFY"] != nil {
            verificationOff = Setting(value: "false", source: .environment, origin: "GIT_SSL_NO_VERIFY")
        } else if let verify = configured("sslVerify", path: false), TransportSettings.bool(verify.value) == false {
            verificationOff = Setting(value: "false", source: .config, origin: verify.origin)
        }

        var chosen: Setting?
        if let remote, let entry = config.last(where: { $0.name == "remote.\(remote).proxy" }) {
            chosen = Setting(value: entry.value, source: .config, origin: "remote.\(remote).proxy in \(entry.level.description)")
        } else if let entry = configured("proxy", path: false) {
            chosen = entry
        }
        if let explicit = chosen, explicit.value.isEmpty {
            proxyBypass = explicit  // an empty value turns proxies off, the environment's too
        } else {
            chosen = chosen ?? (isHTTPS ? variable("https_proxy", "HTTPS_PROXY") : variable("http_proxy"))
                ?? variable("all_proxy", "ALL_PROXY")
            if chosen != nil, let exception = variable("no_proxy", "NO_PROXY"),
               let entry = TransportSettings.bypassEntry(exception.value, host: address.host) {
                proxyBypass = Setting(value: entry, source: .environment, origin: exception.origin)
                chosen = nil
            }
            proxy = chosen
        }
    }

    // MARK: The proxy's address

    /// The proxy with `http://` when no scheme is written (as curl reads it), and its
    /// user and password taken out: what naner connects to and what messages name.
    public var proxyAddress: String? {
        guard let proxy else { return nil }
        let written = proxy.value.contains("://") ? proxy.value : "http://" + proxy.value
        guard let separator = written.firstRange(of: "://") else { return written }
        let rest = written[separator.upperBound...]
        let authorityEnd = rest.firstIndex { "/?#".contains($0) } ?? rest.endIndex
        let authority = rest[..<authorityEnd]
        let hostPart = authority.lastIndex(of: "@").map { authority[authority.index(after: $0)...] } ?? authority
        let scheme = written[..<separator.lowerBound].lowercased()
        let path = rest[authorityEnd...]
        return scheme + "://" + hostPart + (path == "/" ? "" : path)
    }

    /// The proxy URL with its credentials, for the credential sources (never shown).
    var proxyURLWithCredentials: String? {
        proxy.map { $0.value.contains("://") ? $0.value : "http://" + $0.value }
    }

    /// naner speaks to http:// proxies only (libgit2 1.5 has no SOCKS, and TLS to the proxy
    /// itself is not done by naner's tunnel).
    public var proxyIsSupported: Bool {
        guard let address = proxyAddress else { return true }
        guard address.lowercased().hasPrefix("http://") else { return false }
        let rest = address.dropFirst(7)
        return !rest.isEmpty && !rest.contains("/")
    }

    // MARK: Rules

    /// The entry for `http[.<url>].<key>` that git would use for `address`, and the key as
    /// shown (`http.https://example.com/.sslCAInfo`): the most specific match, a later
    /// one winning among equals.
    static func best(_ key: String, for address: URLAddress, in config: [ConfigEntry]) -> (ConfigEntry, String)? {
        let lowered = key.lowercased()
        var found: (entry: ConfigEntry, shown: String, rank: [Int])?
        for entry in config where entry.name.hasPrefix("http.") && entry.name.hasSuffix("." + lowered) {
            let middle = entry.name.dropFirst(5).dropLast(lowered.count + 1)
            let rank: [Int]
            if middle.isEmpty {
                rank = [-1, 0, -1, 0]
            } else {
                guard let pattern = URLAddress(String(middle)), let matched = pattern.rank(matching: address) else { continue }
                rank = matched
            }
            if found == nil || !rank.lexicographicallyPrecedes(found!.rank) {
                found = (entry, "http." + (middle.isEmpty ? "" : middle + ".") + key, rank)
            }
        }
        return found.map { ($0.entry, $0.shown) }
    }

    /// The `NO_PROXY` entry that names `host`, curl's way: `*` names all; `example.com`
    /// or `.example.com` names it and every name below it; case does not matter.
    static func bypassEntry(_ list: String, host: String) -> String? {
        let host = host.lowercased().trimming(scalars: "[]")
        for raw in list.split(whereSeparator: { $0 == "," || $0 == " " }) {
            let entry = raw.trimmingSpaces()
            if entry == "*" { return entry }
            let name = entry.lowercased().drop { $0 == "." }.trimming(scalars: "[]")
            guard !name.isEmpty else { continue }
            if host == name || host.hasSuffix("." + name) { return entry }
        }
        return nil
    }

    /// git's booleans; nil for anything else.
    static func bool(_ text: String) -> Bool? {
        switch text.lowercased() {
        case "", "true", "yes", "on", "1": return true
        case "false", "no", "off", "0": return false
        default: return Int(text).map { $0 != 0 }
        }
    }

    /// `~/x` in a config path means the home's `x`, as git reads pathnames.
    static func expandingTilde(_ path: String, home: String?) -> String {
        guard let home, path == "~" || path.hasPrefix("~/") else { return path }
        return home + path.dropFirst()
    }
}

/// The parts of a URL that git's urlmatch compares.
struct URLAddress: Equatable {
    let scheme: String
    let user: String?
    /// Lowercased; an IPv6 address keeps its brackets.
    let host: String
    let port: Int?
    /// Starts with `/`; no trailing `/` except the root's.
    let path: String

    init(scheme: String, user: String?, host: String, port: Int?, path: String) {
        self.scheme = scheme
        self.user = user
        self.host = host
        self.port = port
        self.path = path
    }

    init?(_ url: String) {
        guard let separator = url.firstRange(of: "://") else { return nil }
        scheme = url[..<separator.lowerBound].lowercased()
        let rest = url[separator.upperBound...]
        let authorityEnd = rest.firstIndex { "/?#".contains($0) } ?? rest.endIndex
        var authority = rest[..<authorityEnd]
        if let at = authority.lastIndex(of: "@") {
            let userinfo = authority[..<at]
            user = String(userinfo.prefix { $0 != ":" }).percentDecoded
            authority = authority[authority.index(after: at)...]
        } else {
            user = nil
        }
        var hostPart = authority
        var portText: Substring?
        if authority.hasPrefix("[") {
            if let close = authority.firstIndex(of: "]") {
                hostPart = authority[...close]
                let after = authority[authority.index(after: close)...]
                if after.hasPrefix(":") { portText = after.dropFirst() }
            }
        } else if let colon = authority.lastIndex(of: ":") {
            hostPart = authority[..<colon]
            portText = authority[authority.index(after: colon)...]
        }
        host = hostPart.lowercased()
        if let portText, !portText.isEmpty {
            guard let number = Int(portText) else { return nil }
            port = number
        } else {
            port = nil
        }
        let pathEnd = rest[authorityEnd...].firstIndex { "?#".contains($0) } ?? rest.endIndex
        var path = String(rest[authorityEnd..<pathEnd])
        while path.count > 1 && path.hasSuffix("/") { path.removeLast() }
        self.path = path.isEmpty ? "/" : path
    }

    var defaultPort: Int? {
        switch scheme {
        case "https": return 443
        case "http": return 80
        default: return nil
        }
    }

    /// How specifically this `http.<url>` pattern matches `url` (host length, fewer
    /// wildcards, path length, user given), as git's urlmatch ranks; nil when it does not.
    func rank(matching url: URLAddress) -> [Int]? {
        guard scheme == url.scheme, (port ?? defaultPort) == (url.port ?? url.defaultPort) else { return nil }
        if let user, user != url.user { return nil }
        let patternLabels = host.split(separator: ".", omittingEmptySubsequences: false)
        let labels = url.host.split(separator: ".", omittingEmptySubsequences: false)
        guard patternLabels.count == labels.count,
              zip(patternLabels, labels).allSatisfy({ $0 == "*" || $0 == $1 }) else { return nil }
        let wildcards = patternLabels.filter { $0 == "*" }.count
        guard path == "/" || url.path == path || url.path.hasPrefix(path + "/") else { return nil }
        return [host.count, -wildcards, path == "/" ? 0 : path.count, user == nil ? 0 : 1]
    }
}
