import GitKit
import NanerCore

/// A commit a sync would push or pull, in `sync --dry-run --json`.
struct SyncCommitEntry: Encodable {
    let commit: String
    let summary: String
    let author: String

    init(_ commit: CommitInfo) {
        self.commit = commit.id.hex
        summary = commit.summary
        author = commit.authorName
    }
}
