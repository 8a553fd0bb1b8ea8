import CLibgit2
import Glibc

/// Callbacks for one fetch or push. Swift closures, called on the caller's thread.
public struct TransferOptions {
    public var credentials: ((CredentialRequest) throws -> Credential)?
    public var progress: ((TransferProgress) -> Void)?
    /// libgit2 calls the credential callback again after every failure; stop here.
    public var maximumCredentialAttempts = 3
    /// An https server whose certificate mbedTLS does not accept is used anyway
    /// (`http.sslVerify=false`): the caller warns.
    public var acceptsInvalidCertificates = false
    /// The proxy for an http(s) remote (reached through a `ProxyTunnel`); nil connects directly.
    public var proxy: ProxyOptions?

    public init(credentials: ((CredentialRequest) throws -> Credential)? = nil,
                progress: ((TransferProgress) -> Void)? = nil) {
        self.credentials = credentials
        self.progress = progress
    }
}
