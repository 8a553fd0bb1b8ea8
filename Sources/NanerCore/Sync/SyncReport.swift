import FoundationEssentials
import GitKit

public struct SyncReport: Sendable {
    public let remote: SyncRemote
    public var pull: PullOutcome?
    public var push: PushOutcome?
    /// The branch the pull moved: `main`, or with variants this machine's host branch.
    public var branch = "main"
}
