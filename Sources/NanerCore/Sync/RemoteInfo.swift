import FoundationEssentials
import GitKit

/// A remote as `naner remote list` shows it.
public struct RemoteInfo: Sendable {
    public let name: String
    public let url: String
}
