import FoundationEssentials
import GitKit

extension Workspace {
    public enum InitOutcome {
        /// Created (or finished an interrupted init) and made the first commit.
        case created(CommitReport, laid: [String])
        case alreadyInitialized
    }

    /// `naner init`: creates the repository, lays the default `.syncignore` and
    /// include list into the tree when absent, and commits everything managed.
    /// A rerun after an interrupted init finishes it; on a finished one it changes nothing.
    public static func initialize(_ locations: Locations, host: String? = nil,
                                  interaction: Interaction = Unattended()) throws -> (Workspace, InitOutcome) {
        try locations.checkHome()
        let gitDir = locations.repository
        let manager = FileManager.default
        if manager.fileExists(atPath: gitDir + "/HEAD") {
            let workspace = try open(locations, interaction: interaction)
            if try workspace.repository.headCommitID() != nil { return (workspace, .alreadyInitialized) }
            return (workspace, try workspace.finishInitialization())
        }
        if let contents = try? manager.contentsOfDirectory(atPath: gitDir), !contents.isEmpty {
            throw NanerError.cannotWrite(gitDir, reason: "the folder exists and is not a naner repository")
        }
        let repository: Repository
        do {
            repository = try createRepository(locations)
        } catch let error as GitError {
            throw NanerError.cannotWrite(gitDir, reason: error.message)
        }
        let workspace = Workspace(locations: locations, repository: repository, interaction: interaction)
        if let host { try workspace.setHost(host) }
        return (workspace, try workspace.finishInitialization())
    }

    /// A new repository for the tree, with the settings naner relies on.
    static func createRepository(_ locations: Locations) throws -> Repository {
        // Private from the first byte: its objects are copies of 0600 files such as ~/.ssh/config.
        do {
            try FileSystem.makeFolders(locations.repository, mode: 0o700)
        } catch {
            throw NanerError.cannotWrite(locations.repository, reason: error.reason)
        }
        let repository = try Repository.create(gitDir: locations.repository, workTree: locations.home)
        let config = try repository.config()
        // The managed set must not depend on a global ignore file that differs per machine.
        try config.set("core.excludesFile", "/dev/null")
        // Bytes exact: no line-ending conversion.
        try config.set("core.autocrlf", false)
        // A reflog, so every move of main can be found again.
        try config.set("core.logAllRefUpdates", true)
        // `.gitignore` files in the tree are content from the start: nothing to announce.
        try config.set(Workspace.gitignoreIsContentKey, true)
        // Its `.syncignore` is this naner's default or the user's own choice: nothing to add.
        try config.set(Workspace.credentialStoresKey, true)
        return repository
    }

    private func finishInitialization() throws -> InitOutcome {
        try lockRepository()
        var laid: [String] = []
        for (path, text) in [(SyncIgnore.path, DefaultFiles.syncIgnore), (IncludeList.path, DefaultFiles.includeList)] {
            let absolute = locations.home + "/" + path
            if !FileManager.default.fileExists(atPath: absolute) {
                try AtomicFile.write(Array(text.utf8), to: absolute, mode: 0o644)
                laid.append(path)
            }
        }
        let report = try commit(message: "naner init")
        return .created(report, laid: laid)
    }
}
