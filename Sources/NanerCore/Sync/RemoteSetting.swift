/// One CA or proxy setting in effect for an http(s) remote, and where it came from,
/// as `naner doctor` reports it.
public struct RemoteSetting: Sendable, Equatable {
    public enum Kind: String, Sendable {
        case caFile = "ca-file", caPath = "ca-path", sslVerify = "ssl-verify", proxy
    }

    public let remote: String
    public let kind: Kind
    /// A path, `false` (checks off), a proxy's URL without credentials, or `none`.
    public let value: String
    public let source: TransportSettings.Source
    /// The variable or key that set it, or why there is none.
    public let origin: String

    /// `remote 'origin': CA file '/etc/ssl/certs/ca-certificates.crt' (the system's CA bundle)`.
    public var description: String {
        let what: String
        switch kind {
        case .caFile: what = "CA file '\(value)'"
        case .caPath: what = "CA folder '\(value)'"
        case .sslVerify: what = "certificates are not checked"
        case .proxy: what = value == "none" ? "no proxy" : "proxy '\(value)'"
        }
        return "remote '\(remote)': \(what) (\(origin))".onOneLine
    }
}
