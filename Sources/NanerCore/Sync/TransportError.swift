import GitKit

/// What stops an https connection before the git server answers: its certificate,
/// the CAs naner was told to trust, or the proxy on the way. Proxies are named
/// without their user and password; each message is one line.
public enum TransportError: NanerFailure, Equatable {
    /// `server` is `host[:port]`; `trusted` says which CAs were used and where that came from.
    case certificateRefused(server: String, host: String, problems: [CertificateProblem], trusted: String)
    case unusableCertificates(path: String, origin: String, reason: String)
    case unsupportedProxy(proxy: String, origin: String)
    case proxyUnreachable(proxy: String, origin: String, reason: String)
    case proxyRefused(proxy: String, origin: String, server: String, status: Int, reason: String)
    case proxyAuthenticationFailed(proxy: String, origin: String)
    case proxyAuthenticationUnsupported(proxy: String, origin: String, scheme: String)
    case proxyBrokenAnswer(proxy: String, origin: String, what: String)

    /// Always one line: names quoted from a config file may hold control characters.
    public var message: String { text.onOneLine }

    private var text: String {
        switch self {
        case .certificateRefused(let server, let host, let problems, _):
            let words = problems.map { problem -> String in
                switch problem {
                case .untrusted: return "is not signed by a trusted CA"
                case .expired: return "has expired"
                case .notYetValid: return "is not valid yet"
                case .nameMismatch: return "is issued for another name than '\(host)'"
                case .revoked: return "has been revoked"
                case .other: return "is not acceptable"
                }
            }
            return "the certificate of '\(server)' " + (words.isEmpty ? ["is not acceptable"] : words).joined(separator: " and ")
        case .unusableCertificates(let path, let origin, let reason):
            return "cannot use the CA certificates in '\(path)' (\(origin)): \(reason)"
        case .unsupportedProxy(let proxy, let origin):
            return "proxy '\(proxy)' (\(origin)) is not an http:// proxy, the only kind naner can use"
        case .proxyUnreachable(let proxy, _, let reason):
            return "cannot reach proxy '\(proxy)': \(reason)"
        case .proxyRefused(let proxy, _, let server, let status, let reason):
            return "proxy '\(proxy)' refused to connect to '\(server)': \(status)" + (reason.isEmpty ? "" : " \(reason)")
        case .proxyAuthenticationFailed(let proxy, _):
            return "authentication failed for proxy '\(proxy)'"
        case .proxyAuthenticationUnsupported(let proxy, _, let scheme):
            return "proxy '\(proxy)' wants \(scheme) authentication; naner can send a user and password (Basic) only"
        case .proxyBrokenAnswer(let proxy, _, let what):
            return "proxy '\(proxy)' did not open a connection: \(what)"
        }
    }

    public var hints: [String] {
        switch self {
        case .certificateRefused(_, let host, let problems, let trusted):
            var hints: [String] = []
            if problems.contains(.untrusted) {
                hints.append("if '\(host)' uses a CA of your own (a company network's), give naner its certificate: "
                             + "git config --global http.sslCAInfo /path/to/ca.pem (or GIT_SSL_CAINFO)")
            }
            if problems.contains(.nameMismatch) { hints.append("use the name the certificate was issued for in the remote's URL") }
            if problems.contains(.expired) || problems.contains(.notYetValid) {
                hints.append("check this machine's date and time; otherwise the server's certificate must be renewed")
            }
            hints.append("naner trusted \(trusted)")
            return hints
        case .unusableCertificates(_, let origin, _):
            return ["fix \(origin): it must name a PEM file (or a folder of them) holding CA certificates"]
        case .unsupportedProxy(_, let origin):
            return ["set \(origin) to http://HOST:PORT"]
        case .proxyUnreachable(_, let origin, _), .proxyRefused(_, let origin, _, _, _), .proxyBrokenAnswer(_, let origin, _):
            return ["the proxy comes from \(origin); check it, or name the server in NO_PROXY to connect directly"]
        case .proxyAuthenticationFailed(_, let origin):
            return ["the proxy comes from \(origin); write its user and password into that URL (http://USER:PASSWORD@HOST:PORT) "
                    + "or store them with a git credential helper"]
        case .proxyAuthenticationUnsupported(_, let origin, _):
            return ["the proxy comes from \(origin); ask for a proxy that accepts a user and password"]
        }
    }

    public var exitCode: Int32 { NanerExit.failure }
}
