import FoundationEssentials
import GitKit

/// A home config tree together with its repository: the object every command works on.
public final class Workspace {
    public let locations: Locations
    /// Where warnings and passphrase questions go.
    public let interaction: Interaction
    private let loader: RepositoryLoader
    private var lock: FileLock?
    /// Detail lines said once a run (the rule files, a remote's address), not at every reload.
    var detailsSaid = Set<String>()

    public static let defaultSizeLimit = 5 * 1024 * 1024

    /// The opened, checked repository. Opening starts on another thread (libgit2's
    /// start-up parses the system's TLS certificates), so a status can walk the tree
    /// meanwhile; the first use waits for it and throws what opening found.
    var repository: Repository {
        get throws { try loader.repository() }
    }

    init(locations: Locations, loader: RepositoryLoader, interaction: Interaction) {
        self.locations = locations
        self.loader = loader
        self.interaction = interaction
    }

    convenience init(locations: Locations, repository: Repository, interaction: Interaction) {
        self.init(locations: locations, loader: RepositoryLoader(repository), interaction: interaction)
    }

    /// Files larger than this are not committed unless the include list names them
    /// (`naner.maxFileSize` in the repository's config).
    var sizeLimit: Int {
        get throws {
            // A status that meets a touched file needs the limit: read without loading libgit2
            // when no config file libgit2 would read can set it.
            if !Workspace.configFilesMayName("maxfilesize", repository: locations.repository) {
                return Workspace.defaultSizeLimit
            }
            let configured = try? repository.config().int64("naner.maxFileSize")
            return configured.flatMap { $0 > 0 ? Int($0) : nil } ?? Workspace.defaultSizeLimit
        }
    }

    /// Opens an initialized workspace. Read-only commands run without the lock.
    /// `openingInBackground` false: the repository opens when first needed, on the thread
    /// that needs it, and not at all when the files naner reads itself hold the answer
    /// (a prompt on a clean tree); libgit2's start-up is most of a small home's status.
    public static func open(_ locations: Locations, interaction: Interaction = Unattended(),
                            openingInBackground: Bool = true) throws -> Workspace {
        try locations.checkHome()
        let gitDir = locations.repository
        guard let status = PathStatus(path: gitDir, following: true) else {
            throw NanerError.repositoryMissing(gitDir)
        }
        // A repository made by an earlier naner (0755): its objects are copies of private
        // files, so others must not reach them. Repaired once, and said.
        if status.kind == .directory && status.permissions & 0o077 != 0 && status.uid == FileSystem.userID,
           (try? FileSystem.setPermissions(gitDir, status.permissions & 0o700)) != nil {
            interaction.warn("made '\(gitDir)' private (\(String(status.permissions & 0o700, radix: 8))): it holds copies of your files")
        }
        return Workspace(locations: locations, loader: RepositoryLoader(locations: locations, background: openingInBackground),
                         interaction: interaction)
    }

    /// Opens and checks the repository: the work that `RepositoryLoader` runs in the background.
    static func openRepository(_ locations: Locations) throws -> Repository {
        let gitDir = locations.repository
        let repository: Repository
        do {
            repository = try Repository.open(gitDir: gitDir, workTree: locations.home)
        } catch let error as GitError {
            if !FileManager.default.fileExists(atPath: gitDir + "/HEAD") && !FileManager.default.fileExists(atPath: gitDir + "/config") {
                throw NanerError.repositoryMissing(gitDir)
            }
            // libgit2 1.5's words for a format it does not know: not damage, and no fsck repairs it.
            if error.message.hasPrefix("unsupported extension name") || error.message.hasPrefix("unsupported repository version") {
                throw NanerError.repositoryFormatUnsupported(gitDir, reason: error.message)
            }
            throw NanerError.repositoryCorrupt(gitDir, reason: error.message)
        }
        if let recorded = try? repository.config().string("core.worktree"),
           Paths.normalize(recorded) != locations.home {
            throw NanerError.repositoryForOtherHome(repository: gitDir, home: Paths.normalize(recorded))
        }
        do {
            if let head = try repository.headCommitID() { _ = try repository.commit(head) }
        } catch let error as GitError {
            throw NanerError.repositoryCorrupt(gitDir, reason: error.message)
        }
        return repository
    }

    /// Takes the repository's lock for the rest of this object's life.
    public func lockRepository(timeout: Double = Workspace.lockTimeout) throws {
        try lockRepository(timeout: timeout, removingStaleGitLocks: true)
    }

    func lockRepository(timeout: Double, removingStaleGitLocks: Bool) throws {
        guard lock == nil else { return }
        lock = try FileLock(repository: locations.repository, timeout: timeout)
        if removingStaleGitLocks { removeStaleGitLocks() }
    }

    /// libgit2 guards each file it rewrites with a `.lock` sibling. Holding naner's
    /// lock means no other naner runs, so such a file was left by one that was
    /// killed mid-write; it would block every later write. Say so and remove it.
    /// Every `.lock` file libgit2 may leave: beside the index, HEAD, the config and
    /// packed-refs, and beside any ref (a safety point's, a tag's, a remote's).
    func gitLockFiles() -> [String] {
        var names = ["index.lock", "HEAD.lock", "config.lock", "packed-refs.lock"]
        let refs = (try? FileManager.default.subpathsOfDirectory(atPath: locations.repository + "/refs")) ?? []
        for path in refs where path.hasSuffix(".lock") { names.append("refs/" + path) }
        return names.filter { FileManager.default.fileExists(atPath: locations.repository + "/" + $0) }
    }

    /// Packs libgit2's indexer was still writing when their naner was killed (commits store
    /// their objects as packs), and indexes whose pack is gone (the indexer renames the index
    /// into place first; joining packs removes an index last): never read, only space, and
    /// git calls them garbage. git itself renames a pack before its index, so an index
    /// alone is never git's work in progress.
    func halfWrittenPacks() -> [String] {
        let folder = "objects/pack"
        let names = (try? FileManager.default.contentsOfDirectory(atPath: locations.repository + "/" + folder)) ?? []
        let packs = Set(names.filter { $0.hasSuffix(".pack") })
        return names.filter {
            $0.hasPrefix("pack_git2_") || ($0.hasPrefix("pack-") && $0.hasSuffix(".idx") && !packs.contains($0.dropLast(4) + ".pack"))
        }.map { folder + "/" + $0 }
    }

    private func removeStaleGitLocks() {
        for name in gitLockFiles() + halfWrittenPacks() {
            let path = locations.repository + "/" + name
            if FileSystem.removeIfPresent(path) {
                interaction.warn("removed '\(name)' left in the repository by an interrupted naner")
            }
        }
    }

    /// How long a second naner waits for the first: `NANER_LOCK_TIMEOUT` seconds, default 5.
    public static var lockTimeout: Double {
        Environment.value("NANER_LOCK_TIMEOUT").flatMap(Double.init) ?? 5
    }

    /// Reads the include list and `.syncignore` and keeps `REPO/info/exclude` in step,
    /// so the git CLI on this repository sees the same managed set.
    @discardableResult
    public func refreshRules() throws -> ManagedRules {
        let rules = try ManagedRules.load(home: locations.home, repositoryInsideHome: locations.repositoryInsideHome)
        detailRules(rules)
        let path = locations.repository + "/info/exclude"
        let text = rules.excludeFileText
        if (try? String(contentsOfFile: path, encoding: .utf8)) != text {
            _ = try repository  // never write into a repository that failed its checks
            try AtomicFile.write(Array(text.utf8), to: path, mode: 0o644)
        }
        return rules
    }

    public static func isValidTagName(_ name: String) -> Bool {
        Repository.isValidReferenceName("refs/tags/" + name)
    }

    /// Call before the process exits: waits for a repository still opening in the
    /// background, for a command that stopped before it needed the repository.
    public static func finishBackgroundWork() { BackgroundThreads.joinAll() }

    /// True when a repository still opening was left behind (the command never needed it,
    /// a clean status): end the process with `_exit`, after flushing output, rather than
    /// wait milliseconds for libgit2's start-up or tear its globals down under it.
    public static var mustEndAbruptly: Bool { BackgroundThreads.abandonedAny }

    /// From `REPO/HEAD` when it names a branch simply, without libgit2.
    public var branchName: String {
        RefFiles.headBranch(repository: locations.repository) ?? (try? repository.headBranchName()) ?? "main"
    }
}

extension Workspace {
    /// Whether a config file libgit2 reads for this repository (its own, the user's
    /// global and XDG ones, the system's) may set a key whose lowercased name ends in
    /// `name`: a file names it, includes another, or cannot be read. False means the key
    /// is unset, known without libgit2's start-up (names are case-insensitive in git's config).
    static func configFilesMayName(_ name: String, repository: String) -> Bool {
        var files = [repository + "/config", "/etc/gitconfig"]
        if let home = Environment.nonEmpty("HOME") { files += [home + "/.gitconfig", home + "/.config/git/config"] }
        if let xdg = Environment.nonEmpty("XDG_CONFIG_HOME") { files.append(xdg + "/git/config") }
        // Bytes, lowercased ASCII: String.contains was half a million instructions a file.
        let needles = [Array(name.lowercased().utf8), Array("include".utf8)]
        for file in files where PathStatus.exists(file) {
            guard let bytes = try? FileReader.read(file, following: true) else { return true }
            let text = bytes.lowercasedASCII
            if needles.contains(where: { text.containsBytes($0) }) { return true }
        }
        return false
    }
}
