import CLibgit2
import CNanerZlib

/// Fetch and push between two repositories on one machine (a bare repository in a
/// cloud folder) without a transport: libgit2's local transport lists every ref of
/// the other side and gives up on the first name it cannot parse, and a sync client's
/// `main (laptop's conflicted copy …)` is exactly such a name. Objects travel as
/// packs, each written pack first and index last, so no reader ever sees half of one.
///
/// A pack of the source whose objects are all wanted is copied as it is, as git
/// reuses pack data: a first commit's pack of 20,000 files goes in one file copy,
/// where libgit2's pack builder would inflate, search deltas and deflate each
/// object again. The other objects are read and packed anew (`PackWriter`).
extension Repository {
    /// Copies into `destination` the objects reachable from `tips` (commits or
    /// annotated tags) that it lacks, not looking below commits reachable from
    /// `hiding`. Returns how many objects went.
    @discardableResult
    public func copyObjects(reachableFrom tips: [ObjectID], hiding: [ObjectID], into destination: Repository,
                            phase: TransferProgress.Phase = .sending,
                            progress: ((TransferProgress) -> Void)? = nil) throws -> Int {
        let wanted = try objectsMissing(in: destination, reachableFrom: tips, hiding: hiding)
        guard !wanted.isEmpty else { return 0 }
        var remaining = Set(wanted)
        var done = 0
        func report() { progress?(TransferProgress(phase: phase, done: done, total: wanted.count, bytes: 0)) }
        for pack in PackIndex.all(in: path + "objects/pack")
        where !pack.ids.isEmpty && pack.ids.allSatisfy(remaining.contains) && pack.isIntact() {
            try pack.copy(into: destination.path + "objects/pack")
            remaining.subtract(pack.ids)
            done += pack.ids.count
            report()
        }
        if !remaining.isEmpty {
            let database = try objectDatabase()
            let writer = PackWriter(gitDirectory: destination.path)
            for id in wanted where remaining.contains(id) {
                try writer.add(database.packed(id))
                done += 1
                if done % 1000 == 0 { report() }
            }
            try writer.finish()
        }
        report()
        return wanted.count
    }

    /// Tags, commits, trees and blobs reachable from `tips` and absent from `destination`.
    /// A tree the destination has is not looked into: a repository that has a tree has
    /// everything below it.
    private func objectsMissing(in destination: Repository, reachableFrom tips: [ObjectID], hiding: [ObjectID]) throws -> [ObjectID] {
        let theirs = try destination.objectDatabase()
        var walk: OpaquePointer?
        try check(git_revwalk_new(&walk, pointer), "git_revwalk_new")
        defer { git_revwalk_free(walk) }
        var wanted: [ObjectID] = []
        var seen: Set<ObjectID> = []
        let database = try objectDatabase()
        for tip in tips {
            let commit = try peeledCommit(tip)
            if commit != tip, seen.insert(tip).inserted, !theirs.containsKnown(tip) { wanted.append(tip) }  // an annotated tag
            var raw = commit.raw
            try check(git_revwalk_push(walk, &raw), "git_revwalk_push")
        }
        for id in hiding where database.contains(id) {
            guard let commit = try? peeledCommit(id) else { continue }
            var raw = commit.raw
            try check(git_revwalk_hide(walk, &raw), "git_revwalk_hide")
        }
        var raw = git_oid()
        while true {
            let rc = git_revwalk_next(&raw, walk)
            if rc == GIT_ITEROVER.rawValue { break }
            try check(rc, "git_revwalk_next")
            let commit = ObjectID(raw)
            guard seen.insert(commit).inserted, !theirs.containsKnown(commit) else { continue }
            wanted.append(commit)
            try collectTree(of: commit, skipping: theirs, seen: &seen, into: &wanted)
        }
        return wanted
    }

    private func collectTree(of commit: ObjectID, skipping theirs: ObjectDatabase, seen: inout Set<ObjectID>,
                             into wanted: inout [ObjectID]) throws {
        var raw = commit.raw
        var object: OpaquePointer?
        try check(git_commit_lookup(&object, pointer, &raw), "git_commit_lookup")
        defer { git_commit_free(object) }
        var pending = [ObjectID(git_commit_tree_id(object).pointee)]
        while let tree = pending.popLast() {
            guard seen.insert(tree).inserted, !theirs.containsKnown(tree) else { continue }
            wanted.append(tree)
            var treeRaw = tree.raw
            var handle: OpaquePointer?
            try check(git_tree_lookup(&handle, pointer, &treeRaw), "git_tree_lookup")
            defer { git_tree_free(handle) }
            for position in 0..<git_tree_entrycount(handle) {
                let entry = git_tree_entry_byindex(handle, position)
                let id = ObjectID(git_tree_entry_id(entry).pointee)
                switch git_tree_entry_type(entry) {
                case GIT_OBJECT_TREE: pending.append(id)
                case GIT_OBJECT_BLOB:
                    if seen.insert(id).inserted, !theirs.containsKnown(id) { wanted.append(id) }
                default: continue  // a submodule's commit lives in another repository
                }
            }
        }
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
