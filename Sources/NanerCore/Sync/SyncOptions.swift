import FoundationEssentials
import GitKit

/// How `naner sync` was asked to run.
public struct SyncOptions {
    public var remote: String?
    public var provider: CloudProvider?
    public var path: String?
    public var force = false
    public var progress: ((TransferProgress) -> Void)?
    /// The user's own home, where cloud folders live (not the managed tree).
    public var userHome: String

    public init(remote: String? = nil, provider: CloudProvider? = nil, path: String? = nil, force: Bool = false,
                userHome: String = ProcessInfo.processInfo.environment["HOME"] ?? UserAccount.home) {
        self.remote = remote
        self.provider = provider
        self.path = path
        self.force = force
        self.userHome = userHome
    }
}
