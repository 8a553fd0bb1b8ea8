import CLibgit2
import Glibc

/// An answer to a `CredentialRequest`.
public enum Credential: Sendable {
    case password(username: String, password: String)
    case sshAgent(username: String)
    /// Nothing to offer: libgit2 fails the transfer with an authentication error.
    case none
}
