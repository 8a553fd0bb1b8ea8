import FoundationEssentials
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

    private var locations: Locations?

    /// `background` false: opened by the first `repository()` call, on its thread.
    init(locations: Locations, background: Bool = true) {
        guard background else {
            self.locations = locations
            return
        }
        // Opening only reads: a command that never needed the repository does not wait for it.
        opening = BackgroundThreads.start(abandonable: true) { [self] in
            result = Result { try Workspace.openRepository(locations) }
        }
    }

    func repository() throws -> Repository {
        if let opening {
            BackgroundThreads.join(opening)
            self.opening = nil
        }
        if result == nil, let locations {
            result = Result { try Workspace.openRepository(locations) }
        }
        return try result!.get()
    }
}
