import CLibgit2

extension Repository {
    /// Adds a named remote (`origin`) with git's default fetch refspec.
    public func createRemote(name: String, url: String) throws {
        var remote: OpaquePointer?
        try check(git_remote_create(&remote, pointer, name, Self.routableURL(url)), "git_remote_create")
        git_remote_free(remote)
    }

    /// libgit2 1.5 hands any address with a `:` to the ssh transport before it looks for
    /// a local folder, so `/tmp/a:b.git` would be taken for host `/tmp/a`. git's rule is
    /// that a `/` before the first `:` makes a path; such a path becomes a `file://` URL
    /// (percent-encoded as libgit2 decodes it), which always reaches the local transport.
    static func routableURL(_ url: String) -> String {
        guard url.hasPrefix("/"), !url.contains("://"), url.contains(":") else { return url }
        var encoded = "file://"
        for character in url { encoded += character == "%" ? "%25" : String(character) }
        return encoded
    }

    /// Fetches a remote's branches and tags (`refs/remotes/NAME/*`, `refs/tags/*`).
    public func fetch(remote name: String) throws {
        var remote: OpaquePointer?
        try check(git_remote_lookup(&remote, pointer, name), "git_remote_lookup")
        defer { git_remote_free(remote) }
        var options = git_fetch_options()
        try check(git_fetch_options_init(&options, UInt32(GIT_FETCH_OPTIONS_VERSION)), "git_fetch_options_init")
        options.download_tags = GIT_REMOTE_DOWNLOAD_TAGS_ALL
        try check(git_remote_fetch(remote, nil, &options, "naner: fetch"), "git_remote_fetch")
    }

    /// The branch a remote's HEAD names (`main`), from the last fetch; nil when unknown.
    public func remoteDefaultBranch(remote name: String) -> String? {
        var reference: OpaquePointer?
        guard git_reference_lookup(&reference, pointer, "refs/remotes/\(name)/HEAD") == 0 else { return nil }
        defer { git_reference_free(reference) }
        guard let target = git_reference_symbolic_target(reference) else { return nil }
        let prefix = "refs/remotes/\(name)/"
        let full = String(cString: target)
        return full.hasPrefix(prefix) ? String(full.dropFirst(prefix.count)) : nil
    }

    /// Points `HEAD` at `refs/heads/BRANCH` (which may not exist yet).
    public func setHead(branch: String) throws {
        try check(git_repository_set_head(pointer, "refs/heads/" + branch), "git_repository_set_head")
    }
}
