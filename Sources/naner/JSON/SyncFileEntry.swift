import GitKit
import NanerCore

/// A file a sync would change on one side, in `sync --dry-run --json`.
struct SyncFileEntry: Encodable {
    let path: String
    /// `add`, `update` or `remove`.
    let change: String

    init(_ change: TreeChange) {
        path = change.path
        self.change = SyncPrinter.verb(change)
    }
}
