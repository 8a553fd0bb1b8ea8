import Foundation
import GitKit

/// Opens a repository on its own thread and hands it over once: after `repository()`
/// returns, only the caller's thread uses it, as libgit2 requires.
// Unchecked: the opening thread writes `result` once; `repository()` reads it after joining that thread.
final class RepositoryLoader: @unchecked Sendable {
    private var result: Result<Repository, Error>?
    private var opening: BackgroundThreads.Handle?

    init(_ repository: Repository) {
        result = .success(repository)
    }

    init(locations: Locations) {
        opening = BackgroundThreads.start { [self] in
            result = Result { try Workspace.openRepository(locations) }
        }
    }

    func repository() throws -> Repository {
        if let opening {
            BackgroundThreads.join(opening)
            self.opening = nil
        }
        return try result!.get()
    }
}
