import CLibgit2
import Glibc

/// Raised from inside a transfer when credentials ran out.
public struct AuthenticationFailed: Error, Sendable {
    public let url: String
    public let attempts: Int
}
