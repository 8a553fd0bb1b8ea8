import CLibgit2

/// Signs a commit's or tag's text as git does (gpg, gpgsm or `ssh-keygen -Y sign`): given
/// the object as it will be stored without its signature, returns the armored signature.
public typealias ObjectSigner = (String) throws -> String

extension Repository {
    public func commit(_ id: ObjectID) throws -> CommitInfo {
        var oid = id.raw
        var commit: OpaquePointer?
        try check(git_commit_lookup(&commit, pointer, &oid), "git_commit_lookup")
        defer { git_commit_free(commit) }
        let parents = (0..<git_commit_parentcount(commit)).map { ObjectID(git_commit_parent_id(commit, $0).pointee) }
        let author = git_commit_author(commit)!.pointee
        return CommitInfo(
            id: id, treeID: ObjectID(git_commit_tree_id(commit).pointee), parentIDs: parents,
            message: String(cString: git_commit_message(commit)),
            authorName: String(cString: author.name), authorEmail: String(cString: author.email),
            time: author.when.time, offsetMinutes: author.when.offset, commitTime: git_commit_time(commit))
    }

    /// The signature git would use (`user.name`/`user.email` from any config level), or nil.
    public func configuredSignature() -> Signature? {
        var signature: UnsafeMutablePointer<git_signature>?
        guard git_signature_default(&signature, pointer) == 0, let signature else { return nil }
        defer { git_signature_free(signature) }
        return Signature(name: String(cString: signature.pointee.name), email: String(cString: signature.pointee.email))
    }

    /// Writes a commit of `tree` and moves `updateRef` (e.g. `HEAD`) to it. With `signer`,
    /// the commit is signed as git signs it: libgit2 writes the commit's text, `signer`
    /// returns the signature for it (armored, as gpg or `ssh-keygen -Y sign` write it), and
    /// the commit is written with that signature in its `gpgsig` header; then no reference
    /// moves (`updateRef` must be nil). When `signer` throws, nothing is written.
    public func createCommit(tree treeID: ObjectID, parents parentIDs: [ObjectID], message: String,
                             signature: Signature, updateRef: String? = "HEAD", signer: ObjectSigner? = nil) throws -> ObjectID {
        precondition(signer == nil || updateRef == nil, "a signed commit moves no reference")
        var gitSignature: UnsafeMutablePointer<git_signature>?
        try check(git_signature_now(&gitSignature, signature.name, signature.email), "git_signature_now")
        defer { git_signature_free(gitSignature) }
        let tree = try lookupTree(treeID)
        defer { git_tree_free(tree) }
        var parents: [OpaquePointer?] = []
        defer { parents.forEach { git_commit_free($0) } }
        for parentID in parentIDs {
            var oid = parentID.raw
            var parent: OpaquePointer?
            try check(git_commit_lookup(&parent, pointer, &oid), "git_commit_lookup")
            parents.append(parent)
        }
        var oid = git_oid()
        guard let signer else {
            try parents.withUnsafeMutableBufferPointer { buffer in
                try check(git_commit_create(&oid, pointer, updateRef, gitSignature, gitSignature, nil, message,
                                            tree, buffer.count, buffer.baseAddress), "git_commit_create")
            }
            return ObjectID(oid)
        }
        var content = git_buf()
        defer { git_buf_dispose(&content) }
        try parents.withUnsafeMutableBufferPointer { buffer in
            try check(git_commit_create_buffer(&content, pointer, gitSignature, gitSignature, nil, message,
                                               tree, buffer.count, buffer.baseAddress), "git_commit_create_buffer")
        }
        let text = String(decoding: UnsafeRawBufferPointer(start: content.ptr, count: content.size), as: UTF8.self)
        // git writes the signature's lines into the header without a last empty one.
        var armor = try signer(text)
        while armor.hasSuffix("\n") { armor.removeLast() }
        try check(git_commit_create_with_signature(&oid, pointer, text, armor, nil), "git_commit_create_with_signature")
        return ObjectID(oid)
    }

    /// Moves the branch HEAD names (or a detached HEAD) to `commitID`, a commit written
    /// without moving a reference, as `git_commit_create` would have given "HEAD": only
    /// from the commit's first parent (or from nothing, for an unborn branch), with git's
    /// reflog message (`commit: …`, `commit (initial): …`, `commit (merge): …`) signed by
    /// `committer`, which libgit2 also adds to HEAD's reflog.
    public func advanceHead(to commitID: ObjectID, committer: Signature) throws {
        var head: OpaquePointer?
        try check(git_reference_lookup(&head, pointer, "HEAD"), "git_reference_lookup")
        defer { git_reference_free(head) }
        let name = git_reference_type(head) == GIT_REFERENCE_SYMBOLIC ? String(cString: git_reference_symbolic_target(head)) : "HEAD"
        var oid = commitID.raw
        var commit: OpaquePointer?
        try check(git_commit_lookup(&commit, pointer, &oid), "git_commit_lookup")
        defer { git_commit_free(commit) }
        let parents = git_commit_parentcount(commit)
        let kind = parents == 0 ? " (initial)" : parents > 1 ? " (merge)" : ""
        let message = "commit\(kind): " + String(cString: git_commit_summary(commit))
        // Reference updates sign the reflog with the repository's identity, else the config's.
        try check(git_repository_set_ident(pointer, committer.name, committer.email), "git_repository_set_ident")
        defer { git_repository_set_ident(pointer, nil, nil) }
        var current = git_oid()
        let unborn = git_reference_name_to_id(&current, pointer, name) != 0
        var reference: OpaquePointer?
        if parents == 0 || unborn {
            try check(git_reference_create(&reference, pointer, name, &oid, 0, message), "git_reference_create")
        } else {
            var parent = git_commit_parent_id(commit, 0).pointee
            try check(git_reference_create_matching(&reference, pointer, name, &oid, 1, &parent, message),
                      "git_reference_create_matching")
        }
        git_reference_free(reference)
    }

    /// Commits reachable from `start`, newest first, at most `limit`.
    /// The history from `start` in `git log`'s order (`HistoryOrder`).
    public func history(from start: ObjectID, limit: Int?) throws -> [CommitInfo] {
        try HistoryOrder.walk(from: start, limit: limit) { try commit($0) }
    }

    /// Tag names by the commit they point at (annotated tags peeled). Packed tags carry
    /// their peeled commit; only a loose annotated tag's object is read.
    public func tagsByCommit() throws -> [ObjectID: [String]] {
        var result: [ObjectID: [String]] = [:]
        try forEachDirectReference(matching: "refs/tags/*") { reference, target in
            let name = String(String(cString: git_reference_name(reference)).dropFirst("refs/tags/".count))
            let commit: ObjectID
            if let peeled = git_reference_target_peel(reference) {
                commit = ObjectID(peeled.pointee)
            } else {
                var object: OpaquePointer?
                if git_reference_peel(&object, reference, GIT_OBJECT_COMMIT) == 0 {
                    commit = ObjectID(git_object_id(object).pointee)
                    git_object_free(object)
                } else {
                    commit = target
                }
            }
            result[commit, default: []].append(name)
        }
        return result
    }
}
