import FoundationEssentials
import GitKit

public struct SyncReport: Sendable {
    public let remote: SyncRemote
    public var pull: PullOutcome?
    public var push: PushOutcome?
}
