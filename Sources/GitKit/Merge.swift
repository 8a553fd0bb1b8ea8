import CLibgit2
import Glibc

extension Repository {
    public func isDescendant(_ commit: ObjectID, of ancestor: ObjectID) throws -> Bool {
        var a = commit.raw, b = ancestor.raw
        let rc = git_graph_descendant_of(pointer, &a, &b)
        try check(rc, "git_graph_descendant_of")
        return rc == 1
    }

    /// The best common ancestor, nil when the histories share none.
    public func mergeBase(_ a: ObjectID, _ b: ObjectID) throws -> ObjectID? {
        var out = git_oid(), first = a.raw, second = b.raw
        let rc = git_merge_base(&out, pointer, &first, &second)
        if rc == GIT_ENOTFOUND.rawValue { return nil }
        try check(rc, "git_merge_base")
        return ObjectID(out)
    }

    /// Commits `local` has that `upstream` lacks, and the other way round.
    public func aheadBehind(local: ObjectID, upstream: ObjectID) throws -> (ahead: Int, behind: Int) {
        var ahead = 0, behind = 0
        var a = local.raw, b = upstream.raw
        try check(git_graph_ahead_behind(&ahead, &behind, pointer, &a, &b), "git_graph_ahead_behind")
        return (ahead, behind)
    }

    /// Commits reachable from `tip` but not from any of `hidden`, newest first.
    public func commits(from tip: ObjectID, hiding hidden: [ObjectID], limit: Int = 50) throws -> [CommitInfo] {
        var walk: OpaquePointer?
        try check(git_revwalk_new(&walk, pointer), "git_revwalk_new")
        defer { git_revwalk_free(walk) }
        try check(git_revwalk_sorting(walk, GIT_SORT_TIME.rawValue | GIT_SORT_TOPOLOGICAL.rawValue), "git_revwalk_sorting")
        var start = tip.raw
        try check(git_revwalk_push(walk, &start), "git_revwalk_push")
        for id in hidden {
            var raw = id.raw
            try check(git_revwalk_hide(walk, &raw), "git_revwalk_hide")
        }
        var result: [CommitInfo] = []
        var next = git_oid()
        while result.count < limit, git_revwalk_next(&next, walk) == 0 {
            result.append(try commit(ObjectID(next)))
        }
        return result
    }

    /// Merges two commits in memory. Conflicting paths are settled by `resolve`, which
    /// returns the blob and mode to put in the tree (or nil to leave the path out).
    public func merge(ours: ObjectID, theirs: ObjectID,
                      resolve: (MergeConflict) throws -> MergeSide?) throws -> MergeOutcome {
        var ourCommit: OpaquePointer?, theirCommit: OpaquePointer?
        var ourRaw = ours.raw, theirRaw = theirs.raw
        try check(git_commit_lookup(&ourCommit, pointer, &ourRaw), "git_commit_lookup")
        defer { git_commit_free(ourCommit) }
        try check(git_commit_lookup(&theirCommit, pointer, &theirRaw), "git_commit_lookup")
        defer { git_commit_free(theirCommit) }
        var options = git_merge_options()
        try check(git_merge_options_init(&options, UInt32(GIT_MERGE_OPTIONS_VERSION)), "git_merge_options_init")
        var index: OpaquePointer?
        try check(git_merge_commits(&index, pointer, ourCommit, theirCommit, &options), "git_merge_commits")
        defer { git_index_free(index) }

        var conflicts: [MergeConflict] = []
        if git_index_has_conflicts(index) != 0 {
            var iterator: OpaquePointer?
            try check(git_index_conflict_iterator_new(&iterator, index), "git_index_conflict_iterator_new")
            defer { git_index_conflict_iterator_free(iterator) }
            var ancestor: UnsafePointer<git_index_entry>?, our: UnsafePointer<git_index_entry>?, their: UnsafePointer<git_index_entry>?
            while git_index_conflict_next(&ancestor, &our, &their, iterator) == 0 {
                func side(_ entry: UnsafePointer<git_index_entry>?) -> MergeSide? {
                    entry.map { MergeSide(id: ObjectID($0.pointee.id), mode: $0.pointee.mode) }
                }
                let path = String(cString: (ancestor ?? our ?? their)!.pointee.path)
                conflicts.append(MergeConflict(path: path, ancestor: side(ancestor), ours: side(our), theirs: side(their)))
            }
        }
        for conflict in conflicts {
            try check(git_index_conflict_remove(index, conflict.path), "git_index_conflict_remove")
            guard let resolved = try resolve(conflict) else { continue }
            var entry = git_index_entry()
            entry.mode = resolved.mode
            entry.id = resolved.id.raw
            try conflict.path.withCString { path in
                entry.path = path
                try check(git_index_add(index, &entry), "git_index_add")
            }
        }
        var tree = git_oid()
        try check(git_index_write_tree_to(&tree, index, pointer), "git_index_write_tree_to")
        return MergeOutcome(tree: ObjectID(tree), conflicts: conflicts)
    }

    /// A 3-way line merge of one file, with diff3 markers labelled as given.
    public func mergeFile(ancestor: ObjectID?, ours: ObjectID?, theirs: ObjectID?,
                          labels: (ours: String, theirs: String)) throws -> MergedFile {
        // A trailing NUL that the sizes leave out: an empty side still has an address.
        let base = (try ancestor.map(blobContent) ?? []) + [0]
        let mine = (try ours.map(blobContent) ?? []) + [0]
        let other = (try theirs.map(blobContent) ?? []) + [0]
        var options = git_merge_file_options()
        try check(git_merge_file_options_init(&options, UInt32(GIT_MERGE_FILE_OPTIONS_VERSION)), "git_merge_file_options_init")
        options.flags = GIT_MERGE_FILE_STYLE_DIFF3.rawValue
        var result = git_merge_file_result()
        let rc: Int32 = base.withUnsafeBufferPointer { baseBuffer in
            mine.withUnsafeBufferPointer { mineBuffer in
                other.withUnsafeBufferPointer { otherBuffer in
                    "base".withCString { baseLabel in
                        labels.ours.withCString { ourLabel in
                            labels.theirs.withCString { theirLabel in
                                options.ancestor_label = baseLabel
                                options.our_label = ourLabel
                                options.their_label = theirLabel
                                var inputs = [baseBuffer, mineBuffer, otherBuffer].map { buffer -> git_merge_file_input in
                                    var input = git_merge_file_input()
                                    git_merge_file_input_init(&input, UInt32(GIT_MERGE_FILE_INPUT_VERSION))
                                    input.ptr = UnsafeRawPointer(buffer.baseAddress)?.assumingMemoryBound(to: CChar.self)
                                    input.size = buffer.count - 1
                                    return input
                                }
                                return git_merge_file(&result, &inputs[0], &inputs[1], &inputs[2], &options)
                            }
                        }
                    }
                }
            }
        }
        try check(rc, "git_merge_file")
        defer { git_merge_file_result_free(&result) }
        let bytes = result.ptr.map { Array(UnsafeRawBufferPointer(start: $0, count: result.len)) } ?? []
        return MergedFile(bytes: bytes, isClean: result.automergeable != 0)
    }
}
