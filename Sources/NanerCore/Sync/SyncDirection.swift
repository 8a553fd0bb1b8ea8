import FoundationEssentials
import GitKit

/// `naner sync` both ways (pull, then push), or one.
public enum SyncDirection: Sendable {
    case both, pull, push

    var pulls: Bool { self != .push }
    var pushes: Bool { self != .pull }
}
