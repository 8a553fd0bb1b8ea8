import CLibgit2

/// A commit's metadata, copied out of libgit2.
public struct CommitInfo: Sendable {
    public let id: ObjectID
    public let treeID: ObjectID
    public let parentIDs: [ObjectID]
    public let message: String
    public let authorName: String
    public let authorEmail: String
    /// Seconds since the epoch, and the author's offset from UTC in minutes.
    public let time: Int64
    public let offsetMinutes: Int32
    /// The committer's time, which orders `git log`.
    public let commitTime: Int64

    public var summary: String {
        String(message.split(separator: "\n", omittingEmptySubsequences: false).first ?? "")
    }
}
