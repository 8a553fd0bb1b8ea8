/// An https transfer's proxy did not open the tunnel to the server.
public struct ProxyFailure: Error, Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        /// No connection to the proxy itself: `reason` is the system's words.
        case unreachable(reason: String)
        /// The proxy answered the CONNECT with another status than 2xx.
        case refused(status: Int, reason: String)
        /// It wants credentials: none were offered, or it refused those offered.
        case authentication
        /// It wants credentials naner cannot send (only Basic is spoken).
        case unsupportedAuthentication(scheme: String)
        /// What came back was not HTTP.
        case brokenAnswer(String)
    }

    /// The proxy's URL, without user or password.
    public let proxy: String
    /// `host:port` the tunnel was asked for.
    public let target: String
    public let kind: Kind
}
