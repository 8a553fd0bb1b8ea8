import CLibgit2
import Glibc

/// An HTTP proxy for one transfer's http(s) connections.
public struct ProxyOptions {
    /// `http://host[:port]`, without a user or password: those come from `credentials`,
    /// so they are sent only to a proxy that asks, and never appear in an error.
    public var url: String
    /// Asked when the proxy answers 407, once per attempt; `.none` gives up.
    public var credentials: ((CredentialRequest) throws -> Credential)?

    public init(url: String, credentials: ((CredentialRequest) throws -> Credential)? = nil) {
        self.url = url
        self.credentials = credentials
    }

    /// Host and port of `http://host[:port][/]`; curl's default port, 1080, when none
    /// is written. Nil for anything else (https:// or socks proxies, a path).
    var endpoint: (host: String, port: String)? {
        guard url.lowercased().hasPrefix("http://") else { return nil }
        var authority = url.dropFirst(7)
        if authority.hasSuffix("/") { authority = authority.dropLast() }
        guard !authority.isEmpty, !authority.contains("/"), !authority.contains("@") else { return nil }
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else { return nil }
            let host = String(authority[authority.index(after: authority.startIndex)..<close])
            let rest = authority[authority.index(after: close)...]
            if rest.isEmpty { return (host, "1080") }
            guard rest.hasPrefix(":"), rest.count > 1, rest.dropFirst().allSatisfy(\.isNumber) else { return nil }
            return (host, String(rest.dropFirst()))
        }
        guard let colon = authority.lastIndex(of: ":") else { return (String(authority), "1080") }
        let port = authority[authority.index(after: colon)...]
        guard !port.isEmpty, port.allSatisfy(\.isNumber), colon != authority.startIndex else { return nil }
        return (String(authority[..<colon]), String(port))
    }
}
