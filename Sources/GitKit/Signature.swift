import CLibgit2

/// Who made a commit. Built from git config when possible.
public struct Signature: Sendable {
    public var name: String
    public var email: String

    public init(name: String, email: String) {
        self.name = name
        self.email = email
    }
}
