import CLibgit2

/// An open repository whose git dir and work tree are apart (the git dir never
/// sits in the tree as `.git`). Owns its `git_repository*`; not shared across threads.
public final class Repository {
    let pointer: OpaquePointer
    /// Installed the first time the handle's new objects go to a pack (`packNewObjects`).
    var packingBackend: PackingBackend?

    private init(_ pointer: OpaquePointer) {
        self.pointer = pointer
    }

    deinit { git_repository_free(pointer) }

    /// Creates a repository at `gitDir` for the work tree `workTree`, with branch `main`.
    /// It is made bare first and then given `core.worktree`: `git_repository_init_ext`
    /// with a workdir writes a `.git` file into the tree, which would make every git
    /// tool in the home folder think the whole home is a repository.
    public static func create(gitDir: String, workTree: String) throws -> Repository {
        let bare = try createBare(at: gitDir)
        let config = try bare.config()
        try config.set("core.bare", false)
        try config.set("core.worktree", workTree)
        return try open(gitDir: gitDir, workTree: workTree)
    }

    /// Creates a bare repository with branch `main` (also a sync folder's first push).
    public static func createBare(at path: String) throws -> Repository {
        Libgit2.ensureInitialized()
        var options = git_repository_init_options()
        try check(git_repository_init_options_init(&options, UInt32(GIT_REPOSITORY_INIT_OPTIONS_VERSION)),
                  "git_repository_init_options_init")
        options.flags = GIT_REPOSITORY_INIT_BARE.rawValue | GIT_REPOSITORY_INIT_MKPATH.rawValue
            | GIT_REPOSITORY_INIT_NO_REINIT.rawValue
        var out: OpaquePointer?
        try "main".withCString { head in
            options.initial_head = head
            try check(git_repository_init_ext(&out, path, &options), "git_repository_init_ext")
        }
        return Repository(out!)
    }

    /// Opens the repository at exactly `gitDir` (no search upwards, no `.git` appended)
    /// and points it at `workTree` for this process only.
    public static func open(gitDir: String, workTree: String?) throws -> Repository {
        Libgit2.ensureInitialized()
        var out: OpaquePointer?
        let flags = GIT_REPOSITORY_OPEN_NO_SEARCH.rawValue | GIT_REPOSITORY_OPEN_NO_DOTGIT.rawValue
        try check(git_repository_open_ext(&out, gitDir, flags, nil), "git_repository_open_ext")
        let repository = Repository(out!)
        if let workTree {
            try check(git_repository_set_workdir(repository.pointer, workTree, 0), "git_repository_set_workdir")
        }
        return repository
    }

    /// The git dir, with a trailing slash as libgit2 reports it.
    public var path: String { String(cString: git_repository_path(pointer)) }

    public func config() throws -> Config {
        var out: OpaquePointer?
        try check(git_repository_config(&out, pointer), "git_repository_config")
        return Config(out!)
    }

    public func index() throws -> Index {
        var out: OpaquePointer?
        try check(git_repository_index(&out, pointer), "git_repository_index")
        return Index(out!, owner: self)
    }

    /// The commit `HEAD` points at, or nil on an unborn branch.
    public func headCommitID() throws -> ObjectID? {
        var oid = git_oid()
        let rc = git_reference_name_to_id(&oid, pointer, "HEAD")
        if rc == GIT_ENOTFOUND.rawValue || rc == GIT_EUNBORNBRANCH.rawValue { return nil }
        try check(rc, "git_reference_name_to_id")
        return ObjectID(oid)
    }

    /// The branch `HEAD` names (`main`), even when it has no commit yet.
    public func headBranchName() throws -> String? {
        var ref: OpaquePointer?
        let rc = git_reference_lookup(&ref, pointer, "HEAD")
        if rc == GIT_ENOTFOUND.rawValue { return nil }
        try check(rc, "git_reference_lookup")
        defer { git_reference_free(ref) }
        guard git_reference_type(ref) == GIT_REFERENCE_SYMBOLIC, let target = git_reference_symbolic_target(ref) else {
            return nil
        }
        let name = String(cString: target)
        return name.hasPrefix("refs/heads/") ? String(name.dropFirst("refs/heads/".count)) : name
    }

    /// Resolves anything `git rev-parse` takes (`HEAD~2`, a tag, an id) to the commit it names.
    public func resolveCommit(_ spec: String) throws -> ObjectID {
        var object: OpaquePointer?
        try check(git_revparse_single(&object, pointer, spec), "git_revparse_single")
        defer { git_object_free(object) }
        var commit: OpaquePointer?
        try check(git_object_peel(&commit, object, GIT_OBJECT_COMMIT), "git_object_peel")
        defer { git_object_free(commit) }
        return ObjectID(git_object_id(commit).pointee)
    }
}
