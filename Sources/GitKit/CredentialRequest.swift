import CLibgit2
import Glibc

/// What libgit2 asks for when a server wants credentials.
public struct CredentialRequest: Sendable {
    public let url: String
    /// The user named in the URL (`https://me@host/…`, `me@host:path`), if any.
    public let username: String?
    public let allowsPassword: Bool
    public let allowsSSHKey: Bool
    /// 1 for the first request of a transfer; libgit2 asks again after every refusal.
    public let attempt: Int
}
