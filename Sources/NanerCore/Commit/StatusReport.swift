import FoundationEssentials
import GitKit

/// What `naner status` shows.
public struct StatusReport: Sendable {
    public let branch: String
    public let scan: ScanResult
    /// Where main stands against the sync remote, as of the last sync (no network).
    public var upstream: UpstreamStatus?
    /// Files a stopped sync merge left with conflict markers; nil when no merge waits.
    public var mergeConflicts: [String]?
}
