import CLibgit2

/// Fetch and push between two repositories on one machine (a bare repository in a
/// cloud folder) without a transport: libgit2's local transport lists every ref of
/// the other side and gives up on the first name it cannot parse, and a sync client's
/// `main (laptop's conflicted copy …)` is exactly such a name. Objects travel as one
/// pack, written pack first and index last, so no reader ever sees half of it.
extension Repository {
    /// Copies into `destination` the objects reachable from `tips` (commits or
    /// annotated tags) and not from `hiding`. Returns how many objects went.
    @discardableResult
    public func copyObjects(reachableFrom tips: [ObjectID], hiding: [ObjectID], into destination: Repository,
                            phase: TransferProgress.Phase = .sending,
                            progress: ((TransferProgress) -> Void)? = nil) throws -> Int {
        var builder: OpaquePointer?
        try check(git_packbuilder_new(&builder, pointer), "git_packbuilder_new")
        defer { git_packbuilder_free(builder) }
        git_packbuilder_set_threads(builder, 0)
        var walk: OpaquePointer?
        try check(git_revwalk_new(&walk, pointer), "git_revwalk_new")
        defer { git_revwalk_free(walk) }
        let database = try objectDatabase()
        for tip in tips {
            let commit = try peeledCommit(tip)
            if commit != tip {  // an annotated tag: its own object travels too
                var raw = tip.raw
                try check(git_packbuilder_insert(builder, &raw, nil), "git_packbuilder_insert")
            }
            var raw = commit.raw
            try check(git_revwalk_push(walk, &raw), "git_revwalk_push")
        }
        for id in hiding where database.contains(id) {
            guard let commit = try? peeledCommit(id) else { continue }
            var raw = commit.raw
            try check(git_revwalk_hide(walk, &raw), "git_revwalk_hide")
        }
        let state = TransferState(TransferOptions(progress: progress.map { report in
            { report(TransferProgress(phase: $0.phase == .sending ? phase : $0.phase, done: $0.done, total: $0.total, bytes: $0.bytes)) }
        }))
        if progress != nil {
            try check(git_packbuilder_set_callbacks(builder, TransferState.packProgress, Unmanaged.passUnretained(state).toOpaque()),
                      "git_packbuilder_set_callbacks")
        }
        try withExtendedLifetime(state) {
            try check(git_packbuilder_insert_walk(builder, walk), "git_packbuilder_insert_walk")
        }
        let count = Int(git_packbuilder_object_count(builder))
        guard count > 0 else { return 0 }
        let rc = withExtendedLifetime(state) {
            git_packbuilder_write(builder, destination.path + "objects/pack", 0, { stats, payload in
                let state = Unmanaged<TransferState>.fromOpaque(payload!).takeUnretainedValue()
                guard let report = state.options.progress, let stats = stats?.pointee else { return 0 }
                report(TransferProgress(phase: .sending, done: Int(stats.indexed_objects), total: Int(stats.total_objects),
                                        bytes: Int(stats.received_bytes)))
                return 0
            }, Unmanaged.passUnretained(state).toOpaque())
        }
        try state.finish(rc, "git_packbuilder_write")
        return count
    }

    /// The commit an object leads to: itself, or an annotated tag's target.
    public func peeledCommit(_ id: ObjectID) throws -> ObjectID {
        var raw = id.raw
        var object: OpaquePointer?
        try check(git_object_lookup(&object, pointer, &raw, GIT_OBJECT_ANY), "git_object_lookup")
        defer { git_object_free(object) }
        var commit: OpaquePointer?
        try check(git_object_peel(&commit, object, GIT_OBJECT_COMMIT), "git_object_peel")
        defer { git_object_free(commit) }
        return ObjectID(git_object_id(commit).pointee)
    }

    /// The object `name` points at, nil when there is no such reference or it is unreadable.
    public func referenceTargetIfPresent(_ name: String) -> ObjectID? {
        try? referenceTarget(name)
    }
}
