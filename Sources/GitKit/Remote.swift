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

    /// Points `HEAD` at `refs/heads/BRANCH` (which may not exist yet).
    public func setHead(branch: String) throws {
        try check(git_repository_set_head(pointer, "refs/heads/" + branch), "git_repository_set_head")
    }
}
