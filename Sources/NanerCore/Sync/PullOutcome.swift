import FoundationEssentials
import GitKit

/// What a pull did.
public enum PullOutcome: Sendable {
    case remoteEmpty
    case upToDate
    case fastForward(to: ObjectID, files: [RestorePlan.Action])
    case merged(commit: ObjectID, files: [RestorePlan.Action])
}
