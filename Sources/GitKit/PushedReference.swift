import CLibgit2
import Glibc

/// How a server answered one ref of a push: nil status means accepted.
public struct PushedReference: Sendable {
    public let name: String
    public let rejection: String?
}
