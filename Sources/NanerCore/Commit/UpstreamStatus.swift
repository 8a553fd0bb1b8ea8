import FoundationEssentials
import GitKit

public struct UpstreamStatus: Sendable {
    public let remote: String
    public let ahead: Int
    public let behind: Int
}
