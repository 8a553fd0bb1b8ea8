import FoundationEssentials
import GitKit

/// The repository's index, loaded by libgit2 on a thread of its own with a repository
/// handle of its own (which the index keeps). After `index()` returns, both belong to
/// the caller's thread.
// Unchecked: the loading thread writes `result` once; `index()` reads it after joining that thread.
final class PendingIndex: @unchecked Sendable {
    private var thread: BackgroundThreads.Handle?
    private var result: Result<Index, Error>?

    init(gitDirectory: String, workTree: String) {
        thread = BackgroundThreads.start { [self] in
            result = Result { try Repository.open(gitDir: gitDirectory, workTree: workTree).index() }
        }
    }

    func index() throws -> Index {
        if let thread { BackgroundThreads.join(thread) }
        thread = nil
        return try result!.get()  // set before the thread ended (or inline, when no thread could start)
    }
}
